#pragma once

#include "backend/types/ProcedureLatency.h"
#include "backend/types/ShardTypes.h"

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace shardscope {

// Faults an operator armed on a shard (--enable-faults): bit i of
// ShardSnapshot::armedFaults is kArmedFaultNames[i], the key GET /v1/faults uses.
enum class ArmedFault : std::uint8_t { CrashNext = 1, StuckNext = 2, Slow = 4, FailNextCreate = 8 };
inline constexpr std::array<std::string_view, 4> kArmedFaultNames = {"crash_next", "stuck_next", "slow", "fail_next_create"};

// One shard's published counters at one moment. A value: safe to copy across threads.
struct ShardSnapshot {
    ShardId id = 0;
    ShardState state = ShardState::Stopped;
    Version version = 0;
    Generation generation = 0;
    std::uint32_t queueDepth = 0;  // messages waiting in the mailbox
    std::uint32_t inFlight = 0;    // routed to this shard and not yet answered
    std::uint32_t oldestInFlightMs = 0; // age of the oldest of those, 0 when none
    std::uint64_t processed = 0;   // answered successfully
    std::uint64_t failed = 0;      // answered with an error
    std::uint32_t latencyP50Us = 0; // over a recent window
    std::uint32_t latencyP99Us = 0;
    std::uint8_t armedFaults = 0;  // ArmedFault bits, 0 when none (or faults are disabled)
    std::uint32_t slowFaultMs = 0; // with ArmedFault::Slow: the busy work added per query
    // The shard's own work: every procedure but `sleep` (a deliberate wait), and each
    // procedure apart, over its recent successful requests.
    LatencyFigures workLatency{};
    std::array<LatencyFigures, kLatencyProcedureCount> procedureLatency{};

    bool hasFault(ArmedFault f) const { return armedFaults & std::uint8_t(f); }
    friend bool operator==(const ShardSnapshot &, const ShardSnapshot &) = default;
};

// The whole service at one moment: what the GUI draws and /v1/service/shards serves.
struct ServiceSnapshot {
    ServicePhase phase = ServicePhase::Serving;
    Version version = 0;            // the version the service means to serve
    std::int64_t startTimeMs = 0;   // epoch ms when the service started
    std::int64_t takenAtMs = 0;     // epoch ms when this snapshot was taken
    std::uint64_t restartId = 0;    // the running or last restart, 0 if none
    std::uint64_t lastEventSeq = 0; // newest event sequence number at snapshot time
    std::uint32_t heldRequests = 0; // waiting at the closed admission gate
    bool badGraphArmed = false;     // a fault drill: the next restart loads a bad graph
    // The request ledger: accepted = answered + refused + in flight, at every moment.
    std::uint64_t accepted = 0;
    std::uint64_t answered = 0;
    std::uint64_t refused = 0;
    std::vector<ShardSnapshot> shards;

    // True when every shard serves and all serve one version.
    bool ready() const;
    // Number of distinct versions among shards that have a live actor.
    int distinctVersions() const;
};

} // namespace shardscope
