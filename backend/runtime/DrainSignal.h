#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

namespace shardscope {

// Where a drain waits for "no request in flight": shards ring it when their in-flight count
// drops to zero, and an abort rings it so that a waiting drain gives up at once.
// Ringing costs one atomic load while nobody waits. Shared by every shard of a service.
class DrainSignal
{
public:
    using Clock = std::chrono::steady_clock;

    // Any thread. Blocks until `done` holds (true) or `deadline` passes (false). `done` runs
    // under the lock after every ring, so it must be cheap; the in-flight counts it reads
    // must be loaded seq_cst (see shardIdle).
    bool waitUntil(const std::function<bool()> &done, Clock::time_point deadline);

    // The thread that finished a shard's last request in flight (usually the shard's own),
    // right after its seq_cst decrement reached zero. The waiter adds itself (seq_cst)
    // before it loads the counts, and this loads the waiter count after the decrement: one
    // of the two sees the other, so a drain cannot sleep through its end.
    void shardIdle()
    {
        if (m_waiters.load(std::memory_order_seq_cst) > 0)
            ring();
    }

    // Any thread. Wakes every waiter to check its condition again (set the condition first).
    void ring();

    // Any thread: how many wait now; for tests and diagnostics.
    int waiters() const { return m_waiters.load(); }

private:
    std::atomic<int> m_waiters{0};
    std::mutex m_mutex;
    std::condition_variable m_rung;
};

} // namespace shardscope
