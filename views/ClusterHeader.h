#pragma once

#include <QFrame>

class QLabel;

namespace shardscope {

class ClusterModel;

// The cluster view's top strip: the cluster's name and etcd, nodes per version (an amber
// line while more than one version serves), etcd health, who coordinates, the running or
// last cluster restart, and nodes lost or left (red).
class ClusterHeader : public QFrame
{
    Q_OBJECT
public:
    explicit ClusterHeader(ClusterModel &model, QWidget *parent = nullptr);

    QString titleText() const;
    QString versionsText() const;
    QString etcdText() const;
    QString coordinatorText() const;
    QString restartText() const;
    QString goneText() const;

    void refresh();

private:
    ClusterModel &m_model;
    QLabel *m_title;
    QLabel *m_versions;
    QLabel *m_etcd;
    QLabel *m_coordinator;
    QLabel *m_restart;
    QLabel *m_gone;
};

} // namespace shardscope
