#pragma once

#include "backend/actors/Graph.h"
#include "backend/actors/QueryActor.h"

#include <QJsonObject>

#include <atomic>
#include <memory>
#include <vector>

namespace shardscope {

enum class FaultKind { Crash, Slow, Stuck, FailNextCreate, BadGraph, SlowGraph, SlowCreate, Clear };

// Faults an operator injects on purpose (only with --enable-faults) to watch the service
// cope: flags that the actor and factory wrappers consult. Any thread may set them.
class FaultInjector
{
public:
    explicit FaultInjector(int shards);

    // Parses {"fault": "crash"|"slow"|"stuck"|"fail_next_create"|"bad_graph"|"slow_graph"|
    // "slow_create"|"clear", "shard": k, "ms": n}. False and *error on bad input.
    // *description says what was set.
    bool apply(const QJsonObject &request, int shardCount, QString *description, QString *error);
    QJsonObject describe() const;

    // Consumed by the wrappers.
    bool takeCrash(ShardId shard);
    bool takeStuck(ShardId shard);
    int slowMs(ShardId shard) const;
    bool takeFailNextCreate(ShardId shard);
    bool takeBadGraph();
    // One-shot delays (ms, 0 when unarmed) that hold a restart in its prepare or restart phase.
    int takeSlowGraphMs();
    int takeSlowCreateMs();

    // Wraps a factory / loader so that the flags above take effect.
    ActorFactory wrap(ActorFactory inner);
    GraphLoader wrap(GraphLoader inner);

private:
    struct PerShard {
        std::atomic<bool> crash{false};
        std::atomic<bool> stuck{false};
        std::atomic<int> slowMs{0};
        std::atomic<bool> failNextCreate{false};
    };
    std::unique_ptr<PerShard[]> m_shards;
    int m_count;
    std::atomic<bool> m_badGraph{false};
    std::atomic<int> m_slowGraphMs{0};
    std::atomic<int> m_slowCreateMs{0};
};

} // namespace shardscope
