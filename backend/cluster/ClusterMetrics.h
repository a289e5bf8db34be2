#pragma once

#include "backend/cluster/ClusterView.h"

#include <QByteArray>

#include <map>
#include <utility>

namespace shardscope {

// Cluster restarts this node saw end, by (strategy, outcome).
using RestartCounts = std::map<std::pair<QString, QString>, std::uint64_t>;

// The cluster's part of GET /metrics, as this node last read it: etcd reachability,
// nodes by state and by version, the number of distinct versions among nodes that are
// up, and the cluster restarts it saw end.
QByteArray clusterMetricsText(const ClusterView &view, const RestartCounts &restarts);

} // namespace shardscope
