#pragma once

#include "backend/actors/Graph.h"
#include "backend/actors/QueryActor.h"
#include "backend/runtime/SupervisionPolicy.h"
#include "backend/types/RestartOptions.h"

#include <QString>

#include <chrono>
#include <functional>
#include <memory>

namespace shardscope {

// How a service is built. Copied into it and read-only from then on (any thread may read it).
struct ServiceConfig {
    int shards = 2;                 // 1..1024
    QString graphFile;              // empty: a generated graph
    RestartOptions restartDefaults;
    ActorFactory actorFactory;      // empty: defaultActorFactory()
    GraphLoader graphLoader;        // empty: graphFile re-read per version, or generated
    SupervisionPolicy supervision;
    bool enableFaults = false;      // fault injection through the admin API
    QString auditFile;              // JSON lines of every restart/stop/start; empty: memory only
    // Requests waiting in one shard's mailbox; one more is refused with 503 and Retry-After.
    int queueLimit = kDefaultQueueLimit;
    // A query's deadline when its request names none (QueryRequest::deadlineMs).
    int queryDeadlineMs = kDefaultQueryDeadlineMs;
    // What runs the shards (--threads): kThreadsDefault takes $SHARDSCOPE_THREADS when it is
    // set ("per-shard" or a count), else one pool worker per core; kThreadPerShard gives
    // each shard a thread of its own; N > 0 runs the shards as strands on N pool workers
    // (never more workers than shards). See ShardPool and ThreadsOption.h.
    int threads = kThreadsDefault;

    static constexpr int kMaxShards = 1024;
    static constexpr int kThreadsDefault = 0;
    static constexpr int kThreadPerShard = -1;
    static constexpr int kMaxThreads = 256;
    static constexpr int kDefaultQueueLimit = 4096;
    static constexpr int kMaxQueueLimit = 1'000'000;
    // How long a stop, a start and a legacy restart wait for each shard's answer (a phased
    // restart takes its timeouts from RestartOptions).
    static constexpr std::chrono::seconds kShardCallTimeout{5};
};

} // namespace shardscope
