#include "backend/restart/ServiceCommands.h"

#include "backend/core/ServiceCore.h"
#include "backend/runtime/ActorReplacement.h"
#include "backend/runtime/ShardCall.h"

namespace shardscope {
namespace {
using Clock = std::chrono::steady_clock;
constexpr auto kTimeout = ServiceConfig::kShardCallTimeout;
} // namespace

RestartResult ServiceCommands::stopAll()
{
    m_core.gate().close(AdmissionGate::Mode::Stopped);
    m_core.gate().waitQuiescent(Clock::now() + kTimeout);
    const QString reason = QStringLiteral("query service is stopped");
    const auto failures = callAllShards(m_core.shards(), [reason](Shard &s, QString *) {
        s.cancelActor(ShardState::Stopped, reason);
        return true;
    }, Clock::now() + kTimeout);
    m_core.setPhase(ServicePhase::Stopped);
    if (!failures.empty())
        return {CommandOutcome::Failed, QStringLiteral("%1 shards did not stop in time").arg(failures.size()), m_core.version()};
    return {CommandOutcome::Completed, QStringLiteral("every shard stopped"), m_core.version()};
}

RestartResult ServiceCommands::startAll()
{
    const Version v = std::max<Version>(m_core.version(), 1);
    if (!m_core.graph()) {
        QString error;
        m_core.setGraph(m_core.loadGraph(v, &error));
        if (!m_core.graph())
            return {CommandOutcome::Failed, QStringLiteral("loading the graph failed: %1").arg(error), v};
    }
    m_core.setVersion(v);
    QStringList problems;
    for (const auto &shard : m_core.shards()) {
        const ActorSpec spec{shard->id(), v, shard->generation() + 1, m_core.graph()};
        const ActorReplacement replacement =
            ActorReplacement::run(*shard, m_core.router(), spec, ShardState::Serving, Clock::now() + kTimeout);
        if (replacement.replaced())
            continue;
        problems << QStringLiteral("shard %1: %2").arg(shard->id())
                        .arg(replacement.outcome == ReplaceOutcome::NoAnswer ? QStringLiteral("no answer in time") : replacement.error);
        // Not left failed for good: its supervisor retries with backoff, as after a crash.
        Envelope retry;
        retry.run = [spec, s = shard.get()] { s->superviseFailedCreate(spec); };
        shard->post(std::move(retry), Lane::Control);
    }
    m_core.gate().open();
    m_core.setPhase(ServicePhase::Serving);
    if (!problems.isEmpty())
        return {CommandOutcome::Failed, problems.join(QStringLiteral("; ")) + QStringLiteral("; the supervisor retries with backoff"), v};
    return {CommandOutcome::Completed, QStringLiteral("every shard serves v%1").arg(v), v};
}

} // namespace shardscope
