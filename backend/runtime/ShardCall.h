#pragma once

#include "backend/types/ShardTypes.h"

#include <QString>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace shardscope {

class Shard;

// A request-reply to one shard's control lane, for the coordinator thread: post a
// function, then wait for its result with a deadline. After a timeout, abandon() keeps a
// call that has not started yet from ever running. `fn` runs on the shard thread.
class ShardCall
{
public:
    using Clock = std::chrono::steady_clock;
    using Fn = std::function<bool(Shard &shard, QString *error)>;

    // --- the calling thread (coordinator thread; never the shard's own: wait() would block it) ---
    static std::shared_ptr<ShardCall> post(Shard &shard, Fn fn);
    bool wait(Clock::time_point deadline); // true once finished (ok or not)
    void abandon();
    bool ok() const;
    QString error() const;
    ShardId shard() const { return m_shard; }

private:
    explicit ShardCall(ShardId shard) : m_shard(shard) {}
    // The shard thread, or the thread that refuses the call (closed mailbox).
    void finish(bool ok, QString error);

    const ShardId m_shard;
    mutable std::mutex m_mutex;
    std::condition_variable m_done;
    bool m_finished = false;
    bool m_abandoned = false;
    bool m_ok = false;
    QString m_error;
};

// Runs `fn` on every shard at once and waits for all (coordinator thread). Returns the
// shards that failed or did not answer by the deadline, with a reason each.
struct ShardFailure {
    ShardId shard;
    QString reason;
};
std::vector<ShardFailure> callAllShards(const std::vector<std::unique_ptr<Shard>> &shards, const ShardCall::Fn &fn,
                                        ShardCall::Clock::time_point deadline);

// The two halves of callAllShards, for a caller with work to do in between. Each shard's
// control lane is FIFO and runs before its queued requests, so what is posted here
// happens before anything the caller lets through afterwards.
using ShardCalls = std::vector<std::shared_ptr<ShardCall>>;
ShardCalls postAllShards(const std::vector<std::unique_ptr<Shard>> &shards, const ShardCall::Fn &fn);
std::vector<ShardFailure> waitAll(const ShardCalls &calls, ShardCall::Clock::time_point deadline);

} // namespace shardscope
