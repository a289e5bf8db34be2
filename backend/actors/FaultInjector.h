#pragma once

#include "backend/actors/Graph.h"
#include "backend/actors/QueryActor.h"

#include <QJsonObject>

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace shardscope {

enum class FaultKind { Crash, Slow, Stuck, FailNextCreate, BadGraph, SlowGraph, SlowCreate, BadVersion, Clear };

// Faults an operator injects on purpose (only with --enable-faults) to watch the service
// cope: flags that the actor and factory wrappers consult. Any thread may set them.
class FaultInjector
{
public:
    explicit FaultInjector(int shards);

    // Parses {"fault": "crash"|"slow"|"stuck"|"fail_next_create"|"bad_graph"|"slow_graph"|
    // "slow_create"|"bad_version"|"clear", "shard": k, "ms": n}; bad_version takes
    // {"version": V, "ms": n, "fail_percent": p}. False and *error on bad input.
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
    // The bad-version drill's word on one query served by `version`: delayed by delayMs,
    // and failed when `fail`. Queries on that version are counted per node, from the drill
    // armed: query k of every 100 fails when k < fail_percent, so counts are exact.
    struct Verdict {
        int delayMs = 0;
        bool fail = false;
    };
    Verdict badVersionVerdict(Version version);

    // Wraps a factory / loader so that the flags above take effect.
    ActorFactory wrap(ActorFactory inner);
    GraphLoader wrap(GraphLoader inner);

private:
    bool armBadVersion(const QJsonObject &request, QString *description, QString *error);

    // A bad next version: while the node serves `version`, queries are slow and some fail.
    struct BadVersion {
        Version version = 0; // 0: not armed
        int delayMs = 0;
        int failPercent = 0;
        std::uint64_t seen = 0;
        std::uint64_t failed = 0;
    };

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
    std::atomic<Version> m_badVersionArmed{0}; // lets other versions skip the lock
    mutable std::mutex m_badVersionMutex;
    BadVersion m_badVersion;
};

} // namespace shardscope
