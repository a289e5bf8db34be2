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
// phased all-shard restart to the journal's target version and reports the outcome in
// restart/node/<id>. It acts only on a journal whose fence is the leader key's create
// revision in the same read (the coordinator in office), and re-reports its step under
// each new coordinator's fence, so a report lost while etcd was away is sent again. An
// abort, or the coordinator giving up on it, during the grace period stops it there.
// After a failed gate the coordinator sets its step to "reverting": the same way back, to
// the from_version its journal entry names (reports say "purpose": "revert").
class NodeRestart : public QObject
{
    Q_OBJECT
public:
    NodeRestart(ClusterContext context, ShardService &service, std::atomic<bool> &unready);

    void onView(const ClusterView &view);

private:
    void begin(const QJsonObject &journal, bool revert);
    void runLocalRestart();
    void checkLocalRestart();
    void report(const QString &step, const QString &outcome, const QString &message);
    void resendIfLost(const ClusterView &view, std::int64_t fence);
    bool graceCancelled(const ClusterView &view);
    bool onTarget() const;

    ClusterContext m_node;
    ShardService &m_service;
    std::atomic<bool> &m_unready; // read by the network thread for /v1/service/ready
    QString m_restartId;        // the cluster restart this node is working on or finished last
    bool m_revert = false;      // ... and whether that work is its revert after a failed gate
    QJsonObject m_options;
    QJsonObject m_lastReport;   // what restart/node/<id> should hold
    std::int64_t m_fromVersion = 0;
    std::int64_t m_targetVersion = 0; // the journal's target_version; 0: one above m_fromVersion
    std::uint64_t m_localRestartId = 0;
    QTimer m_graceTimer;
    QTimer m_watchTimer;
};

} // namespace shardscope
