#include "backend/cluster/NodeLockstep.h"

#include "backend/cluster/JournalWriter.h"
#include "backend/ShardService.h"
#include "backend/restart/CommitPoint.h"
#include "backend/wire/RequestDecoders.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <spdlog/spdlog.h>

namespace shardscope {
namespace {

constexpr int kWatchMs = 10; // how often the local restart is looked at: "verified" goes out at once
constexpr int kSeekMs = 250; // how often an uncertain node asks etcd and its peers

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

QJsonObject entryOf(const QJsonObject &journal, const QString &node)
{
    for (const QJsonValue &v : journal.value(QStringLiteral("nodes")).toArray()) {
        if (str(v.toObject(), "id") == node)
            return v.toObject();
    }
    return {};
}

std::int64_t targetOf(const QJsonObject &journal)
{
    return etcd::int64(journal.value(QStringLiteral("target_version")));
}

bool isLockstep(const QJsonObject &journal)
{
    return str(journal, "strategy") == QLatin1String("lockstep");
}

} // namespace

NodeLockstep::NodeLockstep(ClusterContext context, ShardService &service)
    : m_node(context)
    , m_service(service)
    , m_outcomes(context, [this](const QString &id, LockstepOutcome::Known k, const QString &how) { onLearned(id, k, how); })
{
    m_watchTimer.setInterval(kWatchMs);
    connect(&m_watchTimer, &QTimer::timeout, this, &NodeLockstep::check);
}

NodeLockstep::~NodeLockstep() = default;

bool NodeLockstep::localRestartRunning() const
{
    return m_watchTimer.isActive();
}

void NodeLockstep::onView(const ClusterView &view)
{
    m_outcomes.noteView(view); // may decide the waiting restart (onLearned)
    const QString self = m_node.config.nodeId;
    for (const QJsonObject *journal : {&view.restart, &view.lastRestart}) {
        if (isLockstep(*journal) && !entryOf(*journal, self).isEmpty()
            && m_outcomes.known(str(*journal, "id")) == LockstepOutcome::Known::Committed
            && std::int64_t(m_service.snapshot().version) < targetOf(*journal) && !localRestartRunning()
            && m_caughtUp.insert(str(*journal, "id")).second) // once per restart: a refused catch-up stays not ready
            return catchUp(*journal);
    }
    if (!localRestartRunning() && readiness() == Readiness::Behind && std::int64_t(m_service.snapshot().version) >= m_target)
        setReadiness(Readiness::Normal);
    const QJsonObject &journal = view.restart;
    if (!isLockstep(journal))
        return;
    const QString id = str(journal, "id");
    const QString state = str(journal, "state");
    const bool mine = id == m_restartId;
    const bool listed = !entryOf(journal, self).isEmpty();
    if (state == QLatin1String("running") && !mine) {
        // Only a coordinator in office may start one (same snapshot: no stale fence).
        if (etcd::int64(journal.value(QStringLiteral("fence"))) != view.leaderCreateRevision
            || str(entryOf(journal, self), "step") != QLatin1String("preparing"))
            return;
        if (!m_declined.count(id))
            return begin(journal, view);
        m_restartId = id;
        m_point.reset();
        return report(QStringLiteral("failed"), QStringLiteral("this node promised a peer never to begin restart %1").arg(id));
    }
    if (state == QLatin1String("rolling_back") && !mine && listed) {
        m_restartId = id; // rolled back before this node started: it never left its version
        m_fromVersion = std::int64_t(m_service.snapshot().version);
        m_point.reset();
        report(QStringLiteral("rolled_back"), QStringLiteral("rolled back before this node started; still on v%1").arg(m_fromVersion));
    }
    resendIfLost(view);
}

void NodeLockstep::begin(const QJsonObject &journal, const ClusterView &view)
{
    m_restartId = str(journal, "id");
    m_fence = etcd::int64(journal.value(QStringLiteral("fence")));
    m_fenceMine = m_fence == m_node.leaderRevision();
    m_fromVersion = std::int64_t(m_service.snapshot().version);
    m_target = targetOf(journal) > 0 ? targetOf(journal) : m_fromVersion + 1;
    m_catchingUp = false;
    m_point.reset();
    m_peerUrls.clear();
    for (const QJsonValue &v : journal.value(QStringLiteral("nodes")).toArray()) {
        const auto seen = view.nodes.find(str(v.toObject(), "id"));
        if (seen != view.nodes.end() && seen->first != m_node.config.nodeId && !seen->second.url.isEmpty())
            m_peerUrls << seen->second.url;
    }
    RestartOptions options;
    QString error;
    if (!parseRestartBody(QJsonDocument(journal.value(QStringLiteral("options")).toObject()).toJson(QJsonDocument::Compact),
                          m_service.config().restartDefaults, &options, &error))
        return report(QStringLiteral("failed"), QStringLiteral("bad restart options: %1").arg(error));
    options.targetVersion = m_target;
    m_hold = options.admission == AdmissionPolicy::Hold;
    const int waitMs = journal.value(QStringLiteral("commit_wait_ms")).toInt();
    m_point = std::make_shared<CommitPoint>(std::chrono::milliseconds(waitMs));
    const CommandTicket t = m_service.requestSplitRestart(options, m_point, QStringLiteral("cluster restart %1 (lockstep)").arg(m_restartId));
    if (!t.accepted())
        return report(QStringLiteral("failed"), QStringLiteral("the node refused: %1").arg(t.error));
    m_localRestartId = t.restartId;
    report(QStringLiteral("preparing"), QStringLiteral("phased restart #%1 of all %2 shards to v%3, held at its commit point; "
                                                       "rolls back on its own only before it votes (%4 ms)")
                                            .arg(t.restartId).arg(m_service.shardCount()).arg(m_target).arg(waitMs));
    setReadiness(m_hold ? Readiness::Holding : Readiness::Normal);
    m_watchTimer.start();
}

// This run joined after its predecessor voted in a restart that committed: it moves to
// the committed version, and says it is not ready until it serves it.
void NodeLockstep::catchUp(const QJsonObject &journal)
{
    m_restartId = str(journal, "id");
    m_fromVersion = std::int64_t(m_service.snapshot().version);
    m_target = targetOf(journal);
    m_point.reset();
    m_catchingUp = true;
    setReadiness(Readiness::Behind);
    RestartOptions options;
    QString error;
    parseRestartBody(QJsonDocument(journal.value(QStringLiteral("options")).toObject()).toJson(QJsonDocument::Compact),
                     m_service.config().restartDefaults, &options, &error);
    options.targetVersion = m_target;
    const CommandTicket t = m_service.requestRestart(options, QStringLiteral("cluster restart %1 (catching up)").arg(m_restartId));
    if (!t.accepted()) {
        spdlog::warn("cluster: {} is behind committed restart {} (v{} < v{}) and could not catch up: {}",
                     m_node.config.nodeId.toStdString(), m_restartId.toStdString(), m_fromVersion, m_target, t.error.toStdString());
        return;
    }
    m_localRestartId = t.restartId;
    report(QStringLiteral("catching_up"), QStringLiteral("restart %1 committed v%2 while this node was away; phased restart #%3 to it")
                                              .arg(m_restartId).arg(m_target).arg(t.restartId));
    m_watchTimer.start();
}

Refusal NodeLockstep::commitPushed(const QString &id, std::int64_t fence, QString *why)
{
    if (id != m_restartId || !m_point) {
        *why = QStringLiteral("node %1 is not in cluster restart %2").arg(m_node.config.nodeId, id);
        return Refusal::Stale;
    }
    if (fence != m_fence) {
        *why = QStringLiteral("fence %1 is not the fence of restart %2's coordinator (%3)").arg(fence).arg(id).arg(m_fence);
        return Refusal::Stale;
    }
    m_outcomes.seek(id, m_peerUrls, false);
    *why = QStringLiteral("node %1 looks for proof of restart %2's commit (etcd, then its peers)").arg(m_node.config.nodeId, id);
    return Refusal::None;
}

bool NodeLockstep::renouncedHere(const QString &id)
{
    if (id != m_restartId || !m_fenceMine || !m_renounce || !m_renounce(id))
        return false;
    m_outcomes.learn(id, LockstepOutcome::Known::RolledBack,
                     QStringLiteral("its coordinator (this node) never sent the commit and now never will"));
    return true;
}

QJsonObject NodeLockstep::outcomeFor(const QString &id, bool uncertain)
{
    if (uncertain)
        renouncedHere(id);
    LockstepOutcome::Known k = m_outcomes.known(id);
    QString how = m_outcomes.how(id);
    if (k != LockstepOutcome::Known::Unknown || !uncertain) {
        // what this node knows, nothing decided for the asker
    } else if (id == m_restartId && m_point) {
        if (m_point->word() == CommitPoint::Word::RollBack
            || m_point->rollBackUnlessVoted(QStringLiteral("a peer could not learn the outcome before this node voted"))) {
            k = LockstepOutcome::Known::RolledBack;
            how = QStringLiteral("node %1 rolled back before it voted").arg(m_node.config.nodeId);
        } else {
            how = QStringLiteral("node %1 voted and waits for the outcome too").arg(m_node.config.nodeId);
        }
    } else if (id != m_restartId) {
        m_declined.insert(id);
        k = LockstepOutcome::Known::RolledBack;
        how = QStringLiteral("node %1 never began it and now never will").arg(m_node.config.nodeId);
    } else {
        k = LockstepOutcome::Known::RolledBack;
        how = QStringLiteral("node %1 never voted in it").arg(m_node.config.nodeId);
    }
    return {{QStringLiteral("restart_id"), id}, {QStringLiteral("node"), m_node.config.nodeId},
            {QStringLiteral("outcome"), LockstepOutcome::text(k)}, {QStringLiteral("how"), how}};
}

void NodeLockstep::committedHere(const QString &id)
{
    m_outcomes.learn(id, LockstepOutcome::Known::Committed, QStringLiteral("this node's coordinator wrote the commit mark"));
}

void NodeLockstep::onLearned(const QString &id, LockstepOutcome::Known outcome, const QString &how)
{
    if (id != m_restartId || !m_point)
        return;
    spdlog::info("cluster: lockstep restart {} {} on {}: {}", id.toStdString(), LockstepOutcome::text(outcome).toStdString(),
                 m_node.config.nodeId.toStdString(), how.toStdString());
    if (outcome == LockstepOutcome::Known::RolledBack)
        m_point->rollBack(QStringLiteral("the cluster rolled back (%1)").arg(how));
    else if (!m_point->commit())
        spdlog::critical("cluster: restart {} committed after this node had rolled back ({})", id.toStdString(),
                         m_point->reason().toStdString());
}

void NodeLockstep::check()
{
    if (m_point && str(m_lastReport, "step") == QLatin1String("preparing")) {
        // The vote and the report go out together; a rollback before it goes out at once,
        // so the coordinator never commits around a node that gave up (local abort too).
        if (m_point->reached() && m_point->vote())
            report(QStringLiteral("verified"), QStringLiteral("every shard verified v%1; gate closed until the cluster decides").arg(m_target));
        else if (m_point->word() == CommitPoint::Word::RollBack) // not an end: it reports again once back
            report(QStringLiteral("rolling_back"), m_point->reason());
    }
    seekIfUncertain();
    if (!m_service.restartRunning())
        reportEnd();
}

void NodeLockstep::seekIfUncertain()
{
    if (!m_point || !m_point->uncertain()) {
        if (m_point && readiness() == Readiness::Uncertain)
            setReadiness(Readiness::Normal);
        return;
    }
    setReadiness(Readiness::Uncertain);
    if (m_lastSeek.isValid() && m_lastSeek.elapsed() < kSeekMs)
        return;
    m_lastSeek.start();
    if (!renouncedHere(m_restartId))
        m_outcomes.seek(m_restartId, m_peerUrls, true);
}

void NodeLockstep::reportEnd()
{
    const auto finished = m_service.events().newest(EventKind::RestartFinished, m_localRestartId);
    if (!finished)
        return;
    m_watchTimer.stop();
    const bool completed = finished->outcome == QLatin1String("completed");
    if (std::exchange(m_catchingUp, false)) {
        setReadiness(completed ? Readiness::Normal : Readiness::Behind); // still behind: never ready
        return report(completed ? QStringLiteral("done") : QStringLiteral("failed"), finished->message);
    }
    setReadiness(Readiness::Normal);
    if (completed)
        return report(QStringLiteral("done"), finished->message);
    // Judged by where the node is, not by who decided: back on its version and ready is rolled back.
    const ServiceSnapshot s = m_service.snapshot();
    const bool back = std::int64_t(s.version) == m_fromVersion && s.ready();
    report(back ? QStringLiteral("rolled_back") : QStringLiteral("failed"), finished->message);
}

// A report put while etcd was away is missing from etcd: the coordinator would wait on it.
void NodeLockstep::resendIfLost(const ClusterView &view)
{
    if (m_lastReport.isEmpty() || str(view.restart, "id") != m_restartId)
        return;
    const auto seen = view.progress.find(m_node.config.nodeId);
    if (seen != view.progress.end() && str(seen->second, "restart_id") == m_restartId
        && str(seen->second, "step") == str(m_lastReport, "step") && str(seen->second, "run") == m_node.config.run)
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
                    {QStringLiteral("target_version"), double(m_target)},
                    {QStringLiteral("version"), double(s.version)}, {QStringLiteral("ready"), s.ready()},
                    {QStringLiteral("run"), m_node.config.run}};
    putNodeReport(m_node, m_lastReport);
}

void NodeLockstep::setReadiness(Readiness r)
{
    QString why;
    switch (r) {
    case Readiness::Holding:
        why = QStringLiteral("cluster lockstep restart %1: requests are held and answered once the cluster decides").arg(m_restartId);
        break;
    case Readiness::Uncertain:
        why = QStringLiteral("this node voted in cluster lockstep restart %1 and cannot learn its outcome yet (etcd and its "
                             "peers unreachable): gate closed").arg(m_restartId);
        break;
    case Readiness::Behind:
        why = QStringLiteral("catching up to v%1, committed by cluster restart %2 while this node was away").arg(m_target).arg(m_restartId);
        break;
    case Readiness::Normal:
        break;
    }
    std::lock_guard lock(m_whyMutex);
    m_why = why;
    m_readiness.store(int(r));
}

QString NodeLockstep::readinessWhy() const
{
    std::lock_guard lock(m_whyMutex);
    return m_why;
}

} // namespace shardscope
