#pragma once

#include "backend/cluster/GateRun.h"
#include "backend/cluster/JournalWriter.h"
#include "backend/cluster/RollingProbe.h"

#include <QElapsedTimer>
#include <QJsonObject>

#include <map>

namespace shardscope {

// The coordinator's side of a rolling cluster restart. Level-triggered: on every read of
// the cluster it looks at the journal (restart/current) and the nodes' reports and makes
// at most one fenced write that moves the restart on, so a coordinator elected after
// another one died continues from what the journal says (and stamps its fence on it at
// once, so nodes re-report under it). At most `max_unavailable` nodes are unavailable at
// once, counted as clients see them (RollingProbe); every busy step has a time limit;
// at the first failed node (error threshold 1) or an abort no further node starts, and
// the restart ends, judged by where the nodes ended (RollingOutcome), once the nodes
// already restarting are done and lost nodes had their lease TTL to come back.
// With a gate (issue 26) a node that settled is "analysing" until its gate's verdict
// (GateRun); no node after the canaries starts before they passed; a failed gate (or an
// inconclusive one under "stop") stops the restart and reverts every node already
// restarted to its from_version, one at a time ("reverting" -> "reverted").
class RollingRun
{
public:
    explicit RollingRun(ClusterContext context);

    void onView(const ClusterView &view);

private:
    struct Turn;
    // The journal's next state, or an empty object when nothing is to be written now.
    QJsonObject next(const ClusterView &view);
    bool advance(QJsonObject &n, const Turn &t, QString *failure);
    bool startWaiting(QJsonArray &nodes, Turn &t, QJsonObject &journal);
    bool roomFor(const QString &id, Turn &t, QJsonObject &journal);
    bool analyse(QJsonObject &n, Turn &t, const QJsonArray &nodes, QJsonObject &journal);
    bool startReverting(QJsonArray &nodes, Turn &t, QJsonObject &journal);
    bool advanceRevert(QJsonObject &n, const Turn &t, const QJsonObject &report, QString *failure);
    bool noteReturns(QJsonArray &nodes, const Turn &t);
    bool readinessLate(const QJsonArray &nodes, const Turn &t);
    bool lostLately(const QJsonArray &nodes, const Turn &t);
    // Monotonic ms since this coordinator first saw `what` (started now if new); timers
    // are this coordinator's own: a new one restarts each wait, never reads another's clock.
    std::int64_t since(const QString &what);
    bool forget(const QString &what) { return m_since.erase(what) > 0; }

    JournalWriter m_journal;
    RollingProbe m_probe;
    GateRun m_gate;
    QElapsedTimer m_clock;
    QString m_term; // restart id and fence the timers belong to
    std::map<QString, std::int64_t> m_since;
};

} // namespace shardscope
