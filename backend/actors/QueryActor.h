#pragma once

#include "backend/actors/Procedures.h"
#include "backend/types/ShardTypes.h"

#include <QString>

#include <functional>
#include <memory>

namespace shardscope {

class Graph;
struct QueryRequest;

// What a shard needs to create its actor.
struct ActorSpec {
    ShardId shard = 0;
    Version version = 0;
    Generation generation = 0;
    std::shared_ptr<const Graph> graph;
};

// The one query actor a shard holds at a time. Lives and runs on its shard's thread.
class QueryActor
{
public:
    explicit QueryActor(ActorSpec spec);
    virtual ~QueryActor() = default;
    QueryActor(const QueryActor &) = delete;
    QueryActor &operator=(const QueryActor &) = delete;

    const ActorSpec &spec() const { return m_spec; }
    Version version() const { return m_spec.version; }
    Generation generation() const { return m_spec.generation; }

    // May throw: the shard answers a throwing handler with an Internal error.
    virtual ProcedureOutcome handle(const QueryRequest &request);

private:
    ActorSpec m_spec;
    ProcedureScratch m_scratch;
};

// Creates a shard's actor; returns nullptr and sets *error when creation fails.
// The seam tests use to make creation fail on one shard.
using ActorFactory = std::function<std::unique_ptr<QueryActor>(const ActorSpec &spec, QString *error)>;
ActorFactory defaultActorFactory();

} // namespace shardscope
