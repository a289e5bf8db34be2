#include "backend/cluster/LockstepRun.h"

#include "backend/cluster/NodeLockstep.h"

#include <QJsonArray>

#include <algorithm>

namespace shardscope {
namespace {

// Past the commit wait, a coordinator gives the last vote this long to reach etcd (one
// etcd request's timeout and a poll) before it rolls back.
constexpr std::int64_t kVoteSlackMs = EtcdClient::kTimeoutMs + 500;
// After the mark (or the rollback), nodes that have not ended are waited for this long
// beyond two lease TTLs: an isolated node that voted ends only once it hears the outcome.
constexpr std::int64_t kEndSlackMs = 15000;
// A node lost while the restart ends may be back a lease TTL and this long later (a
// partition healing, a supervisor restarting it) before it is judged lost.
constexpr std::int64_t kLostSlackMs = 3000;
// A node whose report was lost is judged by its status only after this long.
constexpr std::int64_t kStatusGraceMs = 2000;

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

const NodeView *nodeOf(const ClusterView &view, const QString &node)
{
    const auto seen = view.nodes.find(node);
    return seen == view.nodes.end() ? nullptr : &seen->second;
}

bool isUp(const ClusterView &view, const QString &node)
{
    const NodeView *n = nodeOf(view, node);
    return n && n->state == QLatin1String("up");
}

// The node's report on this restart from its current run, or an empty object.
QJsonObject reportOf(const ClusterView &view, const QString &node, const QString &id)
{
    const auto r = view.progress.find(node);
    const NodeView *n = nodeOf(view, node);
    if (r == view.progress.end() || str(r->second, "restart_id") != id || !n || str(r->second, "run") != n->run)
        return {};
    return r->second;
}

// A report on this restart from an earlier run of the node: it crashed and came back.
bool reportFromEarlierRun(const ClusterView &view, const QString &node, const QString &id)
{
    const auto r = view.progress.find(node);
    return r != view.progress.end() && str(r->second, "restart_id") == id && reportOf(view, node, id).isEmpty();
}

bool terminalStep(const QString &step)
{
    return step == QLatin1String("done") || step == QLatin1String("rolled_back") || step == QLatin1String("failed");
}

// A node that left its restart before the mark (on its way back, back, or neither).
bool gaveUp(const QString &step)
{
    return step == QLatin1String("rolling_back") || step == QLatin1String("rolled_back") || step == QLatin1String("failed");
}

QJsonObject rollingBack(QJsonObject journal, const QString &reason)
{
    journal.insert(QStringLiteral("state"), QStringLiteral("rolling_back"));
    journal.insert(QStringLiteral("reason"), reason);
    return journal;
}

QStringList journalNodes(const QJsonObject &journal)
{
    QStringList out;
    for (const QJsonValue &v : journal.value(QStringLiteral("nodes")).toArray())
        out << str(v.toObject(), "id");
    return out;
}

} // namespace

LockstepRun::LockstepRun(ClusterContext context, NodeLockstep &self)
    : m_journal(context)
    , m_push(context.config.token)
    , m_self(self)
{
    m_clock.start();
    self.setCoordinatorSide([this](const QString &id) { return renounce(id); });
}

bool LockstepRun::renounce(const QString &id)
{
    if (m_commitSent.count(id))
        return false;
    m_renounced.insert(id);
    return true;
}

void LockstepRun::onView(const ClusterView &view)
{
    if (m_journal.busy() || view.restart.isEmpty())
        return;
    const QJsonObject journal = next(view);
    if (journal.isEmpty())
        return;
    const bool commits = str(view.restart, "state") == QLatin1String("running") && str(journal, "state") == QLatin1String("committed");
    if (!commits)
        return m_journal.write(view, journal);
    if (m_renounced.count(str(journal, "id")))
        return m_journal.write(view, rollingBack(view.restart, QStringLiteral("a node could not learn the outcome and the "
                                                                                "coordinator gave the commit up")));
    m_commitSent.insert(str(journal, "id"));
    // The mark stands once etcd took it: this node knows, and the others are woken.
    const std::int64_t fence = m_journal.node().leaderRevision();
    m_journal.write(view, journal, [this, journal, view, fence] {
        m_self.committedHere(str(journal, "id"));
        m_push.push(journal, view, fence);
    }, votesPinned(journal, view));
}

// Every vote as read, and every voter still on the lease it voted from.
QJsonArray LockstepRun::votesPinned(const QJsonObject &journal, const ClusterView &view) const
{
    QJsonArray compares;
    const ClusterConfig &c = m_journal.node().config;
    for (const QString &node : journalNodes(journal)) {
        const auto rev = view.progressRevision.find(node);
        compares.append(etcd::compareMod(c.key(QStringLiteral("restart/node/") + node),
                                         rev == view.progressRevision.end() ? 0 : rev->second));
        const NodeView *n = nodeOf(view, node);
        compares.append(compareLease(c.key(QStringLiteral("members/") + node), n ? n->lease : 0));
    }
    return compares;
}

std::int64_t LockstepRun::sinceMs(std::map<QString, std::int64_t> &marks, const QString &id) const
{
    const std::int64_t now = m_clock.elapsed();
    const auto it = marks.emplace(id, now).first;
    const std::int64_t since = now - it->second;
    if (marks.size() > 256) { // restarts long over: forget the oldest mark
        const auto oldest = std::min_element(marks.begin(), marks.end(), [](const auto &a, const auto &b) { return a.second < b.second; });
        if (oldest->first != id)
            marks.erase(oldest);
    }
    return since;
}

QJsonObject LockstepRun::next(const ClusterView &view)
{
    QJsonObject journal = view.restart;
    const QString state = str(journal, "state");
    if (JournalWriter::finished(state))
        return journal; // a coordinator died between the end and the clean-up
    if (state == QLatin1String("pending")) {
        QJsonArray nodes = journal.value(QStringLiteral("nodes")).toArray();
        std::int64_t lowest = -1, highest = 0;
        for (int i = 0; i < nodes.size(); ++i) {
            QJsonObject n = nodes.at(i).toObject();
            n.insert(QStringLiteral("step"), QStringLiteral("preparing"));
            if (const NodeView *seen = nodeOf(view, str(n, "id"))) {
                n.insert(QStringLiteral("from_version"), double(seen->version));
                lowest = lowest < 0 ? seen->version : std::min(lowest, seen->version);
                highest = std::max(highest, seen->version);
            }
            nodes.replace(i, n);
        }
        journal.insert(QStringLiteral("nodes"), nodes);
        journal.insert(QStringLiteral("from_version"), double(std::max<std::int64_t>(lowest, 0)));
        if (etcd::int64(journal.value(QStringLiteral("target_version"))) <= highest)
            journal.insert(QStringLiteral("target_version"), double(highest + 1)); // one version for all, above every one running
        journal.insert(QStringLiteral("state"), QStringLiteral("running"));
        journal.insert(QStringLiteral("running_since_ms"), double(clusterNowMs()));
        return journal;
    }
    if (state == QLatin1String("running"))
        return running(journal, view);
    return ending(journal, view);
}

// Before the commit mark: every node voted in its current run -> commit; anything else -> roll back.
QJsonObject LockstepRun::running(QJsonObject journal, const ClusterView &view)
{
    const QString id = str(journal, "id");
    if (etcd::int64(journal.value(QStringLiteral("fence"))) != m_journal.node().leaderRevision())
        return rollingBack(journal, QStringLiteral("coordinator %1 was replaced before the commit mark").arg(str(journal, "coordinator")));
    if (view.abortRequested == id)
        return rollingBack(journal, QStringLiteral("aborted on request before the commit mark"));
    if (m_renounced.count(id))
        return rollingBack(journal, QStringLiteral("a node could not learn the outcome and the coordinator gave the commit up"));
    const QStringList members = journalNodes(journal);
    for (const auto &[node, n] : view.nodes) {
        if (n.state == QLatin1String("up") && !members.contains(node))
            return rollingBack(journal, QStringLiteral("node %1 joined during the restart: the commit would leave it behind").arg(node));
    }
    QJsonArray nodes = journal.value(QStringLiteral("nodes")).toArray();
    bool changed = false;
    int verified = 0;
    for (int i = 0; i < nodes.size(); ++i) {
        QJsonObject n = nodes.at(i).toObject();
        const QString node = str(n, "id");
        if (!isUp(view, node))
            return rollingBack(journal, QStringLiteral("node %1 was lost before the commit mark").arg(node));
        if (reportFromEarlierRun(view, node, id))
            return rollingBack(journal, QStringLiteral("node %1 restarted before the commit mark: its earlier run's vote does not count").arg(node));
        const QJsonObject report = reportOf(view, node, id);
        const QString said = str(report, "step");
        if (gaveUp(said))
            return rollingBack(journal, QStringLiteral("node %1: %2").arg(node, str(report, "message")));
        if (!said.isEmpty() && said != str(n, "step")) {
            n.insert(QStringLiteral("step"), said);
            nodes.replace(i, n);
            changed = true;
        }
        verified += said == QLatin1String("verified") ? 1 : 0;
    }
    journal.insert(QStringLiteral("nodes"), nodes);
    const int waitMs = journal.value(QStringLiteral("commit_wait_ms")).toInt();
    if (verified < nodes.size() && sinceMs(m_runningSeen, id) > waitMs + kVoteSlackMs)
        return rollingBack(journal, QStringLiteral("%1 of %2 nodes verified within the commit wait of %3 ms")
                                        .arg(verified).arg(nodes.size()).arg(waitMs));
    if (verified < nodes.size())
        return changed ? journal : QJsonObject();
    journal.insert(QStringLiteral("state"), QStringLiteral("committed"));
    journal.insert(QStringLiteral("commit"), QJsonObject{{QStringLiteral("fence"), etcd::int64Text(m_journal.node().leaderRevision())},
                                                        {QStringLiteral("at_ms"), double(clusterNowMs())}});
    return journal;
}

// After "committed" or "rolling_back": wait for every node to end (bounded), then judge
// by where the nodes are.
QJsonObject LockstepRun::ending(QJsonObject journal, const ClusterView &view)
{
    const QString id = str(journal, "id");
    const bool committed = str(journal, "state") == QLatin1String("committed");
    const std::int64_t target = etcd::int64(journal.value(QStringLiteral("target_version")));
    const std::int64_t waited = sinceMs(m_endingSeen, id);
    const std::int64_t ttlMs = m_journal.node().config.leaseTtlSeconds * 1000;
    const std::int64_t boundMs = 2 * ttlMs + kEndSlackMs;
    const std::int64_t lostGraceMs = ttlMs + kLostSlackMs; // a lost node already missed one TTL: it gets one more
    QJsonArray nodes = journal.value(QStringLiteral("nodes")).toArray();
    QStringList off, notes;
    bool changed = false, open = false;
    for (int i = 0; i < nodes.size(); ++i) {
        QJsonObject n = nodes.at(i).toObject();
        const QString node = str(n, "id");
        const NodeView *seen = nodeOf(view, node);
        const QJsonObject report = reportOf(view, node, id);
        const QJsonValue from = report.contains(QStringLiteral("from_version")) ? report.value(QStringLiteral("from_version"))
                                                                                 : n.value(QStringLiteral("from_version"));
        const std::int64_t expected = committed ? target : std::int64_t(from.toDouble());
        const bool up = isUp(view, node);
        if (!up && !n.value(QStringLiteral("was_lost")).toBool()) {
            n.insert(QStringLiteral("was_lost"), true);
            changed = true;
        }
        std::int64_t version = -1;
        bool ready = false;
        QString step = str(report, "step");
        if (up && terminalStep(step)) {
            version = std::int64_t(report.value(QStringLiteral("version")).toDouble());
            ready = report.value(QStringLiteral("ready")).toBool();
        } else if (up && waited > kStatusGraceMs && seen->ready && seen->version == expected) {
            step = QStringLiteral("done"); // its report was lost; its status says where it is
            version = seen->version;
            ready = true;
        } else if (up ? waited <= boundMs : sinceMs(m_lostSeen, id + QLatin1Char('/') + node) <= lostGraceMs) {
            open = true;
            continue;
        } else {
            n.insert(QStringLiteral("step"), up ? QStringLiteral("unresponsive") : QStringLiteral("lost"));
            off << (up ? QStringLiteral("node %1 did not end within %2 s of the %3").arg(node).arg(boundMs / 1000)
                                 .arg(committed ? QStringLiteral("commit") : QStringLiteral("rollback"))
                       : QStringLiteral("node %1 was lost and did not come back within its lease TTL (%2 s in all); it learns the "
                                        "outcome when it does").arg(node).arg(lostGraceMs / 1000.0));
            nodes.replace(i, n);
            continue;
        }
        if (str(n, "step") != step || n.value(QStringLiteral("version")).toDouble() != double(version)) {
            n.insert(QStringLiteral("step"), step);
            n.insert(QStringLiteral("version"), double(version));
            changed = true;
        }
        if (version != expected || !ready)
            off << QStringLiteral("node %1 ended %2 on v%3%4").arg(node, step).arg(version).arg(ready ? QString() : QStringLiteral(", not ready"));
        else if (n.value(QStringLiteral("was_lost")).toBool())
            notes << QStringLiteral("node %1 was briefly lost and came back on v%2").arg(node).arg(version);
        nodes.replace(i, n);
    }
    journal.insert(QStringLiteral("nodes"), nodes);
    if (open)
        return changed ? journal : QJsonObject();
    QStringList reason;
    if (!str(journal, "reason").isEmpty())
        reason << str(journal, "reason");
    reason << off << notes;
    journal.insert(QStringLiteral("reason"), reason.join(QStringLiteral("; ")));
    journal.insert(QStringLiteral("state"), !off.isEmpty() ? QStringLiteral("failed")
                                                           : committed ? QStringLiteral("completed") : QStringLiteral("rolled_back"));
    return journal;
}

} // namespace shardscope
