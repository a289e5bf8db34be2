#include "backend/runtime/DrainSignal.h"

namespace shardscope {

bool DrainSignal::waitUntil(const std::function<bool()> &done, Clock::time_point deadline)
{
    m_waiters.fetch_add(1, std::memory_order_seq_cst);
    bool result;
    {
        std::unique_lock lock(m_mutex);
        result = m_rung.wait_until(lock, deadline, done);
    }
    m_waiters.fetch_sub(1, std::memory_order_seq_cst);
    return result;
}

void DrainSignal::ring()
{
    // Taking the lock orders this ring after a waiter's check or after it sleeps: a ring
    // between the two cannot be lost.
    { std::lock_guard lock(m_mutex); }
    m_rung.notify_all();
}

} // namespace shardscope
