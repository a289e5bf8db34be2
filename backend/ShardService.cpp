#include "backend/ShardService.h"

#include "backend/core/ServiceCore.h"
#include "backend/record/PrometheusText.h"
#include "backend/restart/RestartCoordinator.h"

#include <QJsonDocument>
#include <QJsonArray>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace shardscope {
namespace {
// A fault request as the audit keeps it: the request itself unless it is large.
QJsonObject auditedFault(const QJsonObject &request)
{
    constexpr qsizetype kMaxBytes = 1024;
    const qsizetype size = QJsonDocument(request).toJson(QJsonDocument::Compact).size();
    return size <= kMaxBytes ? request : QJsonObject{{QStringLiteral("omitted_bytes"), double(size)}};
}
} // namespace

ShardService::ShardService(ServiceConfig config)
    : m_core(std::make_unique<ServiceCore>(std::move(config)))
    , m_coordinator(std::make_unique<RestartCoordinator>(*m_core))
{
}

ShardService::~ShardService()
{
    shutdown(std::chrono::milliseconds(0));
}

bool ShardService::start(QString *error)
{
    if (!m_core->audit().open(error))
        return false;
    m_coordinator->continueIdsAfter(m_core->audit().lastOperationId());
    const RestartResult result = m_coordinator->startNow();
    ServiceEvent e;
    e.kind = EventKind::ServiceStarted;
    e.version = result.finalVersion;
    e.outcome = QString::fromLatin1(toString(result.outcome).data());
    e.message = QStringLiteral("%1 shards; %2").arg(m_core->shardCount()).arg(result.message);
    e.severity = result.completed() ? Severity::Info : Severity::Error;
    m_core->events().append(e);
    if (!result.completed()) {
        *error = result.message;
        return false;
    }
    return true;
}

void ShardService::submitQuery(QueryRequest request, ReplyFn reply)
{
    // The deadline runs from admission, through a closed gate's hold queue as well.
    const int deadlineMs = request.deadlineMs > 0 ? request.deadlineMs : m_core->config().queryDeadlineMs;
    if (deadlineMs > 0)
        request.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(deadlineMs);
    // One wrapper for the ledger and the metrics. The gate, router and mailbox move a reply,
    // never copy it, and exactly one of a message's run and refuse paths calls it, so a
    // plain flag catches a second (sequential) call, as a double finish would make.
    ReplyFn tracked = [core = m_core.get(), id = m_core->ledger().accept(), reply = std::move(reply),
                       called = false](QueryReply answer) mutable {
        if (std::exchange(called, true)) {
            core->ledger().countDuplicate(id);
            return;
        }
        answer.requestId = id;
        core->ledger().settle(answer.status);
        core->metrics().countReply(answer.status);
        if (reply)
            reply(std::move(answer));
    };
    m_core->gate().admit(std::move(request), std::move(tracked));
}

void ShardService::dropAbandoned()
{
    m_core->gate().refuseAbandoned();
    for (const auto &shard : m_core->shards())
        shard->dropAbandoned();
}

RequestLedger::Counts ShardService::ledger() const
{
    return m_core->ledger().counts();
}

Version ShardService::version() const
{
    return m_core->version();
}

FaultInjector *ShardService::faults()
{
    return m_core->faults();
}

const FaultInjector *ShardService::faults() const
{
    return m_core->faults();
}

CommandTicket ShardService::injectFault(const QJsonObject &request, QString *description, const QString &client)
{
    const QString command = QStringLiteral("fault");
    if (!m_core->faults()) {
        const CommandTicket t = CommandTicket::refused(
            Refusal::FaultsDisabled, QStringLiteral("fault injection is disabled; start the service with --enable-faults"));
        m_core->audit().refused(command, client, auditedFault(request), t.refusal, t.error);
        return t;
    }
    QString error;
    if (!m_core->faults()->apply(request, m_core->shardCount(), description, &error)) {
        m_core->audit().refused(command, client, auditedFault(request), Refusal::BadRequest, error);
        return CommandTicket::refused(Refusal::BadRequest, error);
    }
    const QJsonValue shard = request.value(QStringLiteral("shard"));
    m_core->warn(0, shard.isDouble() ? shard.toInt() : -1, QStringLiteral("fault injected: %1").arg(*description));
    m_core->audit().accepted(command, client, auditedFault(request), *description);
    return {};
}

CommandTicket ShardService::requestRestart(const RestartOptions &options, const QString &client)
{
    return m_coordinator->requestRestart(options, client);
}

CommandTicket ShardService::requestSplitRestart(const RestartOptions &options, std::shared_ptr<CommitPoint> commitPoint,
                                                const QString &client)
{
    return m_coordinator->requestRestart(options, client, std::move(commitPoint));
}

QByteArray ShardService::metricsText() const
{
    // The running hold's capacity, else the one the next restart will use by default.
    std::size_t holdCapacity = m_core->gate().holdCapacity();
    if (holdCapacity == 0)
        holdCapacity = m_core->config().restartDefaults.holdCapacity;
    return prometheusText(m_core->snapshot(), m_coordinator->busy(), &m_core->metrics(), holdCapacity);
}

void ShardService::recordRefusedCommand(const QString &command, const QString &client, int httpStatus, const QString &reason)
{
    m_core->audit().refusedAtEdge(command, client, httpStatus, reason);
}

void ShardService::flushAuditDue()
{
    m_core->audit().flushDue();
}

QJsonArray ShardService::auditEntries(std::size_t limit) const
{
    return m_core->audit().recent(limit);
}

CommandTicket ShardService::requestAbort(const QString &client)
{
    const QString command = QStringLiteral("abort");
    const CommandTicket t = m_coordinator->requestAbort();
    if (t.accepted())
        m_core->audit().accepted(command, client, QJsonObject{{QStringLiteral("restart_id"), double(t.restartId)}},
                                 QStringLiteral("asked restart %1 to stop at its next step").arg(t.restartId));
    else
        m_core->audit().refused(command, client, {}, t.refusal, t.error);
    return t;
}

CommandTicket ShardService::requestStop(const QString &client)
{
    return m_coordinator->requestStop(client);
}

CommandTicket ShardService::requestStart(const QString &client)
{
    return m_coordinator->requestStart(client);
}

bool ShardService::restartRunning() const
{
    return m_coordinator->busy();
}

ServiceSnapshot ShardService::snapshot() const
{
    ServiceSnapshot s = m_core->snapshot();
    if (const FaultInjector *faults = m_core->faults())
        addArmedFaults(faults->describe(), s);
    return s;
}

void ShardService::addArmedFaults(const QJsonObject &armed, ServiceSnapshot &s)
{
    // describe() lists only armed shards, with the flags kArmedFaultNames names (slow as
    // "slow_ms" > 0); the snapshot carries them so consoles see drills without a poll.
    s.badGraphArmed = armed.value(QStringLiteral("bad_graph_next")).toBool();
    for (const QJsonValue &v : armed.value(QStringLiteral("shards")).toArray()) {
        const QJsonObject o = v.toObject();
        const int id = o.value(QStringLiteral("shard")).toInt(-1);
        if (id < 0 || id >= int(s.shards.size()))
            continue;
        ShardSnapshot &shard = s.shards[std::size_t(id)];
        for (std::size_t i = 0; i < kArmedFaultNames.size(); ++i)
            if (o.value(QString::fromLatin1(kArmedFaultNames[i].data(), qsizetype(kArmedFaultNames[i].size()))).toBool())
                shard.armedFaults |= std::uint8_t(1u << i);
        shard.slowFaultMs = std::uint32_t(std::max(0, o.value(QStringLiteral("slow_ms")).toInt()));
        if (shard.slowFaultMs > 0)
            shard.armedFaults |= std::uint8_t(ArmedFault::Slow);
    }
}

EventLog &ShardService::events()
{
    return m_core->events();
}

const ServiceConfig &ShardService::config() const
{
    return m_core->config();
}

int ShardService::shardCount() const
{
    return m_core->shardCount();
}

int ShardService::poolWorkers() const
{
    return m_core->pool() ? m_core->pool()->workerCount() : 0;
}

void ShardService::shutdown(std::chrono::milliseconds drainTimeout)
{
    if (m_shutDown)
        return;
    m_shutDown = true;
    m_coordinator->shutdown();
    m_core->gate().close(AdmissionGate::Mode::ShuttingDown);
    const auto deadline = std::chrono::steady_clock::now() + drainTimeout;
    m_core->gate().waitQuiescent(deadline);
    m_core->gate().refuseHeld(QStringLiteral("service is shutting down"));
    m_core->waitNoneInFlight(deadline);
    const std::uint32_t left = m_core->totalInFlight();
    if (left > 0)
        spdlog::warn("shutdown: refusing {} requests still in flight after {} ms", left, drainTimeout.count());
    for (const auto &shard : m_core->shards())
        shard->stop(QStringLiteral("service is shutting down"));
    m_core->setPhase(ServicePhase::Stopped);
}

} // namespace shardscope
