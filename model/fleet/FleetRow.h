#pragma once

#include <QString>

#include <cstdint>
#include <optional>

namespace shardscope {

// What a node's state is in the fleet table's words, most urgent first where it matters.
enum class FleetState {
    Ready,
    OutOfBalancer, // a rolling restart's grace period: readiness 503, still serving
    RestartStep,   // any other step of a running cluster restart
    NotReady,
    Stopped,       // its service was stopped on purpose
    NotReachable,  // up in etcd, but the console's follower does not reach it
    Lost,
    Left,
};

// One node as the fleet table shows it. A figure the console has no source for stays
// empty (shown as a dash), never a made-up zero.
struct FleetRow {
    QString id;
    FleetState state = FleetState::Ready;
    QString stateText; // "ready", "out of balancer", "restart: settling", "lost since 09:31:02"
    std::int64_t version = 0;
    bool coordinator = false;
    std::optional<double> requestsPerSec; // over the last rate window of its shard counters
    std::optional<double> errorsPerSec;
    std::optional<quint32> p99Us;         // the worst shard's p99 over the shards' work
    std::optional<quint64> queue;         // queued requests summed over its shards
    int shards = 0;                       // shard rows seen, else the count etcd lists
    int shardsUnhealthy = 0;              // shards whose own severity is above 0
    bool versionSkew = false;             // on another version than most nodes up
    bool shardSkew = false;               // a shard of it is skewed (version or queue)
    int severity = 0;                     // 0 fine .. 6 lost; sorting and "needs attention"

    bool skewed() const { return versionSkew || shardSkew; }
    bool unhealthy() const { return severity > 0 || skewed(); }
    friend bool operator==(const FleetRow &, const FleetRow &) = default;
};

QString fleetStateName(FleetState state);

// The fleet table's columns, in order.
namespace FleetColumn {
enum : int { Node, State, Version, Coordinator, Requests, Errors, P99, Queue, Shards, Count };
}

} // namespace shardscope
