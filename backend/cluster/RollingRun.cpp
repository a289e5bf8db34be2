#include "backend/cluster/RollingRun.h"

#include "backend/cluster/RollingOutcome.h"

#include <QJsonArray>

#include <algorithm>
#include <set>

namespace shardscope {
namespace {

constexpr std::int64_t kReadinessLateMs = 2000;

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

bool busyStep(const QString &step)
{
    return step == QLatin1String("restarting") || step == QLatin1String("settling") || step == QLatin1String("reverting");
}

// A gate's stop: the restart goes back, not on (issue 26).
bool rollingBack(const QJsonObject &journal)
{
    return journal.value(QStringLiteral("rollback")).toBool();
}

const NodeView *find(const ClusterView &view, const QString &id)
{
    const auto it = view.nodes.find(id);
    return it == view.nodes.end() ? nullptr : &it->second;
}

bool up(const NodeView *n)
{
    return n && n->state == QLatin1String("up");
}

// The first `canary` nodes in the journal's order passed their gate (or were on the target).
bool canariesPassed(const QJsonArray &nodes, int canary)
{
    for (int i = 0; i < canary && i < nodes.size(); ++i) {
        const QJsonObject n = nodes.at(i).toObject();
        if (str(n, "step") != QLatin1String("done") || str(n, "outcome") != QLatin1String("completed"))
            return false;
    }
    return true;
}

QString stateOf(const NodeView *n)
{
    return n ? n->state : QStringLiteral("unknown");
}

void mark(QJsonObject &n, const char *step, const QString &outcome)
{
    n.insert(QStringLiteral("step"), QLatin1String(step));
    n.insert(QStringLiteral("outcome"), outcome);
}

void stopWith(QJsonObject &journal, const QString &reason, const char *state)
{
    if (journal.contains(QStringLiteral("stop_reason")))
        return;
    journal.insert(QStringLiteral("stop_reason"), reason);
    journal.insert(QStringLiteral("stop_state"), QLatin1String(state));
}

} // namespace

// What one evaluation works with.
struct RollingRun::Turn {
    const ClusterView &view;
    QString id;
    std::int64_t target = 0;
    int settleMs = 0;
    int stepLimitMs = 0;
    int lostGraceMs = 0;
    int maxUnavailable = 1;
    std::set<QString> busy; // node ids in a busy step
    bool gated = false;
    GateOptions gate;
    int canary = 0;
    QString fence;
    int analysing = 0; // nodes whose gate has no verdict yet
};

RollingRun::RollingRun(ClusterContext context)
    : m_journal(std::move(context))
{
    m_clock.start();
}

std::int64_t RollingRun::since(const QString &what)
{
    return m_clock.elapsed() - m_since.try_emplace(what, m_clock.elapsed()).first->second;
}

void RollingRun::onView(const ClusterView &view)
{
    if (m_journal.busy() || view.restart.isEmpty())
        return;
    const QString term = str(view.restart, "id") + QLatin1Char('/') + QString::number(m_journal.node().leaderRevision());
    if (term != m_term) {
        m_term = term;
        m_since.clear();
        m_gate.reset();
    }
    const QJsonObject journal = next(view);
    if (!journal.isEmpty())
        m_journal.write(view, journal);
}

QJsonObject RollingRun::next(const ClusterView &view)
{
    QJsonObject journal = view.restart;
    const QString state = str(journal, "state");
    if (JournalWriter::finished(state))
        return journal; // a coordinator died between the end and the clean-up
    if (state == QLatin1String("pending")) {
        journal.insert(QStringLiteral("state"), QStringLiteral("running"));
        return journal;
    }
    const ClusterConfig &config = m_journal.node().config;
    Turn t{view, str(journal, "id"), 0, 0, 0, 0, 1, {}, false, {}, 0, {}, 0};
    t.target = std::int64_t(journal.value(QStringLiteral("target_version")).toDouble());
    t.settleMs = journal.value(QStringLiteral("settle_ms")).toInt();
    t.stepLimitMs = journal.value(QStringLiteral("step_limit_ms")).toInt(120000);
    // A lost node already missed one TTL: it gets one more and 3 s (a partition healing, a
    // supervisor restarting it) before it is judged.
    t.lostGraceMs = config.leaseTtlSeconds * 1000 + 3000;
    t.maxUnavailable = std::max(1, journal.value(QStringLiteral("max_unavailable")).toInt(1));
    t.gated = journal.value(QStringLiteral("gate")).isObject();
    t.gate = GateOptions::fromJson(journal.value(QStringLiteral("gate")).toObject());
    t.canary = journal.value(QStringLiteral("canary")).toInt();
    t.fence = etcd::int64Text(m_journal.node().leaderRevision());
    // A coordinator new to this journal stamps its fence at once: nodes act (and re-report)
    // only under the fence of the coordinator in office.
    bool changed = etcd::int64(journal.value(QStringLiteral("fence"))) != m_journal.node().leaderRevision();
    if (view.abortRequested == t.id && !journal.contains(QStringLiteral("stop_reason"))) {
        stopWith(journal, QStringLiteral("aborted on request; nodes already restarted stay on their new version"), "aborted");
        changed = true;
    }
    QJsonArray nodes = journal.value(QStringLiteral("nodes")).toArray();
    changed = noteReturns(nodes, t) || changed;
    for (int i = 0; i < nodes.size(); ++i) {
        QJsonObject n = nodes.at(i).toObject();
        if (str(n, "step") == QLatin1String("analysing")) {
            if (analyse(n, t, nodes, journal))
                nodes.replace(i, n);
            continue;
        }
        if (!busyStep(str(n, "step")))
            continue;
        QString failure;
        if (advance(n, t, &failure)) {
            nodes.replace(i, n);
            changed = true;
        }
        if (!failure.isEmpty())
            stopWith(journal, failure, "failed");
        if (busyStep(str(n, "step")))
            t.busy.insert(str(n, "id"));
        else if (str(n, "step") == QLatin1String("analysing"))
            ++t.analysing; // settled just now: its gate begins
    }
    const bool stopped = journal.contains(QStringLiteral("stop_reason"));
    const bool waiting = rollingBack(journal) ? startReverting(nodes, t, journal) : !stopped && startWaiting(nodes, t, journal);
    changed = changed || journal.value(QStringLiteral("nodes")).toArray() != nodes
        || journal.contains(QStringLiteral("stop_reason")) != view.restart.contains(QStringLiteral("stop_reason"))
        || journal.contains(QStringLiteral("revert_blocked")) != view.restart.contains(QStringLiteral("revert_blocked"));
    journal.insert(QStringLiteral("nodes"), nodes);
    if (t.busy.empty() && !t.analysing && ((stopped && !rollingBack(journal)) || !waiting) && !lostLately(nodes, t)
        && !readinessLate(nodes, t)) {
        const RollingEnd end = judgeRolling(journal, view);
        journal.insert(QStringLiteral("state"), end.state);
        journal.insert(QStringLiteral("reason"), end.reason);
        return journal;
    }
    return changed ? journal : QJsonObject();
}

// Notes, on the node, that it was lost for a while and came back (said in the end's reason).
bool RollingRun::noteReturns(QJsonArray &nodes, const Turn &t)
{
    bool changed = false;
    for (int i = 0; i < nodes.size(); ++i) {
        QJsonObject n = nodes.at(i).toObject();
        const QString id = str(n, "id");
        if (!up(find(t.view, id))) {
            since(id + QStringLiteral("|lost"));
            continue;
        }
        if (forget(id + QStringLiteral("|lost")) && str(n, "step") != QLatin1String("waiting") && str(n, "outcome") != QLatin1String("lost")) {
            n.insert(QStringLiteral("note"), QStringLiteral("was lost for a while and came back"));
            nodes.replace(i, n);
            changed = true;
        }
    }
    return changed;
}

// A node not up is judged only after its lease TTL to come back (registering again).
bool RollingRun::lostLately(const QJsonArray &nodes, const Turn &t)
{
    return std::any_of(nodes.begin(), nodes.end(), [&](const QJsonValue &v) {
        const QString id = str(v.toObject(), "id");
        return !up(find(t.view, id)) && since(id + QStringLiteral("|lost")) < t.lostGraceMs;
    });
}

// An up node not ready yet at the end may only have a status older than its last step (a
// node leaving its grace period publishes "ready" at its next read): judged a moment later.
bool RollingRun::readinessLate(const QJsonArray &nodes, const Turn &t)
{
    const bool late = std::any_of(nodes.begin(), nodes.end(), [&](const QJsonValue &v) {
        const NodeView *seen = find(t.view, str(v.toObject(), "id"));
        return up(seen) && !seen->ready;
    });
    return late && since(t.id + QStringLiteral("|judging")) < kReadinessLateMs;
}

// Moves a restarting or settling node on; a failure's reason in *failure.
bool RollingRun::advance(QJsonObject &n, const Turn &t, QString *failure)
{
    const QString id = str(n, "id");
    const QString step = str(n, "step");
    const NodeView *seen = find(t.view, id);
    if (!up(seen)) {
        if (since(id + QStringLiteral("|lost")) < t.lostGraceMs)
            return false; // its lease TTL to come back
        mark(n, "failed", QStringLiteral("lost"));
        *failure = QStringLiteral("node %1 is %2; the restart stops here").arg(id, stateOf(seen));
        return true;
    }
    const auto r = t.view.progress.find(id);
    QJsonObject report = r != t.view.progress.end() && str(r->second, "restart_id") == t.id ? r->second : QJsonObject();
    // A node's report of its revert is not one of its restart, and the other way round.
    if ((str(report, "purpose") == QLatin1String("revert")) != (step == QLatin1String("reverting")))
        report = {};
    const QString said = str(report, "step");
    if (step == QLatin1String("reverting")) {
        if (advanceRevert(n, t, report, failure))
            return true;
    } else if (step == QLatin1String("restarting")) {
        if (said == QLatin1String("failed")) {
            mark(n, "failed", str(report, "outcome"));
            *failure = QStringLiteral("node %1: %2").arg(id, str(report, "message"));
            return true;
        }
        if (said == QLatin1String("aborted")) { // stopped in its grace period, never restarted
            mark(n, "aborted", QStringLiteral("aborted"));
            return true;
        }
        // A lost report is re-derived from the node's status: on the target and ready is done.
        const bool derived = said != QLatin1String("done") && t.target > 0 && seen->version >= t.target && seen->ready;
        if (said == QLatin1String("done") || derived) {
            n.insert(QStringLiteral("step"), QStringLiteral("settling"));
            n.insert(QStringLiteral("version"), derived ? double(seen->version) : report.value(QStringLiteral("version")).toDouble());
            if (derived)
                n.insert(QStringLiteral("note"), QStringLiteral("had no report of its end; its status showed v%1 and ready").arg(seen->version));
            return true;
        }
    } else if (seen->ready && since(id + QStringLiteral("|settling")) >= t.settleMs) {
        if (t.gated && !t.view.restart.contains(QStringLiteral("stop_reason")))
            GateRun::startAnalysis(n, t.fence); // it serves; judged before it counts as done
        else
            mark(n, "done", QStringLiteral("completed"));
        return true;
    }
    if (since(id + QLatin1Char('|') + step) <= t.stepLimitMs)
        return false;
    mark(n, "failed", QStringLiteral("unresponsive"));
    *failure = QStringLiteral("node %1 did not finish %2 within %3 ms (unresponsive); the restart stops here").arg(id, step).arg(t.stepLimitMs);
    return true;
}

// Starts waiting nodes while fewer than max_unavailable nodes are unavailable as clients
// see them; true while some node still waits its turn.
bool RollingRun::startWaiting(QJsonArray &nodes, Turn &t, QJsonObject &journal)
{
    bool waiting = false;
    for (int i = 0; i < nodes.size(); ++i) {
        QJsonObject n = nodes.at(i).toObject();
        const QString id = str(n, "id");
        if (str(n, "step") != QLatin1String("waiting"))
            continue;
        const NodeView *seen = find(t.view, id);
        if (!up(seen)) {
            // Not yet touched, and still serving clients at its URL: only cut from etcd, so
            // it is waited for up to the step limit; one clients cannot reach either, for
            // its lease TTL and 3 s.
            waiting = true;
            const bool serving = seen && !seen->url.isEmpty() && m_probe.fresh({seen->url}) && m_probe.ready(seen->url);
            if (t.busy.empty() && since(id + QStringLiteral("|lost")) >= (serving ? std::max(t.lostGraceMs, t.stepLimitMs) : t.lostGraceMs)) {
                stopWith(journal, QStringLiteral("node %1 is %2; the restart stops here").arg(id, stateOf(seen)), "failed");
                break;
            }
            continue;
        }
        if (t.target > 0 && seen->version >= t.target && seen->ready) {
            mark(n, "done", QStringLiteral("completed"));
            n.insert(QStringLiteral("note"), QStringLiteral("was already on v%1").arg(seen->version));
            nodes.replace(i, n);
            continue;
        }
        waiting = true;
        if (t.gated && i >= t.canary && !canariesPassed(nodes, t.canary))
            break; // no node after the canaries starts before each canary passed its gate
        if (int(t.busy.size()) >= t.maxUnavailable)
            continue;
        if (!roomFor(id, t, journal))
            break;
        // Its own figures just before it turns unready: asked first, the step changes with them.
        const bool before = !t.gated || m_gate.takeBefore(n, seen->url, t.gate);
        nodes.replace(i, n);
        if (!before)
            break;
        n.insert(QStringLiteral("step"), QStringLiteral("restarting"));
        n.insert(QStringLiteral("from_version"), double(seen->version));
        nodes.replace(i, n);
        t.busy.insert(id);
    }
    return waiting;
}

// True when `id` may become unavailable now: fewer than max_unavailable nodes are busy or
// not ready at their URL (asked of RollingProbe, decided at a later read while it asks).
bool RollingRun::roomFor(const QString &id, Turn &t, QJsonObject &journal)
{
    {
        if (int(t.busy.size()) >= t.maxUnavailable)
            return false;
        std::set<QString> others;
        for (const auto &[otherId, other] : t.view.nodes) {
            if (otherId != id && !t.busy.count(otherId) && other.state == QLatin1String("up"))
                others.insert(other.url);
        }
        if (!m_probe.fresh(others))
            return false; // asked; decided at a later read
        // Back for less than the balancer's reaction time (grace_ms) is not back yet for clients.
        const std::int64_t backForMs = journal.value(QStringLiteral("grace_ms")).toInt();
        QStringList unavailable;
        for (const QString &url : others) {
            if (!m_probe.ready(url, backForMs))
                unavailable << url;
        }
        if (int(t.busy.size() + unavailable.size()) + 1 > t.maxUnavailable) {
            if (since(QStringLiteral("blocked")) > t.stepLimitMs)
                stopWith(journal, QStringLiteral("%1 not ready at their URL for %2 ms; the restart stops before node %3")
                                      .arg(unavailable.join(QStringLiteral(", "))).arg(t.stepLimitMs).arg(id), "failed");
            return false;
        }
        forget(QStringLiteral("blocked"));
        return true;
    }
}

// One read of a node's gate: judges a window that ended, or ends the gate unjudged when the
// restart stopped for another reason. A decided gate moves the node to done; a failed one
// (or an inconclusive one under "stop") leaves it in step gate_<verdict>, stops the restart
// and turns it into a rollback.
bool RollingRun::analyse(QJsonObject &n, Turn &t, const QJsonArray &nodes, QJsonObject &journal)
{
    const QString id = str(n, "id");
    QJsonObject gate = n.value(QStringLiteral("gate")).toObject();
    if (journal.contains(QStringLiteral("stop_reason"))) {
        gate.insert(QStringLiteral("verdict"), QStringLiteral("not judged"));
        gate.insert(QStringLiteral("reason"), QStringLiteral("node %1: the restart stopped before its gate ended").arg(id));
        n.insert(QStringLiteral("gate"), gate);
        mark(n, "done", QStringLiteral("completed"));
        return true;
    }
    const NodeView *seen = find(t.view, id);
    if (!up(seen)) {
        ++t.analysing; // judged by its lost-node grace below, like a busy node
        if (since(id + QStringLiteral("|lost")) < t.lostGraceMs)
            return false;
        mark(n, "failed", QStringLiteral("lost"));
        stopWith(journal, QStringLiteral("node %1 is %2 during its gate; the restart stops here").arg(id, stateOf(seen)), "failed");
        return true;
    }
    std::vector<GateRun::Peer> baseline;
    for (const QJsonValue &v : nodes) {
        const NodeView *other = find(t.view, str(v.toObject(), "id"));
        if (str(v.toObject(), "step") == QLatin1String("waiting") && up(other) && !other->url.isEmpty())
            baseline.push_back({str(v.toObject(), "id"), other->url});
    }
    if (!m_gate.analyse(n, seen->url, baseline, t.gate, t.fence)) {
        ++t.analysing;
        return false;
    }
    gate = n.value(QStringLiteral("gate")).toObject();
    const QString verdict = str(gate, "verdict");
    if (verdict.isEmpty()) {
        ++t.analysing;
        return true;
    }
    const bool proceed = verdict == QLatin1String("passed") || (verdict == QLatin1String("inconclusive") && t.gate.proceedWhenInconclusive);
    if (proceed) {
        mark(n, "done", QStringLiteral("completed"));
        return true;
    }
    // Not "done": the node serves the target but its gate stopped the restart; it is reverted next.
    const QString stopped = QStringLiteral("gate_") + verdict;
    n.insert(QStringLiteral("step"), stopped);
    n.insert(QStringLiteral("outcome"), stopped);
    stopWith(journal, QStringLiteral("gate %1: %2; the restart stops and rolls back").arg(verdict, str(gate, "reason")),
             verdict == QLatin1String("failed") ? "gate_failed" : "gate_inconclusive");
    journal.insert(QStringLiteral("rollback"), true);
    return true;
}

// After a gate stopped the restart: each node that finished its restart goes back to its
// from_version, one at a time as it went (max_unavailable, as clients see them); true while
// some node is still to be reverted.
bool RollingRun::startReverting(QJsonArray &nodes, Turn &t, QJsonObject &journal)
{
    bool pending = false;
    for (int i = 0; i < nodes.size(); ++i) {
        QJsonObject n = nodes.at(i).toObject();
        const QString outcome = str(n, "outcome");
        const bool restarted = n.contains(QStringLiteral("from_version"))
            && ((str(n, "step") == QLatin1String("done") && outcome == QLatin1String("completed")) || str(n, "step").startsWith(QLatin1String("gate_")));
        if (!restarted)
            continue;
        if (journal.contains(QStringLiteral("revert_blocked")))
            continue; // judged as it is: not back
        pending = true;
        if (!up(find(t.view, str(n, "id"))) || !roomFor(str(n, "id"), t, journal)) {
            if (t.busy.empty() && since(QStringLiteral("revert blocked")) > t.stepLimitMs) {
                journal.insert(QStringLiteral("revert_blocked"), QStringLiteral("node %1 could not be reverted within %2 ms: no room to take it out")
                                                                     .arg(str(n, "id")).arg(t.stepLimitMs));
                return false;
            }
            break;
        }
        forget(QStringLiteral("revert blocked"));
        n.insert(QStringLiteral("step"), QStringLiteral("reverting"));
        nodes.replace(i, n);
        t.busy.insert(str(n, "id"));
    }
    return pending;
}

// A node going back to its from_version: its report of the revert (or, lost, its status on
// that version and ready), then the settle time, then "reverted".
bool RollingRun::advanceRevert(QJsonObject &n, const Turn &t, const QJsonObject &report, QString *failure)
{
    const QString id = str(n, "id");
    const NodeView *seen = find(t.view, id);
    const std::int64_t back = std::int64_t(n.value(QStringLiteral("from_version")).toDouble());
    const QString said = str(report, "step");
    if (!n.contains(QStringLiteral("back_on"))) {
        if (said == QLatin1String("failed") || said == QLatin1String("aborted")) {
            mark(n, "failed", str(report, "outcome").isEmpty() ? QStringLiteral("failed") : str(report, "outcome"));
            *failure = QStringLiteral("node %1: its revert to v%2 failed: %3").arg(id).arg(back).arg(str(report, "message"));
            return true;
        }
        const bool derived = said != QLatin1String("done") && seen->version == back && seen->ready;
        if (said != QLatin1String("done") && !derived)
            return false;
        n.insert(QStringLiteral("back_on"), derived ? double(seen->version) : report.value(QStringLiteral("version")).toDouble());
        n.insert(QStringLiteral("version"), n.value(QStringLiteral("back_on"))); // where it is now
        return true;
    }
    if (!seen->ready || since(id + QStringLiteral("|revert settling")) < t.settleMs)
        return false;
    mark(n, "reverted", QStringLiteral("reverted"));
    return true;
}

} // namespace shardscope
