#include "backend/restart/LegacyRestart.h"

#include "backend/core/ServiceCore.h"
#include "backend/runtime/ActorReplacement.h"
#include "backend/runtime/ShardCall.h"

namespace shardscope {

LegacyRestart::LegacyRestart(ServiceCore &core, std::uint64_t restartId)
    : m_core(core)
    , m_id(restartId)
{
}

RestartResult LegacyRestart::run()
{
    using Clock = std::chrono::steady_clock;
    constexpr auto kTimeout = ServiceConfig::kShardCallTimeout;
    const auto started = Clock::now();
    const Version next = m_core.version() + 1;
    m_core.phaseStarted(ServicePhase::Restarting, m_id,
                        QStringLiteral("legacy restart: cancelling every shard's actor, re-creating shard 0's only"));
    const QString reason = QString::fromLatin1(kCanceledActorMessage.data(), qsizetype(kCanceledActorMessage.size()));
    callAllShards(m_core.shards(), [reason](Shard &s, QString *) {
        s.cancelActor(ShardState::Canceled, reason);
        return true;
    }, Clock::now() + kTimeout);

    QString error;
    auto graph = m_core.loadGraph(next, &error);
    Shard &first = *m_core.shards().front();
    // Asked even without a graph, as the seed did: shard 0 then fails to create its actor.
    const ActorSpec spec{0, next, first.generation() + 1, graph};
    const ActorReplacement replacement =
        ActorReplacement::run(first, m_core.router(), spec, ShardState::Serving, Clock::now() + kTimeout);
    const bool created = graph && replacement.replaced();
    if (created)
        m_core.setGraph(graph);
    m_core.setVersion(next);
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count();
    const QString message = m_core.shardCount() > 1
        ? QStringLiteral("shard 0 serves v%1; shards 1..%2 left canceled (the known legacy failure)").arg(next).arg(m_core.shardCount() - 1)
        : QStringLiteral("shard 0 serves v%1").arg(next);
    m_core.phaseEnded(ServicePhase::Restarting, m_id, created ? QStringLiteral("ok") : QStringLiteral("failed"), us, message);
    if (created)
        return {CommandOutcome::Completed, message, next};
    if (error.isEmpty()) {
        error = replacement.outcome == ReplaceOutcome::NoAnswer
            ? QStringLiteral("shard 0 did not re-create its actor within %1 ms").arg(std::chrono::milliseconds(kTimeout).count())
            : replacement.error;
    }
    return {CommandOutcome::Failed, error, next};
}

} // namespace shardscope
