#include "backend/runtime/ShardCall.h"

#include "backend/runtime/Shard.h"

namespace shardscope {

std::shared_ptr<ShardCall> ShardCall::post(Shard &shard, Fn fn)
{
    std::shared_ptr<ShardCall> call(new ShardCall(shard.id()));
    Envelope envelope;
    envelope.run = [call, fn = std::move(fn), &shard] {
        {
            std::lock_guard lock(call->m_mutex);
            if (call->m_abandoned)
                return;
        }
        QString error;
        const bool ok = fn(shard, &error);
        call->finish(ok, error);
    };
    envelope.refuse = [call](const QString &reason) { call->finish(false, reason); };
    shard.post(std::move(envelope), Lane::Control);
    return call;
}

void ShardCall::finish(bool ok, QString error)
{
    {
        std::lock_guard lock(m_mutex);
        m_finished = true;
        m_ok = ok;
        m_error = std::move(error);
    }
    m_done.notify_all();
}

bool ShardCall::wait(Clock::time_point deadline)
{
    std::unique_lock lock(m_mutex);
    return m_done.wait_until(lock, deadline, [this] { return m_finished; });
}

void ShardCall::abandon()
{
    std::lock_guard lock(m_mutex);
    m_abandoned = true;
}

bool ShardCall::ok() const
{
    std::lock_guard lock(m_mutex);
    return m_finished && m_ok;
}

QString ShardCall::error() const
{
    std::lock_guard lock(m_mutex);
    return m_error;
}

ShardCalls postAllShards(const std::vector<std::unique_ptr<Shard>> &shards, const ShardCall::Fn &fn)
{
    ShardCalls calls;
    calls.reserve(shards.size());
    for (const auto &shard : shards)
        calls.push_back(ShardCall::post(*shard, fn));
    return calls;
}

std::vector<ShardFailure> waitAll(const ShardCalls &calls, ShardCall::Clock::time_point deadline)
{
    std::vector<ShardFailure> failures;
    for (const auto &call : calls) {
        if (!call->wait(deadline)) {
            call->abandon();
            failures.push_back({call->shard(), QStringLiteral("shard %1 did not answer in time").arg(call->shard())});
        } else if (!call->ok()) {
            failures.push_back({call->shard(), call->error()});
        }
    }
    return failures;
}

std::vector<ShardFailure> callAllShards(const std::vector<std::unique_ptr<Shard>> &shards, const ShardCall::Fn &fn,
                                        ShardCall::Clock::time_point deadline)
{
    return waitAll(postAllShards(shards, fn), deadline);
}

} // namespace shardscope
