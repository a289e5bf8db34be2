#pragma once

#include <QFrame>

class QLabel;

namespace shardscope {

class ClusterModel;
class ClusterStepper;

// The cluster view's top strip: the cluster's name, nodes per version (amber while more
// than one version serves; the nodes behind are named, lost nodes kept under their last
// known version), etcd health, who coordinates, the running or last cluster restart, and
// nodes lost or left (red). Every node named is a link (nodeActivated). It holds its width
// whatever it says: long lines wrap or elide, with the whole text in a tooltip.
class ClusterHeader : public QFrame
{
    Q_OBJECT
public:
    explicit ClusterHeader(ClusterModel &model, QWidget *parent = nullptr);

    // The texts as shown, without markup (an elided line in full).
    QString titleText() const;
    QString versionsText() const;
    QString etcdText() const;
    QString coordinatorText() const;
    QString restartText() const;
    QString goneText() const;
    ClusterStepper *stepper() const { return m_stepper; }
    // Why the nodes would refuse Restart All now (for its tooltip), empty when they would not.
    QString restartBlocker() const { return m_blocker; }

    void refresh();

Q_SIGNALS:
    void nodeActivated(const QString &id); // a node's link was clicked
    void restartBlockerChanged(const QString &why);

protected:
    void changeEvent(QEvent *event) override;

private:
    void setLine(QLabel *label, const QString &html, const QString &plain, const QString &tip = {});

    ClusterModel &m_model;
    QLabel *m_title;
    QLabel *m_versions;
    QLabel *m_etcd;
    QLabel *m_coordinator;
    QLabel *m_restart;
    QLabel *m_gone;
    ClusterStepper *m_stepper;
    QString m_blocker;
    bool m_repainting = false; // paint() changes label palettes: no loop
};

} // namespace shardscope
