#pragma once

#include "backend/actors/FaultInjector.h"
#include "backend/core/ServiceConfig.h"
#include "backend/record/AuditLog.h"
#include "backend/record/EventLog.h"
#include "backend/record/RequestLedger.h"
#include "backend/record/ServiceMetrics.h"
#include "backend/runtime/AdmissionGate.h"
#include "backend/runtime/Router.h"
#include "backend/runtime/Shard.h"
#include "backend/types/ServiceSnapshot.h"

#include <atomic>
#include <memory>
#include <vector>

namespace shardscope {

// The parts of the service that the facade, the coordinator and the restart share.
// Built once; the shard list never changes size.
struct ServiceCore {
    explicit ServiceCore(ServiceConfig cfg);

    ServiceConfig config;
    EventLog events;
    RequestLedger ledger;
    AuditLog audit;
    ServiceMetrics metrics;
    std::unique_ptr<FaultInjector> faults; // null unless config.enableFaults
    std::vector<std::unique_ptr<Shard>> shards;
    Router router;
    AdmissionGate gate;
    std::atomic<Version> version{0};
    std::atomic<ServicePhase> phase{ServicePhase::Stopped};
    std::atomic<std::uint64_t> restartId{0};
    std::int64_t startTimeMs = 0;
    std::shared_ptr<const Graph> graph; // coordinator thread only, once started

    ServiceSnapshot snapshot() const;
    int shardCount() const { return static_cast<int>(shards.size()); }
    std::uint32_t totalInFlight() const;

    std::shared_ptr<const Graph> loadGraph(Version v, QString *error) const;

    // Event helpers: one place decides what a phase event looks like.
    void phaseStarted(ServicePhase p, std::uint64_t restart, QString message = {});
    void phaseEnded(ServicePhase p, std::uint64_t restart, const QString &outcome, std::int64_t us, QString message = {});
    void warn(std::uint64_t restart, ShardId shard, QString message);

private:
    std::vector<std::unique_ptr<Shard>> makeShards();
};

} // namespace shardscope
