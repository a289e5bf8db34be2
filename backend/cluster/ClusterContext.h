#pragma once

#include "backend/cluster/ClusterConfig.h"
#include "backend/cluster/EtcdClient.h"

#include <functional>

namespace shardscope {

// What a node's restart roles need from the node (ClusterNode owns them and this).
struct ClusterContext {
    const ClusterConfig &config;
    EtcdClient &etcd;
    std::function<std::int64_t()> leaderRevision; // our term's fence, 0 when not the coordinator
    std::function<std::int64_t()> lease;          // this run's lease, 0 while unregistered
};

// Wall-clock epoch ms: journal times are compared across nodes (and coordinators).
std::int64_t clusterNowMs();

} // namespace shardscope
