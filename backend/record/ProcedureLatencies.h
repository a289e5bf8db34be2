#pragma once

#include "backend/types/ProcedureLatency.h"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace shardscope {

struct ShardSnapshot;

// A shard's latency by procedure, and over its work (every procedure but `sleep`).
// record() on the shard thread only; each window republishes its percentiles at most
// every 100 ms as atomics, which fill() reads from any thread.
class ProcedureLatencies
{
public:
    using Clock = std::chrono::steady_clock;

    void record(int slot, std::uint32_t micros, Clock::time_point now);
    void fill(ShardSnapshot &snapshot) const;

private:
    class Window
    {
    public:
        void record(std::uint32_t micros, Clock::time_point now);
        LatencyFigures figures() const;

    private:
        void publish();
        static constexpr std::size_t kSize = 128;
        std::array<std::uint32_t, kSize> m_samples{};
        std::size_t m_count = 0;
        std::size_t m_next = 0;
        Clock::time_point m_lastPublish{};
        std::atomic<std::uint32_t> m_p50{0}, m_p99{0}, m_published{0};
    };

    std::array<Window, kLatencyProcedureCount> m_byProcedure;
    Window m_work;
};

} // namespace shardscope
