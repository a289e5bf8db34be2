#include "backend/core/ServiceCore.h"

#include "backend/actors/Graph.h"
#include "backend/core/ThreadsOption.h"
#include "backend/types/Clock.h"

#include <algorithm>

namespace shardscope {

ServiceCore::ServiceCore(ServiceConfig cfg)
    : m_config(std::move(cfg))
    , m_startTimeMs(nowEpochMs())
    , m_audit(m_config.auditFile)
    , m_shards(makeShards())
    , m_router(m_shards)
    , m_gate([this](QueryRequest r, ReplyFn f) { m_router.route(std::move(r), std::move(f)); })
{
    m_events.setListener([this](const ServiceEvent &e) {
        m_audit.observe(e);
        m_metrics.observe(e);
    });
}

std::vector<std::unique_ptr<Shard>> ServiceCore::makeShards()
{
    if (!m_config.actorFactory)
        m_config.actorFactory = defaultActorFactory();
    if (!m_config.graphLoader) {
        // A file is re-read at every restart (that is what a restart changes); the
        // generated graph is the same for every version, so it is built once.
        m_config.graphLoader = [file = m_config.graphFile, generated = std::shared_ptr<const Graph>()](Version, QString *error) mutable {
            if (!file.isEmpty())
                return Graph::loadEdgeList(file, error);
            if (!generated)
                generated = Graph::generate();
            return generated;
        };
    }
    if (m_config.enableFaults) {
        m_faults = std::make_unique<FaultInjector>(m_config.shards);
        m_config.actorFactory = m_faults->wrap(m_config.actorFactory);
        m_config.graphLoader = m_faults->wrap(m_config.graphLoader);
    }
    ShardHooks hooks;
    hooks.supervision = m_config.supervision;
    hooks.queueLimit = static_cast<std::uint32_t>(std::max(0, m_config.queueLimit));
    hooks.drain = &m_drain;
    if (const int workers = poolWorkers(m_config); workers > 0) {
        m_pool = std::make_unique<ShardPool>(workers);
        hooks.pool = m_pool.get();
    }
    hooks.onWarning = [this](ShardId id, const QString &message) { warn(m_restartId.load(), id, message); };
    hooks.onActorRespawned = [this](ShardId id, Generation g) { m_router.setGeneration(id, g); };
    hooks.onStateChange = [this](ShardId id, ShardState s, Version v) {
        ServiceEvent e;
        e.kind = EventKind::ShardStateChanged;
        e.shard = id;
        e.state = s;
        e.version = v;
        e.restartId = m_restartId.load(std::memory_order_relaxed);
        e.phase = m_phase.load(std::memory_order_relaxed);
        e.severity = (s == ShardState::Failed || s == ShardState::Canceled) ? Severity::Warning : Severity::Info;
        m_events.append(std::move(e));
    };
    std::vector<std::unique_ptr<Shard>> out;
    out.reserve(std::size_t(m_config.shards));
    for (int i = 0; i < m_config.shards; ++i)
        out.push_back(std::make_unique<Shard>(i, m_config.actorFactory, hooks));
    return out;
}

ServiceSnapshot ServiceCore::snapshot() const
{
    ServiceSnapshot s;
    s.phase = m_phase.load(std::memory_order_acquire);
    s.version = m_version.load(std::memory_order_acquire);
    s.startTimeMs = m_startTimeMs;
    s.takenAtMs = nowEpochMs();
    s.restartId = m_restartId.load(std::memory_order_acquire);
    s.lastEventSeq = m_events.lastSeq();
    s.heldRequests = m_gate.heldCount();
    const RequestLedger::Counts counts = m_ledger.counts();
    s.accepted = counts.accepted;
    s.answered = counts.answered;
    s.refused = counts.refused;
    s.shards.reserve(m_shards.size());
    for (const auto &shard : m_shards)
        s.shards.push_back(shard->snapshot());
    return s;
}

ServiceSnapshot ServiceCore::stateSnapshot() const
{
    ServiceSnapshot s;
    s.phase = m_phase.load(std::memory_order_acquire);
    s.version = m_version.load(std::memory_order_acquire);
    s.shards.reserve(m_shards.size());
    for (const auto &shard : m_shards) {
        ShardSnapshot one;
        one.id = shard->id();
        one.state = shard->state();
        one.version = shard->version();
        one.inFlight = shard->inFlight();
        s.shards.push_back(one);
    }
    return s;
}

std::uint32_t ServiceCore::totalInFlight() const
{
    std::uint32_t total = 0;
    for (const auto &shard : m_shards)
        total += shard->inFlight();
    return total;
}

bool ServiceCore::waitNoneInFlight(Clock::time_point deadline, const std::function<bool()> &giveUp)
{
    bool none = false;
    m_drain.waitUntil([&] {
        none = totalInFlight() == 0;
        return none || (giveUp && giveUp());
    }, deadline);
    return none;
}

std::shared_ptr<const Graph> ServiceCore::loadGraph(Version v, QString *error) const
{
    return m_config.graphLoader(v, error);
}

void ServiceCore::phaseStarted(ServicePhase p, std::uint64_t restart, QString message)
{
    m_phase.store(p, std::memory_order_release);
    ServiceEvent e;
    e.kind = EventKind::PhaseStarted;
    e.phase = p;
    e.restartId = restart;
    e.version = m_version.load();
    e.message = std::move(message);
    m_events.append(std::move(e));
}

void ServiceCore::phaseEnded(ServicePhase p, std::uint64_t restart, const QString &outcome, std::int64_t us, QString message)
{
    ServiceEvent e;
    e.kind = EventKind::PhaseEnded;
    e.phase = p;
    e.restartId = restart;
    e.version = m_version.load();
    e.outcome = outcome;
    e.durationMs = us / 1000;
    e.durationUs = us;
    e.message = std::move(message);
    e.severity = outcome == QLatin1String("ok") ? Severity::Info : Severity::Warning;
    m_events.append(std::move(e));
}

void ServiceCore::warn(std::uint64_t restart, ShardId shard, QString message)
{
    ServiceEvent e;
    e.kind = EventKind::Warning;
    e.severity = Severity::Warning;
    e.restartId = restart;
    e.shard = shard;
    e.phase = m_phase.load();
    e.message = std::move(message);
    m_events.append(std::move(e));
}

} // namespace shardscope
