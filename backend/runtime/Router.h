#pragma once

#include "backend/record/StripedCounters.h"
#include "backend/types/Query.h"

#include <atomic>
#include <memory>
#include <vector>

namespace shardscope {

class Shard;

// Sends a query to a shard: round-robin, or the shard a query pins. The round-robin cursor
// is striped (StripedCounters): a sending thread walks the shards in turn from its own
// starting shard, and senders write no shared counter. Holds, per shard, the actor
// generation it sends to, so a message for a cancelled generation fails with the
// canceled-actor error, exactly as the seed's router did.
class Router
{
public:
    explicit Router(const std::vector<std::unique_ptr<Shard>> &shards);

    // --- any thread ---
    void route(QueryRequest request, ReplyFn reply);
    Generation generation(ShardId shard) const;
    int shardCount() const { return static_cast<int>(m_shards.size()); }

    // The coordinator thread once the shard has its new actor (ActorReplacement), or the
    // shard's own thread after its supervisor re-created the actor.
    void setGeneration(ShardId shard, Generation generation);

private:
    const std::vector<std::unique_ptr<Shard>> &m_shards;
    std::unique_ptr<std::atomic<Generation>[]> m_generations;
    StripedCounters<1> m_cursors;
};

} // namespace shardscope
