// A shard's supervisor: a crashed actor is re-created on its version with exponential
// backoff, within the SupervisionPolicy's limits; past them the shard stays failed.
#include "backend/runtime/Shard.h"

#include <algorithm>

namespace shardscope {

void Shard::crash(const QString &why)
{
    const ActorSpec spec = m_actor->spec();
    refuseRunning(QueryStatus::Unavailable, why);
    refuseDeferred(why);
    m_actor.reset();
    setLive(false, ShardState::Failed);
    warn(why);
    scheduleRespawn(spec);
}

void Shard::scheduleRespawn(ActorSpec spec)
{
    const SupervisionPolicy &policy = m_hooks.supervision;
    if (!policy.restart)
        return;
    const auto now = Clock::now();
    std::erase_if(m_recentCrashes, [&](Clock::time_point t) { return now - t > policy.window; });
    if (int(m_recentCrashes.size()) >= policy.maxRestarts) {
        warn(QStringLiteral("shard %1 gave up re-creating its actor after %2 attempts within %3 s; it stays failed until a restart")
                 .arg(m_id).arg(policy.maxRestarts).arg(policy.window.count() / 1000.0));
        return;
    }
    m_recentCrashes.push_back(now);
    auto backoff = policy.initialBackoff * (1 << std::min<std::size_t>(m_recentCrashes.size() - 1, 16));
    backoff = std::min(backoff, policy.maxBackoff);
    const std::uint64_t epoch = m_respawnEpoch;
    m_timers.emplace(now + backoff, [this, spec, epoch] { respawn(spec, epoch); });
}

void Shard::respawn(ActorSpec spec, std::uint64_t epoch)
{
    if (epoch != m_respawnEpoch || m_actor)
        return; // a restart or stop took over this shard meanwhile
    spec.generation = generation() + 1;
    QString error;
    if (!installActor(spec, &error)) {
        warn(QStringLiteral("shard %1 could not re-create its actor: %2").arg(m_id).arg(error));
        scheduleRespawn(spec);
        return;
    }
    if (m_hooks.onActorRespawned)
        m_hooks.onActorRespawned(m_id, spec.generation);
    setState(ShardState::Serving);
    warn(QStringLiteral("shard %1's actor re-created on v%2 (generation %3)").arg(m_id).arg(spec.version).arg(spec.generation));
}

void Shard::superviseFailedCreate(const ActorSpec &spec)
{
    if (!m_actor)
        scheduleRespawn(spec);
}

} // namespace shardscope
