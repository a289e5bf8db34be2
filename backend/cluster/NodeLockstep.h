#pragma once

#include "backend/cluster/ClusterContext.h"
#include "backend/cluster/ClusterView.h"
#include "backend/types/CommandOutcome.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace shardscope {

class CommitPoint;
class ShardService;

// This node's share of a lockstep cluster restart, on the cluster thread. When the
// journal is "running" under the current coordinator's fence with this node "preparing",
// it starts a split phased restart (prepare..verify, then wait at a CommitPoint, gate
// closed) and reports "verified" with its deadline. The journal's "committed" mark
// resumes it on v+1; "rolling_back" sends it back to v. Both are final once written
// (their fenced write was checked by etcd), so they are followed whoever coordinates
// now. With no word by its deadline (etcd or the coordinator gone) the node rolls back
// on its own and reopens: queries never wait on etcd.
class NodeLockstep : public QObject
{
    Q_OBJECT
public:
    NodeLockstep(ClusterContext context, ShardService &service);
    ~NodeLockstep() override;

    void onView(const ClusterView &view);
    // The coordinator's word straight from it (POST /v1/cluster/commit), after its fenced
    // write of the commit mark succeeded: etcd may be gone before this node reads the mark.
    // Accepted when this node waits (or already resumed) in restart `id` begun under `fence`.
    Refusal commitPushed(const QString &id, std::int64_t fence, QString *why);

private:
    void begin(const QJsonObject &journal);
    void check();
    // The step this node's finished local restart ends on.
    void reportEnd();
    void report(const QString &step, const QString &message);
    void resendIfLost(const ClusterView &view);

    ClusterContext m_node;
    ShardService &m_service;
    std::int64_t m_newestFence = 0;
    std::int64_t m_fence = 0; // the fence of the journal this node's restart began under
    QString m_restartId; // the lockstep restart this node is in or finished last
    std::shared_ptr<CommitPoint> m_point;
    std::uint64_t m_localRestartId = 0;
    std::int64_t m_fromVersion = 0;
    std::int64_t m_deadlineMs = 0; // wall clock: the coordinator compares it with its own
    bool m_clusterRolledBack = false;
    QJsonObject m_lastReport;
    QTimer m_watchTimer;
};

} // namespace shardscope
