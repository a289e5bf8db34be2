#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace shardscope {

// Latencies of a shard's most recent requests. record() on the shard thread only;
// percentiles are recomputed at most every 100 ms and published as atomics.
class LatencyWindow
{
public:
    void record(std::uint32_t micros, std::chrono::steady_clock::time_point now);
    std::uint32_t p50() const { return m_p50.load(std::memory_order_relaxed); }
    std::uint32_t p99() const { return m_p99.load(std::memory_order_relaxed); }

private:
    void publish();

    static constexpr std::size_t kSize = 512;
    static constexpr std::chrono::milliseconds kPublishEvery{100};
    std::array<std::uint32_t, kSize> m_samples{};
    std::size_t m_count = 0;
    std::size_t m_next = 0;
    std::chrono::steady_clock::time_point m_lastPublish{};
    std::atomic<std::uint32_t> m_p50{0};
    std::atomic<std::uint32_t> m_p99{0};
};

} // namespace shardscope
