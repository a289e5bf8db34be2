#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace shardscope {

// The stripe of the calling thread: threads are dealt stripes in turn, so up to
// kCounterStripes threads (the shards, the network thread) each write their own.
inline constexpr std::size_t kCounterStripes = 16;
std::size_t threadCounterStripe();

// N counters that many threads add to without sharing a cache line: each thread adds to
// its own stripe, a reader sums the stripes. Counts on the request path are written by
// every shard thread; one shared line made each count a cross-core transfer.
template <std::size_t N>
class StripedCounters
{
public:
    // Adds `n` to counter `i` in the calling thread's stripe; returns that stripe's value
    // before the addition.
    std::uint64_t add(std::size_t i, std::uint64_t n = 1, std::memory_order order = std::memory_order_relaxed)
    {
        return m_stripes[threadCounterStripe()].values[i].fetch_add(n, order);
    }
    // Subtracts on the calling thread's stripe (modulo 2^64, so the sum stays right).
    void sub(std::size_t i, std::uint64_t n = 1, std::memory_order order = std::memory_order_relaxed)
    {
        m_stripes[threadCounterStripe()].values[i].fetch_sub(n, order);
    }
    std::uint64_t sum(std::size_t i, std::memory_order order = std::memory_order_relaxed) const
    {
        std::uint64_t total = 0;
        for (const Stripe &s : m_stripes)
            total += s.values[i].load(order);
        return total;
    }

private:
    struct alignas(64) Stripe {
        std::array<std::atomic<std::uint64_t>, N> values{};
    };
    std::array<Stripe, kCounterStripes> m_stripes;
};

} // namespace shardscope
