#pragma once

#include "backend/types/CommandOutcome.h"

#include <QJsonObject>

#include <functional>

namespace shardscope {

class ClusterNode;

// The answer to a cluster command: accepted (202 with `body`) or refused (the ticket's
// refusal, message and the running restart's id when busy).
struct ClusterAnswer {
    CommandTicket ticket;
    QJsonObject body;
};
using ClusterDone = std::function<void(const ClusterAnswer &)>;
class ShardService;

// Cluster thread. Checks a cluster restart request against what the node last read
// (etcd reachable, a view younger than two polls, no node lost, valid options), names one
// target version above the highest running, and writes the journal with a
// create-if-absent txn on restart/current: a second request while one runs loses that
// txn and is refused as Busy with the running restart's id. A txn with no answer is read
// back before answering (ours: accepted; another's: Busy; else 503 "outcome unknown"
// with the id). A body's `request_id` makes a retry answer the same restart.
void startClusterRestart(ClusterNode &node, const ShardService &service, const QByteArray &body, const QString &client,
                         const ClusterDone &done);
// Marks the running restart aborted (restart/abort, a txn on restart/current's mod
// revision); the coordinator stops before the next node. NothingToAbort when none runs.
void abortClusterRestart(ClusterNode &node, const ClusterDone &done);
// POST /v1/cluster/commit's body {"restart_id": "...", "fence": "..."}: the coordinator's
// pushed commit (see CommitPush); Stale unless this node waits in that restart and term.
void commitClusterRestart(ClusterNode &node, const QByteArray &body, const ClusterDone &done);
// POST /v1/cluster/lockstep/outcome's body {"restart_id": "..."}: what this node knows.
void answerLockstepOutcome(ClusterNode &node, const QByteArray &body, const ClusterDone &done);

// Shared with ResumeRequest. What blocks a restart (etcd, a stale view, lost nodes,
// another token): false with the refusal.
struct ClusterView;
bool clusterBlocksRestart(const ClusterView &view, int pollMs, ClusterAnswer *refusal);
// Create-if-absent of `journal` on restart/current (ids moved past history entries, a
// create with no answer read back), answered like a restart request.
void createRestartJournal(ClusterNode &node, const QJsonObject &journal, const ClusterDone &done);

} // namespace shardscope
