#pragma once

#include <QtGlobal>

#include <array>

namespace shardscope {

// A request in flight longer than this is shown on its tile and named with its age in
// the drain's waiting list. Healthy queries answer in milliseconds (p99 well under
// 100 ms), so one still open after two seconds is stuck or slow enough to hold a drain,
// and it is flagged with 8 s left of the default 10 s drain timeout to act on it. Lower,
// and the built-in workload's own 1.5 s `sleep` queries would light up healthy tiles
// (and the "only unhealthy" filter) all the time.
inline constexpr quint32 kOldestRequestShownMs = 2000;

// The default stall threshold: a shard whose oldest request in flight is older is drawn
// stalled. The default workload's deliberate waits are shorter.
inline constexpr quint32 kDefaultStallThresholdMs = 2000;

// Tiles, the detail panel and the tooltip show a shard's queue as its deepest over this
// window of snapshots: the depth itself changes every frame under load and cannot be read.
inline constexpr qint64 kQueuePeakWindowMs = 1000;

// A latency as the console shows it; samples == 0: none, shown as "-".
struct LatencyCell {
    quint32 p50Us = 0;
    quint32 p99Us = 0;
    quint32 samples = 0;
    friend bool operator==(const LatencyCell &, const LatencyCell &) = default;
};
// What a tile's latency is over: 0 the shard's work (every procedure but sleep), then each
// procedure by name (latencyViewName()).
inline constexpr int kLatencyViewCount = 7;

// One shard as the console shows it: plain values, no backend types, so views may hold it.
struct ShardRow {
    int id = 0;
    int state = 0; // index into StateStyle (same order as backend ShardState)
    quint64 version = 0;
    quint64 generation = 0;
    quint32 queueDepth = 0;
    quint32 queuePeak = 0; // deepest queue in the last kQueuePeakWindowMs (ShardTableModel sets it)
    quint32 inFlight = 0;
    quint32 oldestInFlightMs = 0; // age of the oldest request in flight, 0 when none
    quint64 processed = 0;
    quint64 failed = 0;
    quint32 latencyP50Us = 0;
    quint32 latencyP99Us = 0;
    std::array<LatencyCell, kLatencyViewCount> latency{}; // by latency view
    quint8 armedFaults = 0; // fault drills armed on the shard (bits, see ArmedFaults.h)
    quint32 slowFaultMs = 0;
    bool versionSkew = false;
    bool queueSkew = false;
    bool stalled = false; // a live actor's oldest request in flight is past the stall threshold
    int servicePhase = 0; // the whole service's phase (backend ServicePhase order): what is expected of a shard

    friend bool operator==(const ShardRow &, const ShardRow &) = default;
};

} // namespace shardscope
