#pragma once

#include "backend/cluster/CommitPush.h"
#include "backend/cluster/JournalWriter.h"

#include <QElapsedTimer>
#include <QJsonObject>

#include <map>
#include <set>

namespace shardscope {

class NodeLockstep;

// The coordinator's side of a lockstep cluster restart, level-triggered like RollingRun.
// Every node prepares, drains, restarts and verifies at once to the journal's target
// version, votes ("verified") and waits, gate closed, at its commit point. Once every
// node of the journal voted, in its current run, and no other node joined, the
// coordinator writes the commit mark (state "committed") in a txn that also pins each
// vote and each node's lease, so a vote withdrawn or a node restarted in between makes
// the mark fail. Before the mark any failure, a lost or restarted node, an abort, a
// change of coordinator or the commit wait running out turns the journal to
// "rolling_back"; after it the restart rolls forward. The end is judged from where the
// nodes are (their reports, or their status when a report was lost), within a bound:
// completed, rolled_back, or failed naming the nodes that are split off.
class LockstepRun
{
public:
    LockstepRun(ClusterContext context, NodeLockstep &self);

    void onView(const ClusterView &view);
    // True when this coordinator never sent restart `id`'s commit; it then never will (an
    // uncertain node asked: the journal's fence holder is the only one that can commit).
    bool renounce(const QString &id);

private:
    QJsonObject next(const ClusterView &view);
    QJsonObject running(QJsonObject journal, const ClusterView &view);
    QJsonObject ending(QJsonObject journal, const ClusterView &view);
    QJsonArray votesPinned(const QJsonObject &journal, const ClusterView &view) const;
    std::int64_t sinceMs(std::map<QString, std::int64_t> &marks, const QString &id) const;

    JournalWriter m_journal;
    CommitPush m_push;
    NodeLockstep &m_self;
    QElapsedTimer m_clock;                     // this coordinator's monotonic clock
    std::map<QString, std::int64_t> m_runningSeen; // restart id -> when this coordinator saw it running
    std::map<QString, std::int64_t> m_endingSeen;  // ... and ending
    std::map<QString, std::int64_t> m_lostSeen;    // "<id>/<node>" -> when seen lost while ending
    std::set<QString> m_commitSent;
    std::set<QString> m_renounced;
};

} // namespace shardscope
