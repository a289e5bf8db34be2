#include "backend/runtime/Router.h"

#include "backend/runtime/Shard.h"

namespace shardscope {

Router::Router(const std::vector<std::unique_ptr<Shard>> &shards)
    : m_shards(shards)
    , m_generations(std::make_unique<std::atomic<Generation>[]>(shards.size()))
{
}

void Router::route(QueryRequest request, ReplyFn reply)
{
    const int count = shardCount();
    ShardId target = request.pinnedShard;
    if (target >= count) {
        reply(QueryReply::failure(QueryStatus::BadRequest,
                                  QStringLiteral("shard %1 does not exist (shards 0..%2)").arg(target).arg(count - 1)));
        return;
    }
    if (target < 0)
        target = static_cast<ShardId>((m_cursors.add(0) + threadCounterStripe()) % std::uint64_t(count));
    const Generation gen = m_generations[std::size_t(target)].load(std::memory_order_acquire);
    m_shards[std::size_t(target)]->submit(std::move(request), gen, std::move(reply));
}

void Router::setGeneration(ShardId shard, Generation generation)
{
    m_generations[std::size_t(shard)].store(generation, std::memory_order_release);
}

Generation Router::generation(ShardId shard) const
{
    return m_generations[std::size_t(shard)].load(std::memory_order_acquire);
}

} // namespace shardscope
