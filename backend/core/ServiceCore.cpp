#include "backend/core/ServiceCore.h"

#include "backend/actors/Graph.h"
#include "backend/types/Clock.h"

namespace shardscope {

ServiceCore::ServiceCore(ServiceConfig cfg)
    : config(std::move(cfg))
    , audit(config.auditFile)
    , shards(makeShards())
    , router(shards)
    , gate([this](QueryRequest r, ReplyFn f) { router.route(std::move(r), std::move(f)); })
{
    events.setListener([this](const ServiceEvent &e) {
        audit.observe(e);
        metrics.observe(e);
    });
}

std::vector<std::unique_ptr<Shard>> ServiceCore::makeShards()
{
    if (!config.actorFactory)
        config.actorFactory = defaultActorFactory();
    if (!config.graphLoader) {
        // A file is re-read at every restart (that is what a restart changes); the
        // generated graph is the same for every version, so it is built once.
        config.graphLoader = [file = config.graphFile, generated = std::shared_ptr<const Graph>()](Version, QString *error) mutable {
            if (!file.isEmpty())
                return Graph::loadEdgeList(file, error);
            if (!generated)
                generated = Graph::generate();
            return generated;
        };
    }
    if (config.enableFaults) {
        faults = std::make_unique<FaultInjector>(config.shards);
        config.actorFactory = faults->wrap(config.actorFactory);
        config.graphLoader = faults->wrap(config.graphLoader);
    }
    ShardHooks hooks;
    hooks.supervision = config.supervision;
    hooks.onWarning = [this](ShardId id, const QString &message) { warn(restartId.load(), id, message); };
    hooks.onActorRespawned = [this](ShardId id, Generation g) { router.setGeneration(id, g); };
    hooks.onStateChange = [this](ShardId id, ShardState s, Version v) {
        ServiceEvent e;
        e.kind = EventKind::ShardStateChanged;
        e.shard = id;
        e.state = s;
        e.version = v;
        e.restartId = restartId.load(std::memory_order_relaxed);
        e.phase = phase.load(std::memory_order_relaxed);
        e.severity = (s == ShardState::Failed || s == ShardState::Canceled) ? Severity::Warning : Severity::Info;
        events.append(std::move(e));
    };
    std::vector<std::unique_ptr<Shard>> out;
    out.reserve(std::size_t(config.shards));
    for (int i = 0; i < config.shards; ++i)
        out.push_back(std::make_unique<Shard>(i, config.actorFactory, hooks));
    return out;
}

ServiceSnapshot ServiceCore::snapshot() const
{
    ServiceSnapshot s;
    s.phase = phase.load(std::memory_order_acquire);
    s.version = version.load(std::memory_order_acquire);
    s.startTimeMs = startTimeMs;
    s.takenAtMs = nowEpochMs();
    s.restartId = restartId.load(std::memory_order_acquire);
    s.lastEventSeq = events.lastSeq();
    s.heldRequests = gate.heldCount();
    const RequestLedger::Counts counts = ledger.counts();
    s.accepted = counts.accepted;
    s.answered = counts.answered;
    s.refused = counts.refused;
    s.shards.reserve(shards.size());
    for (const auto &shard : shards)
        s.shards.push_back(shard->snapshot());
    return s;
}

std::uint32_t ServiceCore::totalInFlight() const
{
    std::uint32_t total = 0;
    for (const auto &shard : shards)
        total += shard->inFlight();
    return total;
}

std::shared_ptr<const Graph> ServiceCore::loadGraph(Version v, QString *error) const
{
    return config.graphLoader(v, error);
}

void ServiceCore::phaseStarted(ServicePhase p, std::uint64_t restart, QString message)
{
    phase.store(p, std::memory_order_release);
    ServiceEvent e;
    e.kind = EventKind::PhaseStarted;
    e.phase = p;
    e.restartId = restart;
    e.version = version.load();
    e.message = std::move(message);
    events.append(std::move(e));
}

void ServiceCore::phaseEnded(ServicePhase p, std::uint64_t restart, const QString &outcome, std::int64_t us, QString message)
{
    ServiceEvent e;
    e.kind = EventKind::PhaseEnded;
    e.phase = p;
    e.restartId = restart;
    e.version = version.load();
    e.outcome = outcome;
    e.durationMs = us / 1000;
    e.durationUs = us;
    e.message = std::move(message);
    e.severity = outcome == QLatin1String("ok") ? Severity::Info : Severity::Warning;
    events.append(std::move(e));
}

void ServiceCore::warn(std::uint64_t restart, ShardId shard, QString message)
{
    ServiceEvent e;
    e.kind = EventKind::Warning;
    e.severity = Severity::Warning;
    e.restartId = restart;
    e.shard = shard;
    e.phase = phase.load();
    e.message = std::move(message);
    events.append(std::move(e));
}

} // namespace shardscope
