#pragma once

#include "backend/QueryActor.h"
#include "backend/RestartOptions.h"

#include <QString>

#include <chrono>
#include <functional>
#include <memory>

namespace shardscope {

class Graph;

// Loads the graph a version serves; nullptr and *error on failure.
using GraphLoader = std::function<std::shared_ptr<const Graph>(Version version, QString *error)>;

// How a shard's supervisor treats a crashed actor: re-create it on the same version with
// exponential backoff, and give up (the shard stays Failed) after too many crashes.
struct SupervisionPolicy {
    bool restart = true;
    int maxRestarts = 5;                          // within `window`
    std::chrono::milliseconds window{30000};
    std::chrono::milliseconds initialBackoff{50};
    std::chrono::milliseconds maxBackoff{2000};
};

struct ServiceConfig {
    int shards = 2;                 // 1..1024
    QString graphFile;              // empty: a generated graph
    RestartOptions restartDefaults;
    ActorFactory actorFactory;      // empty: defaultActorFactory()
    GraphLoader graphLoader;        // empty: graphFile re-read per version, or generated
    SupervisionPolicy supervision;
    bool enableFaults = false;      // fault injection through the admin API
    QString auditFile;              // JSON lines of every restart/stop/start; empty: memory only

    static constexpr int kMaxShards = 1024;
};

} // namespace shardscope
