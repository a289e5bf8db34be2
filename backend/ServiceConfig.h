#pragma once

#include "backend/QueryActor.h"
#include "backend/RestartOptions.h"

#include <QString>

#include <functional>
#include <memory>

namespace shardscope {

class Graph;

// Loads the graph a version serves; nullptr and *error on failure.
using GraphLoader = std::function<std::shared_ptr<const Graph>(Version version, QString *error)>;

struct ServiceConfig {
    int shards = 2;                 // 1..1024
    QString graphFile;              // empty: a generated graph
    RestartOptions restartDefaults;
    ActorFactory actorFactory;      // empty: defaultActorFactory()
    GraphLoader graphLoader;        // empty: graphFile re-read per version, or generated

    static constexpr int kMaxShards = 1024;
};

} // namespace shardscope
