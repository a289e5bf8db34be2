#include "backend/cluster/NodeRestart.h"

#include "backend/cluster/JournalWriter.h"
#include "backend/ShardService.h"
#include "backend/wire/RequestDecoders.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <spdlog/spdlog.h>

namespace shardscope {
namespace {

constexpr int kWatchMs = 20; // how often a running local restart is looked at

QJsonObject entryFor(const QJsonObject &journal, const QString &node)
{
    for (const QJsonValue &v : journal.value(QStringLiteral("nodes")).toArray()) {
        if (v.toObject().value(QStringLiteral("id")).toString() == node)
            return v.toObject();
    }
    return {};
}

} // namespace

NodeRestart::NodeRestart(ClusterContext context, ShardService &service, std::atomic<bool> &unready)
    : m_node(std::move(context))
    , m_service(service)
    , m_unready(unready)
{
    m_graceTimer.setSingleShot(true);
    connect(&m_graceTimer, &QTimer::timeout, this, &NodeRestart::runLocalRestart);
    m_watchTimer.setInterval(kWatchMs);
    connect(&m_watchTimer, &QTimer::timeout, this, &NodeRestart::checkLocalRestart);
}

void NodeRestart::onView(const ClusterView &view)
{
    const QJsonObject &journal = view.restart;
    if (graceCancelled(view) || journal.isEmpty() || journal.value(QStringLiteral("strategy")).toString() == QLatin1String("lockstep"))
        return; // NodeLockstep's
    // Compared with the leader key in the same read only: no fence kept across reads, so
    // an etcd restored with lower revisions is followed (review M4).
    const std::int64_t fence = etcd::int64(journal.value(QStringLiteral("fence")));
    if (fence != view.leaderCreateRevision)
        return; // written by a coordinator that is no longer in office; the next one stamps its own
    const QString id = journal.value(QStringLiteral("id")).toString();
    if (journal.value(QStringLiteral("state")).toString() != QLatin1String("running"))
        return;
    const QString step = entryFor(journal, m_node.config.nodeId).value(QStringLiteral("step")).toString();
    const bool idle = !m_graceTimer.isActive() && !m_watchTimer.isActive();
    if (step == QLatin1String("reverting") && idle && !(id == m_restartId && m_revert))
        return begin(journal, true);
    if (id == m_restartId) {
        resendIfLost(view, fence);
        return;
    }
    if (step == QLatin1String("restarting"))
        begin(journal, false);
}

// In the grace period the node has not begun its own restart: an abort, the end of the
// journal or the coordinator giving up on this node stops it there, on its old version.
bool NodeRestart::graceCancelled(const ClusterView &view)
{
    if (!m_graceTimer.isActive())
        return false;
    const QJsonObject &journal = view.restart;
    const bool same = journal.value(QStringLiteral("id")).toString() == m_restartId;
    const QString step = entryFor(journal, m_node.config.nodeId).value(QStringLiteral("step")).toString();
    QString why;
    if (view.abortRequested == m_restartId)
        why = QStringLiteral("aborted");
    else if (!same || journal.value(QStringLiteral("state")).toString() != QLatin1String("running"))
        why = QStringLiteral("the cluster restart ended");
    else if (step != (m_revert ? QLatin1String("reverting") : QLatin1String("restarting")))
        why = QStringLiteral("the coordinator set this node's step to %1").arg(step);
    if (why.isEmpty())
        return false;
    m_graceTimer.stop();
    m_unready.store(false);
    report(QStringLiteral("aborted"), QStringLiteral("aborted"),
           QStringLiteral("%1 in the grace period: never restarted, still on v%2").arg(why).arg(m_service.snapshot().version));
    return true;
}

void NodeRestart::begin(const QJsonObject &journal, bool revert)
{
    m_restartId = journal.value(QStringLiteral("id")).toString();
    m_revert = revert;
    m_options = journal.value(QStringLiteral("options")).toObject();
    m_lastReport = {{QStringLiteral("fence"), journal.value(QStringLiteral("fence"))}}; // the first report's
    m_fromVersion = std::int64_t(m_service.snapshot().version);
    m_targetVersion = revert ? std::int64_t(entryFor(journal, m_node.config.nodeId).value(QStringLiteral("from_version")).toDouble())
                             : std::int64_t(m_options.value(QStringLiteral("target_version")).toDouble());
    if (revert && (m_targetVersion <= 0 || m_fromVersion == m_targetVersion))
        return report(QStringLiteral("done"), QStringLiteral("completed"), QStringLiteral("already on v%1: nothing to revert").arg(m_fromVersion));
    if (!revert && m_targetVersion > 0 && m_fromVersion >= m_targetVersion)
        return report(QStringLiteral("done"), QStringLiteral("completed"), QStringLiteral("already on v%1: nothing to restart").arg(m_fromVersion));
    const int graceMs = journal.value(QStringLiteral("grace_ms")).toInt();
    m_unready.store(true); // the balancer's health check sees 503 from now on
    report(QStringLiteral("unready"), {}, QStringLiteral("readiness 503; still serving for the %1 ms grace period").arg(graceMs));
    m_graceTimer.start(graceMs);
}

void NodeRestart::runLocalRestart()
{
    RestartOptions options;
    QString error;
    if (!parseRestartBody(QJsonDocument(m_options).toJson(QJsonDocument::Compact), m_service.config().restartDefaults,
                          &options, &error)) {
        m_unready.store(false);
        report(QStringLiteral("failed"), QStringLiteral("failed"), QStringLiteral("bad restart options: %1").arg(error));
        return;
    }
    if (m_revert) { // back to the version it served before, below the running one
        options.targetVersion = m_targetVersion;
        options.rollback = true;
    }
    const CommandTicket t = m_service.requestRestart(options, m_revert ? QStringLiteral("cluster restart %1, rollback to v%2").arg(m_restartId).arg(m_targetVersion)
                                                                       : QStringLiteral("cluster restart %1").arg(m_restartId));
    if (!t.accepted()) {
        m_unready.store(false);
        report(QStringLiteral("failed"), QStringLiteral("failed"), QStringLiteral("the node refused: %1").arg(t.error));
        return;
    }
    m_localRestartId = t.restartId;
    report(QStringLiteral("restarting"), {}, QStringLiteral("phased restart #%1 of all %2 shards").arg(t.restartId).arg(m_service.shardCount()));
    m_watchTimer.start();
}

void NodeRestart::checkLocalRestart()
{
    if (m_service.restartRunning())
        return;
    const auto finished = m_service.events().newest(EventKind::RestartFinished, m_localRestartId);
    if (!finished)
        return;
    m_watchTimer.stop();
    const ServiceSnapshot s = m_service.snapshot();
    m_unready.store(false);
    if (s.ready() && onTarget())
        report(QStringLiteral("done"), QStringLiteral("completed"), QStringLiteral("every shard serves version %1").arg(s.version));
    else
        report(QStringLiteral("failed"), finished->outcome.isEmpty() ? QStringLiteral("failed") : finished->outcome, finished->message);
}

bool NodeRestart::onTarget() const
{
    const std::int64_t version = std::int64_t(m_service.snapshot().version);
    return version == (m_targetVersion > 0 ? m_targetVersion : m_fromVersion + 1);
}

// A report put while etcd was away is missing from etcd, and a new coordinator asks for
// every step again under its fence: re-report until etcd holds this step under it.
void NodeRestart::resendIfLost(const ClusterView &view, std::int64_t fence)
{
    if (m_lastReport.isEmpty())
        return;
    const QString fenceText = etcd::int64Text(fence);
    const auto seen = view.progress.find(m_node.config.nodeId);
    if (seen != view.progress.end() && seen->second.value(QStringLiteral("restart_id")).toString() == m_restartId
        && seen->second.value(QStringLiteral("step")) == m_lastReport.value(QStringLiteral("step"))
        && seen->second.value(QStringLiteral("fence")).toString() == fenceText)
        return;
    m_lastReport.insert(QStringLiteral("fence"), fenceText);
    putNodeReport(m_node, m_lastReport);
}

void NodeRestart::report(const QString &step, const QString &outcome, const QString &message)
{
    const QString self = m_node.config.nodeId;
    spdlog::info("cluster: restart {} on {}: {} {}", m_restartId.toStdString(), self.toStdString(), step.toStdString(),
                 message.toStdString());
    m_lastReport = {{QStringLiteral("restart_id"), m_restartId}, {QStringLiteral("step"), step},
                    {QStringLiteral("outcome"), outcome}, {QStringLiteral("message"), message},
                    {QStringLiteral("from_version"), double(m_fromVersion)},
                    {QStringLiteral("version"), double(m_service.snapshot().version)},
                    {QStringLiteral("target_version"), double(m_targetVersion)},
                    {QStringLiteral("fence"), m_lastReport.value(QStringLiteral("fence"))}};
    if (m_revert)
        m_lastReport.insert(QStringLiteral("purpose"), QStringLiteral("revert"));
    putNodeReport(m_node, m_lastReport);
}


} // namespace shardscope
