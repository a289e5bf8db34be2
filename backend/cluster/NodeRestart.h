#pragma once

#include "backend/cluster/ClusterContext.h"
#include "backend/cluster/ClusterView.h"

#include <QObject>
#include <QTimer>

#include <atomic>

namespace shardscope {

class ShardService;

// This node's share of a rolling cluster restart, on the cluster thread. When the
// journal (restart/current, written by the coordinator) sets this node's step to
// "restarting" under the current coordinator's fence, it turns readiness 503 so the
// balancer stops sending, waits the grace period while still serving, runs its own
// phased all-shard restart and reports the outcome in restart/node/<id>. Commands under
// a fence older than the newest seen are ignored.
class NodeRestart : public QObject
{
    Q_OBJECT
public:
    NodeRestart(ClusterContext context, ShardService &service, std::atomic<bool> &unready);

    void onView(const ClusterView &view);

private:
    void begin(const QJsonObject &journal);
    void runLocalRestart();
    void checkLocalRestart();
    void report(const QString &step, const QString &outcome, const QString &message);
    void resendIfLost(const ClusterView &view);

    ClusterContext m_node;
    ShardService &m_service;
    std::atomic<bool> &m_unready; // read by the network thread for /v1/service/ready
    std::int64_t m_newestFence = 0;
    QString m_restartId;        // the cluster restart this node is working on or finished last
    QJsonObject m_options;
    QJsonObject m_lastReport;   // what restart/node/<id> should hold
    std::int64_t m_fromVersion = 0;
    std::uint64_t m_localRestartId = 0;
    QTimer m_graceTimer;
    QTimer m_watchTimer;
};

} // namespace shardscope
