#pragma once

#include "backend/types/ServiceSnapshot.h"

#include <QByteArray>
#include <QJsonObject>

#include <vector>

namespace shardscope {

// A node in a few hundred bytes, for a console that follows many nodes (GET
// /v1/service/summary, GET /v1/stream?view=summary): every shard's state and version,
// packed, so the fleet view can draw its heat-map strip; queues only where not empty;
// the node's totals instead of each shard's counters and latencies.
struct NodeSummary {
    struct Busy {
        ShardId shard = 0;
        std::uint32_t queueDepth = 0;
        std::uint32_t inFlight = 0;
    };
    std::int64_t startTimeMs = 0;
    std::int64_t takenAtMs = 0;
    ServicePhase phase = ServicePhase::Serving;
    Version version = 0;
    std::uint64_t restartId = 0;
    std::uint32_t heldRequests = 0;
    std::vector<ShardState> states;                  // one per shard, in shard order
    std::vector<std::pair<Version, int>> versionRuns; // (version, shard count) runs in shard order
    std::vector<Busy> busy;                           // shards with a queue or requests in flight
    std::uint64_t queueDepth = 0, inFlight = 0, processed = 0, failed = 0;
    std::uint32_t latencyP99Us = 0; // the slowest shard's

    bool ready() const;
    // What a view must see without delay: phase, version, shard states and versions,
    // held requests, the instance. Counters and queues are left out.
    QByteArray stateKey() const;
    // The state key and the counters, queues and latency: all but when it was taken.
    QByteArray figuresKey() const;
    // The snapshot a shard table can take: states, versions, queues and in-flight per
    // shard; per-shard counters and latencies stay 0 (the summary has totals only).
    ServiceSnapshot toSnapshot() const;
};

NodeSummary summarize(const ServiceSnapshot &snapshot);
QJsonObject toJson(const NodeSummary &summary);
// Lenient as snapshotFromJson(): unknown letters read as stopped. False when `json` has
// no "states" string or its version runs do not add up to the shard count.
bool summaryFromJson(const QJsonObject &json, NodeSummary *out);

// One letter per shard state, in ShardState order: S G D R V C X F.
char stateLetter(ShardState state);

} // namespace shardscope
