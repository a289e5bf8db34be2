#include "backend/cluster/LockstepRun.h"

#include <QJsonArray>

#include <algorithm>
#include <limits>

namespace shardscope {
namespace {

// A commit leaves each node at least this long to read it before its own deadline.
constexpr std::int64_t kCommitMarginMs = 1500;

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

// The node's report on this restart, or an empty object.
QJsonObject reportOf(const ClusterView &view, const QString &node, const QString &id)
{
    const auto r = view.progress.find(node);
    return r != view.progress.end() && str(r->second, "restart_id") == id ? r->second : QJsonObject();
}

bool isUp(const ClusterView &view, const QString &node)
{
    const auto seen = view.nodes.find(node);
    return seen != view.nodes.end() && seen->second.state == QLatin1String("up");
}

bool terminalStep(const QString &step)
{
    return step == QLatin1String("done") || step == QLatin1String("rolled_back") || step == QLatin1String("failed");
}

QJsonObject rollingBack(QJsonObject journal, const QString &reason)
{
    journal.insert(QStringLiteral("state"), QStringLiteral("rolling_back"));
    journal.insert(QStringLiteral("reason"), reason);
    return journal;
}

} // namespace

void LockstepRun::onView(const ClusterView &view)
{
    if (m_journal.busy() || view.restart.isEmpty())
        return;
    const QJsonObject journal = next(view, clusterNowMs());
    if (journal.isEmpty())
        return;
    const bool commits = str(view.restart, "state") == QLatin1String("running") && str(journal, "state") == QLatin1String("committed");
    if (!commits)
        return m_journal.write(view, journal);
    // The mark stands once etcd took it; then every node hears it directly too.
    const std::int64_t fence = m_journal.node().leaderRevision();
    m_journal.write(view, journal, [this, journal, view, fence] { m_push.push(journal, view, fence); });
}

QJsonObject LockstepRun::next(const ClusterView &view, std::int64_t nowMs) const
{
    QJsonObject journal = view.restart;
    const QString state = str(journal, "state");
    if (JournalWriter::finished(state))
        return journal; // a coordinator died between the end and the clean-up
    if (state == QLatin1String("pending")) {
        QJsonArray nodes = journal.value(QStringLiteral("nodes")).toArray();
        for (int i = 0; i < nodes.size(); ++i) {
            QJsonObject n = nodes.at(i).toObject();
            n.insert(QStringLiteral("step"), QStringLiteral("preparing"));
            nodes.replace(i, n);
        }
        journal.insert(QStringLiteral("nodes"), nodes);
        journal.insert(QStringLiteral("from_version"), double(view.versions().empty() ? 0 : view.versions().begin()->first));
        journal.insert(QStringLiteral("state"), QStringLiteral("running"));
        journal.insert(QStringLiteral("running_since_ms"), double(nowMs));
        return journal;
    }
    if (state == QLatin1String("running"))
        return running(journal, view, nowMs);
    return ending(journal, view);
}

// Before the commit mark: every node verified in time -> commit; anything else -> roll back.
QJsonObject LockstepRun::running(QJsonObject journal, const ClusterView &view, std::int64_t nowMs) const
{
    const QString id = str(journal, "id");
    const std::int64_t fence = etcd::int64(journal.value(QStringLiteral("fence")));
    if (fence != m_journal.node().leaderRevision())
        return rollingBack(journal, QStringLiteral("coordinator %1 was replaced before the commit mark").arg(str(journal, "coordinator")));
    if (view.abortRequested == id)
        return rollingBack(journal, QStringLiteral("aborted on request before the commit mark"));
    QJsonArray nodes = journal.value(QStringLiteral("nodes")).toArray();
    bool changed = false;
    int verified = 0;
    std::int64_t earliestDeadline = std::numeric_limits<std::int64_t>::max();
    for (int i = 0; i < nodes.size(); ++i) {
        QJsonObject n = nodes.at(i).toObject();
        const QString node = str(n, "id");
        if (!isUp(view, node))
            return rollingBack(journal, QStringLiteral("node %1 was lost before the commit mark").arg(node));
        const QJsonObject report = reportOf(view, node, id);
        const QString said = str(report, "step");
        if (said == QLatin1String("failed"))
            return rollingBack(journal, QStringLiteral("node %1: %2").arg(node, str(report, "message")));
        if (!said.isEmpty() && said != str(n, "step")) {
            n.insert(QStringLiteral("step"), said);
            nodes.replace(i, n);
            changed = true;
        }
        if (said == QLatin1String("verified")) {
            ++verified;
            earliestDeadline = std::min(earliestDeadline, std::int64_t(report.value(QStringLiteral("deadline_ms")).toDouble()));
        }
    }
    journal.insert(QStringLiteral("nodes"), nodes);
    const std::int64_t giveUpMs = std::int64_t(journal.value(QStringLiteral("running_since_ms")).toDouble())
        + journal.value(QStringLiteral("commit_wait_ms")).toInt() + kCommitMarginMs;
    if (verified < nodes.size() && nowMs > giveUpMs)
        return rollingBack(journal, QStringLiteral("%1 of %2 nodes verified within the commit wait of %3 ms")
                                        .arg(verified).arg(nodes.size()).arg(journal.value(QStringLiteral("commit_wait_ms")).toInt()));
    if (verified < nodes.size())
        return changed ? journal : QJsonObject();
    if (nowMs + kCommitMarginMs > earliestDeadline)
        return rollingBack(journal, QStringLiteral("every node verified, but too close to a node's commit deadline to commit safely"));
    journal.insert(QStringLiteral("state"), QStringLiteral("committed"));
    journal.insert(QStringLiteral("commit"), QJsonObject{{QStringLiteral("fence"), etcd::int64Text(m_journal.node().leaderRevision())},
                                                        {QStringLiteral("at_ms"), double(nowMs)}});
    return journal;
}

// After "committed" or "rolling_back": wait for every node that is up to end, then judge.
QJsonObject LockstepRun::ending(QJsonObject journal, const ClusterView &view) const
{
    const QString id = str(journal, "id");
    const bool committed = str(journal, "state") == QLatin1String("committed");
    const std::int64_t expected = std::int64_t(journal.value(QStringLiteral("from_version")).toDouble()) + (committed ? 1 : 0);
    QJsonArray nodes = journal.value(QStringLiteral("nodes")).toArray();
    QStringList off;
    for (int i = 0; i < nodes.size(); ++i) {
        QJsonObject n = nodes.at(i).toObject();
        const QString node = str(n, "id");
        const QJsonObject report = reportOf(view, node, id);
        const QString said = str(report, "step");
        if (!isUp(view, node)) {
            n.insert(QStringLiteral("step"), QStringLiteral("lost"));
            off << QStringLiteral("node %1 was lost").arg(node);
        } else if (!terminalStep(said)) {
            return {}; // still on its way
        } else {
            const std::int64_t version = std::int64_t(report.value(QStringLiteral("version")).toDouble());
            n.insert(QStringLiteral("step"), said);
            n.insert(QStringLiteral("version"), double(version));
            if (version != expected || !report.value(QStringLiteral("ready")).toBool())
                off << QStringLiteral("node %1 ended %2 on v%3%4").arg(node, said).arg(version)
                           .arg(report.value(QStringLiteral("ready")).toBool() ? QString() : QStringLiteral(", not ready"));
        }
        nodes.replace(i, n);
    }
    journal.insert(QStringLiteral("nodes"), nodes);
    QString reason = str(journal, "reason");
    if (!off.isEmpty())
        reason = (reason.isEmpty() ? QString() : reason + QStringLiteral("; ")) + off.join(QStringLiteral("; "));
    journal.insert(QStringLiteral("reason"), reason);
    journal.insert(QStringLiteral("state"), !off.isEmpty() ? QStringLiteral("failed")
                                                           : committed ? QStringLiteral("completed") : QStringLiteral("rolled_back"));
    return journal;
}

} // namespace shardscope
