#pragma once

#include <QDialog>
#include <QJsonObject>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace shardscope {

// Restart All for a cluster: the strategy (rolling: one node at a time behind the load
// balancer; lockstep: every node prepares, then all restart as one), the rolling grace
// and settle times, and the blast radius in words (nodes x shards, requests in flight
// now), and for rolling an optional gate after each node (canary first; a failed gate rolls
// back). Cancel is the default button: Return never starts a cluster restart.
class ClusterRestartDialog : public QDialog
{
    Q_OBJECT
public:
    struct Radius {
        int nodesUp = 0;
        int shardsPerNode = 0; // 0 when nodes differ (then shardsTotal says it)
        int shardsTotal = 0;
        quint64 inFlight = 0;
        int nodesGone = 0;     // lost or left: the cluster refuses while one is lost
    };
    explicit ClusterRestartDialog(const Radius &radius, QWidget *parent = nullptr);

    QString strategy() const;
    // The rolling strategy's times; -1 for another strategy (not sent).
    int graceMs() const;
    int settleMs() const;
    // Rolling only: whether each node is judged after it settled, and how many canaries.
    bool gated() const;
    int canary() const;
    // The POST /v1/cluster/restart body these choices make.
    QJsonObject requestBody() const;
    QString consequenceText() const;
    QComboBox *strategyBox() const { return m_strategy; }
    QSpinBox *graceBox() const { return m_grace; }
    QSpinBox *settleBox() const { return m_settle; }
    QCheckBox *gateBox() const { return m_gate; }
    QSpinBox *canaryBox() const { return m_canary; }
    QPushButton *okButton() const { return m_ok; }
    QPushButton *cancelButton() const { return m_cancel; }

private:
    void refresh();

    Radius m_radius;
    QComboBox *m_strategy;
    QSpinBox *m_grace;
    QSpinBox *m_settle;
    QCheckBox *m_gate;
    QSpinBox *m_canary;
    QLabel *m_consequence;
    QPushButton *m_ok;
    QPushButton *m_cancel;
};

} // namespace shardscope
