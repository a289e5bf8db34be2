#include "backend/restart/RestartCoordinator.h"

#include "backend/restart/EndState.h"
#include "backend/restart/LegacyRestart.h"
#include "backend/restart/PhasedRestart.h"
#include "backend/restart/ServiceCommands.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace shardscope {
namespace {
using Clock = std::chrono::steady_clock;
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

CommandTicket RestartCoordinator::requestRestart(const RestartOptions &options, const QString &client,
                                                 std::shared_ptr<CommitPoint> commitPoint)
{
    return enqueue(Kind::Restart, options, client, std::move(commitPoint));
}

CommandTicket RestartCoordinator::requestStop(const QString &client)
{
    return enqueue(Kind::Stop, {}, client);
}

CommandTicket RestartCoordinator::requestStart(const QString &client)
{
    return enqueue(Kind::Start, {}, client);
}

CommandTicket RestartCoordinator::enqueue(Kind kind, const RestartOptions &options, const QString &client,
                                          std::shared_ptr<CommitPoint> commitPoint)
{
    static const QString names[] = {QStringLiteral("restart"), QStringLiteral("stop"), QStringLiteral("start")};
    const QString command = names[int(kind)];
    const QJsonObject settings = kind == Kind::Restart ? options.toJson() : QJsonObject{};
    std::lock_guard lock(m_mutex);
    CommandTicket ticket = admit(kind);
    if (!ticket.accepted()) {
        m_core.audit().refused(command, client, settings, ticket.refusal, ticket.error);
        return ticket;
    }
    // Recorded before the coordinator can see the command, so no event outruns it. Another
    // service sharing the audit file may have used the id: the audit's choice wins.
    const std::uint64_t recorded = m_core.audit().requested(ticket.restartId, command, client, settings);
    if (recorded != ticket.restartId) {
        ticket.restartId = m_lastRestartId = recorded;
        m_core.setRestartId(recorded);
    }
    m_commitPoint = commitPoint;
    m_queue.push_back({kind, options, ticket.restartId, std::move(commitPoint)});
    m_wake.notify_one();
    return ticket;
}

CommandTicket RestartCoordinator::admit(Kind kind)
{
    if (m_stopping)
        return CommandTicket::refused(Refusal::ShuttingDown, QStringLiteral("service is shutting down"));
    if (m_busy.exchange(true)) {
        const std::uint64_t running = m_core.restartId();
        return CommandTicket::refused(
            Refusal::Busy, QStringLiteral("a restart, stop or start is already running (restart id %1)").arg(running), running);
    }
    const bool stopped = m_core.phase() == ServicePhase::Stopped;
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
    m_core.setRestartId(id);
    return {Refusal::None, id, {}};
}

CommandTicket RestartCoordinator::requestAbort()
{
    // Under the lock that admits commands: an abort meant for a restart that just ended
    // can never land on the next one.
    std::lock_guard lock(m_mutex);
    if (!m_busy.load())
        return CommandTicket::refused(Refusal::NothingToAbort, QStringLiteral("no restart is running"));
    // A node that voted in a cluster's lockstep restart may already be committed: only
    // the cluster decides now.
    if (m_commitPoint && !m_commitPoint->rollBackUnlessVoted(QStringLiteral("aborted by operator"))
        && m_commitPoint->word() != CommitPoint::Word::RollBack)
        return CommandTicket::refused(Refusal::Busy,
                                      QStringLiteral("this node voted to commit its cluster's lockstep restart; only the cluster can "
                                                     "decide now: POST /v1/cluster/restart/abort"),
                                      m_core.restartId());
    m_abort.store(true);
    m_core.wakeDrainWaiters(); // a drain gives up at once, not at its deadline
    return {Refusal::None, m_core.restartId(), {}};
}

void RestartCoordinator::shutdown()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        if (m_commitPoint)
            m_commitPoint->rollBack(QStringLiteral("the service is shutting down"));
    }
    m_shuttingDown.store(true);
    m_abort.store(true);
    m_core.wakeDrainWaiters();
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
    requested.version = m_core.version();
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
    m_core.events().append(requested);

    RestartResult result;
    if (command.kind == Kind::Stop) {
        result = ServiceCommands(m_core).stopAll();
    } else if (command.kind == Kind::Start) {
        result = ServiceCommands(m_core).startAll();
    } else if (command.options.mode == RestartMode::Legacy) {
        result = LegacyRestart(m_core, command.restartId).run();
    } else {
        PhasedRestart restart(m_core, command.options, command.restartId, m_abort, m_shuttingDown, command.commitPoint.get());
        result = restart.run();
    }
    // Decided by the shards, not by the steps (the seed's legacy restart "succeeded").
    const QString after = command.kind == Kind::Stop    ? QStringLiteral("a stop")
                          : command.kind == Kind::Start ? QStringLiteral("a start")
                                                        : QStringLiteral("a %1 restart").arg(QLatin1String(toString(command.options.mode)));
    result = judgedByEndState(std::move(result), m_core.stateSnapshot(),
                              command.kind == Kind::Stop ? ExpectedEnd::Stopped : ExpectedEnd::ServingOneVersion, after);
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count();
    finish(command, result, us);
}

void RestartCoordinator::finish(const Command &command, const RestartResult &result, std::int64_t us)
{
    if (m_core.phase() != ServicePhase::Stopped)
        m_core.setPhase(ServicePhase::Serving);
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
    e.phase = m_core.phase();
    // Free in the same step as the end is recorded: whoever sees the end may start the
    // next command at once (no 409 naming the finished one), and whoever sees the
    // coordinator free finds the end in the log.
    m_core.events().append(e, [this] { m_busy.store(false); });
    spdlog::info("{} #{} {} in {:.1f} ms: {}", toString(e.kind), command.restartId, toString(result.outcome), double(us) / 1000.0,
                 result.message.toStdString());
}

void RestartCoordinator::continueIdsAfter(std::uint64_t lastId)
{
    std::lock_guard lock(m_mutex);
    m_lastRestartId = std::max(m_lastRestartId, lastId);
}

RestartResult RestartCoordinator::startNow()
{
    return ServiceCommands(m_core).startAll();
}

} // namespace shardscope
