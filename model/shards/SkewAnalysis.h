#pragma once

#include "backend/types/ServiceSnapshot.h"

#include <utility>
#include <vector>

namespace shardscope {

// Which shards stand out from the rest: the shape of the seed's failure is one shard on a
// different version (or all but one cancelled), which should be visible at a glance.
struct SkewReport {
    Version majorityVersion = 0;
    double medianQueueDepth = 0;
    std::vector<bool> versionSkew; // by row in the snapshot
    std::vector<bool> queueSkew;
    // Versions among shards with a live actor, newest first, with how many serve each.
    std::vector<std::pair<Version, int>> liveVersions;
};

// A queue is an outlier when it is over this many times the median and over the floor.
inline constexpr double kQueueSkewFactor = 3.0;
inline constexpr std::uint32_t kQueueSkewFloor = 10;

// True for states in which a shard has a live actor that serves some version.
bool hasLiveActor(ShardState state);

SkewReport analyseSkew(const std::vector<ShardSnapshot> &shards);

} // namespace shardscope
