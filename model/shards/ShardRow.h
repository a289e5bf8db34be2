#pragma once

#include <QtGlobal>

namespace shardscope {

// One shard as the console shows it: plain values, no backend types, so views may hold it.
struct ShardRow {
    int id = 0;
    int state = 0; // index into StateStyle (same order as backend ShardState)
    quint64 version = 0;
    quint64 generation = 0;
    quint32 queueDepth = 0;
    quint32 inFlight = 0;
    quint64 processed = 0;
    quint64 failed = 0;
    quint32 latencyP50Us = 0;
    quint32 latencyP99Us = 0;
    bool versionSkew = false;
    bool queueSkew = false;
    int servicePhase = 0; // the whole service's phase (backend ServicePhase order): what is expected of a shard

    friend bool operator==(const ShardRow &, const ShardRow &) = default;
};

} // namespace shardscope
