#pragma once

#include "model/fleet/FleetRow.h"

#include <QString>

namespace shardscope {

struct ClusterNodeRow;
class ShardTableModel;

// What the fleet table needs to know of the cluster as a whole to judge one node.
struct FleetContext {
    std::int64_t majorityVersion = 0; // the version most nodes up run
    bool versionsApart = false;       // nodes up run more than one version
    bool restartRunning = false;      // a cluster restart moves nodes between versions now
};

// One node's row from its cluster row and, when the console follows it, its shard rows
// (`shards` may be null: then no shard figure is known). `reachable`: the follower gets
// its snapshots; `unreachableWhy` says how the console's link failed ("not reachable:
// connection refused", "not reachable: no answer (stopped or cut off)"), empty if unknown.
// Rates are left to the caller (they need history).
FleetRow summarise(const ClusterNodeRow &node, const ShardTableModel *shards, bool reachable, const FleetContext &context,
                   const QString &unreachableWhy = {});

} // namespace shardscope
