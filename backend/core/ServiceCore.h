#pragma once

#include "backend/actors/FaultInjector.h"
#include "backend/core/ServiceConfig.h"
#include "backend/record/AuditLog.h"
#include "backend/record/EventLog.h"
#include "backend/record/RequestLedger.h"
#include "backend/record/ServiceMetrics.h"
#include "backend/runtime/AdmissionGate.h"
#include "backend/runtime/DrainSignal.h"
#include "backend/runtime/Router.h"
#include "backend/runtime/Shard.h"
#include "backend/runtime/ShardPool.h"
#include "backend/types/ServiceSnapshot.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

namespace shardscope {

// The parts of the service that the front door, the coordinator and the restart share.
// Built once; the shard list never changes size. Each group of members below says which
// threads may use it.
class ServiceCore
{
public:
    using Clock = std::chrono::steady_clock;

    explicit ServiceCore(ServiceConfig cfg);
    ServiceCore(const ServiceCore &) = delete;
    ServiceCore &operator=(const ServiceCore &) = delete;

    // --- any thread ---
    const ServiceConfig &config() const { return m_config; } // fixed after construction
    EventLog &events() { return m_events; }
    RequestLedger &ledger() { return m_ledger; }
    AuditLog &audit() { return m_audit; }
    ServiceMetrics &metrics() { return m_metrics; }
    FaultInjector *faults() { return m_faults.get(); } // null unless config().enableFaults
    // Each shard's own contract says which of its methods any thread may call.
    const std::vector<std::unique_ptr<Shard>> &shards() const { return m_shards; }
    // The workers the shards run on as strands; null with a thread per shard.
    const ShardPool *pool() const { return m_pool.get(); }
    int shardCount() const { return static_cast<int>(m_shards.size()); }
    // route() from any thread; setGeneration() from the coordinator thread (and from a
    // shard's own thread for its respawned actor).
    Router &router() { return m_router; }
    // admit() from any thread; close() and open() from the coordinator thread, or from
    // shutdown once the coordinator has been joined.
    AdmissionGate &gate() { return m_gate; }
    const AdmissionGate &gate() const { return m_gate; }
    Version version() const { return m_version.load(); }
    ServicePhase phase() const { return m_phase.load(); }
    std::uint64_t restartId() const { return m_restartId.load(); }
    std::int64_t startTimeMs() const { return m_startTimeMs; }

    ServiceSnapshot snapshot() const;
    // Each shard's id, state, version and in-flight count only (atomics, no latency
    // percentiles): cheap enough for the coordinator to judge every restart's end.
    ServiceSnapshot stateSnapshot() const;
    std::uint32_t totalInFlight() const;
    // Blocks until no request is in flight on any shard (true), or `deadline` passes or
    // `giveUp` holds (false). Woken by each shard going idle and by wakeDrainWaiters().
    bool waitNoneInFlight(Clock::time_point deadline, const std::function<bool()> &giveUp = {});
    // A waiter checks its `giveUp` at once: call after setting what it reads.
    void wakeDrainWaiters() { m_drain.ring(); }
    void warn(std::uint64_t restart, ShardId shard, QString message);

    // --- coordinator thread only ---
    // startNow() plays the coordinator on the starting thread; ShardService::shutdown
    // sets the phase once it has joined the coordinator.
    void setVersion(Version v) { m_version.store(v); }
    void setPhase(ServicePhase p) { m_phase.store(p); }
    // The exception: set while a command is admitted, on the requester's thread under the
    // coordinator's lock.
    void setRestartId(std::uint64_t id) { m_restartId.store(id); }
    // The graph the shards' actors serve; set once a start or restart loaded it.
    const std::shared_ptr<const Graph> &graph() const { return m_graph; }
    void setGraph(std::shared_ptr<const Graph> graph) { m_graph = std::move(graph); }
    // The configured loader is not thread-safe (the generated graph is built on first use).
    std::shared_ptr<const Graph> loadGraph(Version v, QString *error) const;
    // Event helpers: one place decides what a phase event looks like. phaseStarted() also
    // sets the service phase.
    void phaseStarted(ServicePhase p, std::uint64_t restart, QString message = {});
    void phaseEnded(ServicePhase p, std::uint64_t restart, const QString &outcome, std::int64_t us, QString message = {});

private:
    std::vector<std::unique_ptr<Shard>> makeShards();

    ServiceConfig m_config;
    const std::int64_t m_startTimeMs;
    EventLog m_events;
    RequestLedger m_ledger;
    AuditLog m_audit;
    ServiceMetrics m_metrics;
    std::unique_ptr<FaultInjector> m_faults;
    std::atomic<Version> m_version{0};
    std::atomic<ServicePhase> m_phase{ServicePhase::Stopped};
    std::atomic<std::uint64_t> m_restartId{0};
    std::shared_ptr<const Graph> m_graph;
    // Everything above outlives the shards: their threads use it until they are joined.
    DrainSignal m_drain;
    std::unique_ptr<ShardPool> m_pool; // outlives the shards: their turns run on it
    std::vector<std::unique_ptr<Shard>> m_shards;
    Router m_router;
    AdmissionGate m_gate;
};

} // namespace shardscope
