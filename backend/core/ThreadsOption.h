#pragma once

#include "backend/core/ServiceConfig.h"

#include <QString>

namespace shardscope {

// "per-shard" -> ServiceConfig::kThreadPerShard, "N" (1..kMaxThreads) -> N. False with
// *error for anything else. Used for --threads and $SHARDSCOPE_THREADS.
bool parseThreads(const QString &text, int *threads, QString *error);

// How many pool workers a service built from `config` runs its shards on; 0: a thread per
// shard. Resolves kThreadsDefault ($SHARDSCOPE_THREADS, else the core count) and never
// exceeds the shard count (a strand runs on one worker at a time).
int poolWorkers(const ServiceConfig &config);

} // namespace shardscope
