#pragma once

#include "backend/cluster/CommitPush.h"
#include "backend/cluster/JournalWriter.h"

#include <QJsonObject>

namespace shardscope {

// The coordinator's side of a lockstep cluster restart, level-triggered like RollingRun.
// Every node prepares, drains, restarts and verifies at once and waits, gate closed, at
// its commit point. Once every node reported "verified" (with time left before its own
// deadline) the coordinator writes the commit mark (state "committed") and the nodes
// resume on v+1. Before the mark any failure, a lost node, an abort or a change of
// coordinator turns the journal to "rolling_back" and every node returns to v; after it
// the restart rolls forward. The final state is judged from the nodes' reports.
class LockstepRun
{
public:
    explicit LockstepRun(ClusterContext context) : m_journal(context), m_push(context.config.token) {}

    void onView(const ClusterView &view);

private:
    QJsonObject next(const ClusterView &view, std::int64_t nowMs) const;
    QJsonObject running(QJsonObject journal, const ClusterView &view, std::int64_t nowMs) const;
    QJsonObject ending(QJsonObject journal, const ClusterView &view) const;

    JournalWriter m_journal;
    CommitPush m_push;
};

} // namespace shardscope
