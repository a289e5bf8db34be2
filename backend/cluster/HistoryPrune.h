#pragma once

#include "backend/cluster/ClusterConfig.h"
#include "backend/cluster/EtcdClient.h"

namespace shardscope {

// restart/history keeps the newest kKeptHistory entries; older ones are deleted by the
// coordinator so that etcd does not grow with every restart (review M3).
constexpr int kKeptHistory = 50;

// Deletes the oldest history entries beyond kKeptHistory, `count` being how many there
// are now, in one txn fenced on the leader key's create revision (a deposed coordinator
// deletes nothing).
void pruneHistory(EtcdClient &etcd, const ClusterConfig &config, std::int64_t fence, std::int64_t count);

} // namespace shardscope
