#include "backend/restart/RestartCoordinator.h"

#include "backend/restart/EndState.h"
#include "backend/restart/PhasedRestart.h"
#include "backend/runtime/ShardCall.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <spdlog/spdlog.h>

namespace shardscope {
namespace {
using Clock = std::chrono::steady_clock;
constexpr std::chrono::seconds kShardCallTimeout{5};

QString canceledMessage()
{
    return QString::fromLatin1(kCanceledActorMessage.data(), qsizetype(kCanceledActorMessage.size()));
}
} // namespace

RestartCoordinator::RestartCoordinator(ServiceCore &core)
    : m_core(core)
    , m_thread([this] { run(); })
{
}

RestartCoordinator::~RestartCoordinator()
{
    shutdown();
}

CommandTicket RestartCoordinator::requestRestart(const RestartOptions &options, const QString &client)
{
    return enqueue(Kind::Restart, options, client);
}

CommandTicket RestartCoordinator::requestStop(const QString &client)
{
    return enqueue(Kind::Stop, {}, client);
}

CommandTicket RestartCoordinator::requestStart(const QString &client)
{
    return enqueue(Kind::Start, {}, client);
}

CommandTicket RestartCoordinator::enqueue(Kind kind, const RestartOptions &options, const QString &client)
{
    static const QString names[] = {QStringLiteral("restart"), QStringLiteral("stop"), QStringLiteral("start")};
    const QString command = names[int(kind)];
    const QJsonObject settings = kind == Kind::Restart ? options.toJson() : QJsonObject{};
    std::lock_guard lock(m_mutex);
    CommandTicket ticket = admit(kind);
    if (!ticket.accepted()) {
        m_core.audit.refused(command, client, settings, ticket.refusal, ticket.error);
        return ticket;
    }
    // Recorded before the coordinator can see the command, so no event outruns it.
    m_core.audit.requested(ticket.restartId, command, client, settings);
    m_queue.push_back({kind, options, ticket.restartId});
    m_wake.notify_one();
    return ticket;
}

CommandTicket RestartCoordinator::admit(Kind kind)
{
    if (m_stopping)
        return CommandTicket::refused(Refusal::ShuttingDown, QStringLiteral("service is shutting down"));
    if (m_busy.exchange(true)) {
        const std::uint64_t running = m_core.restartId.load();
        return CommandTicket::refused(
            Refusal::Busy, QStringLiteral("a restart, stop or start is already running (restart id %1)").arg(running), running);
    }
    const bool stopped = m_core.phase.load() == ServicePhase::Stopped;
    if (kind == Kind::Start && !stopped) {
        m_busy.store(false);
        return CommandTicket::refused(Refusal::AlreadyRunning, QStringLiteral("the service is already running"));
    }
    if (kind != Kind::Start && stopped) {
        m_busy.store(false);
        return CommandTicket::refused(Refusal::ServiceStopped, QStringLiteral("the service is stopped: start it first"));
    }
    m_abort.store(false);
    const std::uint64_t id = ++m_lastRestartId;
    m_core.restartId.store(id);
    return {Refusal::None, id, {}};
}

CommandTicket RestartCoordinator::requestAbort()
{
    // Under the lock that admits commands: an abort meant for a restart that just ended
    // can never land on the next one.
    std::lock_guard lock(m_mutex);
    if (!m_busy.load())
        return CommandTicket::refused(Refusal::NothingToAbort, QStringLiteral("no restart is running"));
    m_abort.store(true);
    return {Refusal::None, m_core.restartId.load(), {}};
}

void RestartCoordinator::shutdown()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_shuttingDown.store(true);
    m_abort.store(true);
    m_wake.notify_one();
    if (m_thread.joinable())
        m_thread.join();
}

void RestartCoordinator::run()
{
    for (;;) {
        Command command;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_queue.empty())
                return;
            command = m_queue.front();
            m_queue.pop_front();
        }
        execute(command); // clears m_busy as it reports the end
    }
}

void RestartCoordinator::execute(const Command &command)
{
    const auto started = Clock::now();
    ServiceEvent requested;
    requested.kind = EventKind::RestartRequested;
    requested.restartId = command.restartId;
    requested.version = m_core.version.load();
    switch (command.kind) {
    case Kind::Restart:
        requested.outcome = QString::fromLatin1(toString(command.options.mode).data());
        requested.message = QStringLiteral("%1 restart of %2 shards requested: %3")
                                .arg(requested.outcome).arg(m_core.shardCount())
                                .arg(QString::fromUtf8(QJsonDocument(command.options.toJson()).toJson(QJsonDocument::Compact)));
        break;
    case Kind::Stop:
        requested.message = QStringLiteral("stop of %1 shards requested").arg(m_core.shardCount());
        break;
    case Kind::Start:
        requested.message = QStringLiteral("start of %1 shards requested").arg(m_core.shardCount());
        break;
    }
    m_core.events.append(requested);

    RestartResult result;
    if (command.kind == Kind::Stop) {
        result = stopAll();
    } else if (command.kind == Kind::Start) {
        result = startAll();
    } else if (command.options.mode == RestartMode::Legacy) {
        result = runLegacy(command.restartId);
    } else {
        PhasedRestart restart(m_core, command.options, command.restartId, m_abort, m_shuttingDown);
        result = restart.run();
    }
    // Decided by the shards, not by the steps (the seed's legacy restart "succeeded").
    const QString after = command.kind == Kind::Stop    ? QStringLiteral("a stop")
                          : command.kind == Kind::Start ? QStringLiteral("a start")
                                                        : QStringLiteral("a %1 restart").arg(QLatin1String(toString(command.options.mode)));
    result = judgedByEndState(std::move(result), m_core.snapshot(),
                              command.kind == Kind::Stop ? ExpectedEnd::Stopped : ExpectedEnd::ServingOneVersion, after);
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count();
    finish(command, result, us);
}

void RestartCoordinator::finish(const Command &command, const RestartResult &result, std::int64_t us)
{
    if (m_core.phase.load() != ServicePhase::Stopped)
        m_core.phase.store(ServicePhase::Serving);
    ServiceEvent e;
    e.kind = command.kind == Kind::Restart ? EventKind::RestartFinished
             : command.kind == Kind::Stop  ? EventKind::ServiceStopped
                                           : EventKind::ServiceStarted;
    e.restartId = command.restartId;
    e.version = result.finalVersion;
    e.outcome = QString::fromLatin1(toString(result.outcome).data());
    e.durationMs = us / 1000;
    e.durationUs = us;
    e.message = result.message;
    e.severity = result.completed() ? Severity::Info : Severity::Warning;
    e.phase = m_core.phase.load();
    // Free before the end is announced: whoever sees it may start the next one at once
    // (a 409 with the finished restart's id would send a waiting client astray).
    m_busy.store(false);
    m_core.events.append(e);
    spdlog::info("{} #{} {} in {:.1f} ms: {}", toString(e.kind), command.restartId, toString(result.outcome), double(us) / 1000.0,
                 result.message.toStdString());
}

RestartResult RestartCoordinator::runLegacy(std::uint64_t id)
{
    const auto started = Clock::now();
    const Version next = m_core.version.load() + 1;
    m_core.phaseStarted(ServicePhase::Restarting, id,
                        QStringLiteral("legacy restart: cancelling every shard's actor, re-creating shard 0's only"));
    const QString reason = canceledMessage();
    callAllShards(m_core.shards, [reason](Shard &s, QString *) {
        s.cancelActor(ShardState::Canceled, reason);
        return true;
    }, Clock::now() + kShardCallTimeout);

    QString error;
    auto graph = m_core.loadGraph(next, &error);
    Shard &first = *m_core.shards.front();
    ActorSpec spec{0, next, first.generation() + 1, graph};
    auto call = ShardCall::post(first, [spec](Shard &s, QString *err) { return s.replaceActor(spec, ShardState::Serving, err); });
    const bool created = graph && call->wait(Clock::now() + kShardCallTimeout) && call->ok();
    if (created) {
        m_core.router.setGeneration(0, spec.generation);
        m_core.graph = graph;
    }
    m_core.version.store(next);
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count();
    const QString message = m_core.shardCount() > 1
        ? QStringLiteral("shard 0 serves v%1; shards 1..%2 left canceled (the known legacy failure)").arg(next).arg(m_core.shardCount() - 1)
        : QStringLiteral("shard 0 serves v%1").arg(next);
    m_core.phaseEnded(ServicePhase::Restarting, id, created ? QStringLiteral("ok") : QStringLiteral("failed"), us, message);
    return {created ? CommandOutcome::Completed : CommandOutcome::Failed, created ? message : (error.isEmpty() ? call->error() : error), next};
}

RestartResult RestartCoordinator::stopAll()
{
    m_core.gate.close(AdmissionGate::Mode::Stopped);
    m_core.gate.waitQuiescent(Clock::now() + kShardCallTimeout);
    const QString reason = QStringLiteral("query service is stopped");
    const auto failures = callAllShards(m_core.shards, [reason](Shard &s, QString *) {
        s.cancelActor(ShardState::Stopped, reason);
        return true;
    }, Clock::now() + kShardCallTimeout);
    m_core.phase.store(ServicePhase::Stopped);
    if (!failures.empty())
        return {CommandOutcome::Failed, QStringLiteral("%1 shards did not stop in time").arg(failures.size()), m_core.version.load()};
    return {CommandOutcome::Completed, QStringLiteral("every shard stopped"), m_core.version.load()};
}

RestartResult RestartCoordinator::startAll()
{
    const Version v = std::max<Version>(m_core.version.load(), 1);
    if (!m_core.graph) {
        QString error;
        m_core.graph = m_core.loadGraph(v, &error);
        if (!m_core.graph)
            return {CommandOutcome::Failed, QStringLiteral("loading the graph failed: %1").arg(error), v};
    }
    m_core.version.store(v);
    QStringList problems;
    for (const auto &shard : m_core.shards) {
        ActorSpec spec{shard->id(), v, shard->generation() + 1, m_core.graph};
        auto call = ShardCall::post(*shard, [spec](Shard &s, QString *err) { return s.replaceActor(spec, ShardState::Serving, err); });
        const bool answered = call->wait(Clock::now() + kShardCallTimeout);
        if (answered && call->ok()) {
            m_core.router.setGeneration(shard->id(), spec.generation);
            continue;
        }
        if (!answered)
            call->abandon(); // the supervisor's attempt below replaces it
        problems << QStringLiteral("shard %1: %2").arg(shard->id())
                        .arg(answered ? call->error() : QStringLiteral("no answer in time"));
        // Not left failed for good: its supervisor retries with backoff, as after a crash.
        Envelope retry;
        retry.run = [spec, s = shard.get()] { s->superviseFailedCreate(spec); };
        shard->post(std::move(retry), Lane::Control);
    }
    m_core.gate.open();
    m_core.phase.store(ServicePhase::Serving);
    if (!problems.isEmpty())
        return {CommandOutcome::Failed, problems.join(QStringLiteral("; ")) + QStringLiteral("; the supervisor retries with backoff"), v};
    return {CommandOutcome::Completed, QStringLiteral("every shard serves v%1").arg(v), v};
}

RestartResult RestartCoordinator::startNow()
{
    return startAll();
}

} // namespace shardscope
