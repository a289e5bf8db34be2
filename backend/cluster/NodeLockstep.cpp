#include "backend/cluster/NodeLockstep.h"

#include "backend/cluster/JournalWriter.h"
#include "backend/ShardService.h"
#include "backend/restart/CommitPoint.h"
#include "backend/wire/RequestDecoders.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

#include <spdlog/spdlog.h>

namespace shardscope {
namespace {

constexpr int kWatchMs = 10; // how often the local restart is looked at: "verified" goes out at once

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

QString stepOf(const QJsonObject &journal, const QString &node)
{
    for (const QJsonValue &v : journal.value(QStringLiteral("nodes")).toArray()) {
        if (str(v.toObject(), "id") == node)
            return str(v.toObject(), "step");
    }
    return {};
}

} // namespace

NodeLockstep::NodeLockstep(ClusterContext context, ShardService &service)
    : m_node(std::move(context))
    , m_service(service)
{
    m_watchTimer.setInterval(kWatchMs);
    connect(&m_watchTimer, &QTimer::timeout, this, &NodeLockstep::check);
}

NodeLockstep::~NodeLockstep() = default;

void NodeLockstep::onView(const ClusterView &view)
{
    const QJsonObject &journal = view.restart;
    if (journal.isEmpty() || str(journal, "strategy") != QLatin1String("lockstep"))
        return;
    const QString id = str(journal, "id");
    const QString state = str(journal, "state");
    const std::int64_t fence = etcd::int64(journal.value(QStringLiteral("fence")));
    const bool mine = id == m_restartId;
    if (fence < m_newestFence)
        return; // older than a journal already seen: a stale read
    m_newestFence = fence;
    if (state == QLatin1String("running") && !mine) {
        // Only a coordinator in office may start one.
        if (fence == view.leaderCreateRevision && stepOf(journal, m_node.config.nodeId) == QLatin1String("preparing"))
            begin(journal);
        return;
    }
    if (state == QLatin1String("committed") && mine && m_point && m_watchTimer.isActive()) {
        if (!m_point->commit())
            spdlog::warn("cluster: restart {} committed after this node had rolled back ({})", id.toStdString(),
                         m_point->reason().toStdString());
    } else if (state == QLatin1String("rolling_back") && mine && m_point && m_watchTimer.isActive()) {
        m_clusterRolledBack = m_point->rollBack(QStringLiteral("the cluster rolled back: ") + str(journal, "reason"));
    } else if (state == QLatin1String("rolling_back") && !mine && !stepOf(journal, m_node.config.nodeId).isEmpty()) {
        m_restartId = id; // rolled back before this node started: it never left v
        m_fromVersion = std::int64_t(m_service.snapshot().version);
        m_point.reset();
        report(QStringLiteral("rolled_back"), QStringLiteral("rolled back before this node started; still on v%1").arg(m_fromVersion));
    }
    resendIfLost(view);
}

void NodeLockstep::begin(const QJsonObject &journal)
{
    m_restartId = str(journal, "id");
    m_fence = etcd::int64(journal.value(QStringLiteral("fence")));
    m_fromVersion = std::int64_t(m_service.snapshot().version);
    m_clusterRolledBack = false;
    m_point.reset();
    RestartOptions options;
    QString error;
    if (!parseRestartBody(QJsonDocument(journal.value(QStringLiteral("options")).toObject()).toJson(QJsonDocument::Compact),
                          m_service.config().restartDefaults, &options, &error))
        return report(QStringLiteral("failed"), QStringLiteral("bad restart options: %1").arg(error));
    const int waitMs = journal.value(QStringLiteral("commit_wait_ms")).toInt();
    m_point = std::make_shared<CommitPoint>(std::chrono::milliseconds(waitMs));
    m_deadlineMs = clusterNowMs() + waitMs;
    const CommandTicket t = m_service.requestSplitRestart(options, m_point, QStringLiteral("cluster restart %1 (lockstep)").arg(m_restartId));
    if (!t.accepted())
        return report(QStringLiteral("failed"), QStringLiteral("the node refused: %1").arg(t.error));
    m_localRestartId = t.restartId;
    report(QStringLiteral("preparing"), QStringLiteral("phased restart #%1 of all %2 shards, held at its commit point for at most %3 ms")
                                            .arg(t.restartId).arg(m_service.shardCount()).arg(waitMs));
    m_watchTimer.start();
}

Refusal NodeLockstep::commitPushed(const QString &id, std::int64_t fence, QString *why)
{
    if (id != m_restartId || !m_point) {
        *why = QStringLiteral("node %1 is not in cluster restart %2").arg(m_node.config.nodeId, id);
        return Refusal::Stale;
    }
    if (fence != m_fence || fence < m_newestFence) {
        *why = QStringLiteral("fence %1 is not the fence of restart %2's coordinator (%3)").arg(fence).arg(id).arg(m_fence);
        return Refusal::Stale;
    }
    if (m_point->word() != CommitPoint::Word::Commit && !m_point->commit()) {
        *why = QStringLiteral("node %1 already rolled back: %2").arg(m_node.config.nodeId, m_point->reason());
        return Refusal::Stale;
    }
    spdlog::info("cluster: restart {} committed by the coordinator's push", id.toStdString());
    return Refusal::None;
}

void NodeLockstep::check()
{
    if (m_point->reached() && str(m_lastReport, "step") == QLatin1String("preparing"))
        report(QStringLiteral("verified"), QStringLiteral("every shard verified v%1; gate closed until the commit").arg(m_fromVersion + 1));
    if (!m_service.restartRunning())
        reportEnd();
}

void NodeLockstep::reportEnd()
{
    const auto finished = m_service.events().newest(EventKind::RestartFinished, m_localRestartId);
    if (!finished)
        return;
    m_watchTimer.stop();
    if (finished->outcome == QLatin1String("completed"))
        report(QStringLiteral("done"), finished->message);
    else
        report(m_clusterRolledBack ? QStringLiteral("rolled_back") : QStringLiteral("failed"), finished->message);
}

// A report put while etcd was away is missing from etcd: the coordinator would wait on it forever.
void NodeLockstep::resendIfLost(const ClusterView &view)
{
    if (m_lastReport.isEmpty() || str(view.restart, "id") != m_restartId)
        return;
    const auto seen = view.progress.find(m_node.config.nodeId);
    if (seen != view.progress.end() && str(seen->second, "restart_id") == m_restartId
        && str(seen->second, "step") == str(m_lastReport, "step"))
        return;
    putNodeReport(m_node, m_lastReport);
}

void NodeLockstep::report(const QString &step, const QString &message)
{
    spdlog::info("cluster: lockstep restart {} on {}: {} {}", m_restartId.toStdString(), m_node.config.nodeId.toStdString(),
                 step.toStdString(), message.toStdString());
    const ServiceSnapshot s = m_service.snapshot();
    m_lastReport = {{QStringLiteral("restart_id"), m_restartId}, {QStringLiteral("step"), step},
                    {QStringLiteral("message"), message}, {QStringLiteral("from_version"), double(m_fromVersion)},
                    {QStringLiteral("version"), double(s.version)}, {QStringLiteral("ready"), s.ready()},
                    {QStringLiteral("deadline_ms"), double(m_deadlineMs)}};
    putNodeReport(m_node, m_lastReport);
}


} // namespace shardscope
