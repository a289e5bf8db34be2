#include "backend/record/ProcedureLatencies.h"

#include "backend/types/ServiceSnapshot.h"

#include <algorithm>

namespace shardscope {

namespace {
constexpr std::chrono::milliseconds kPublishEvery{100};
}

void ProcedureLatencies::record(int slot, std::uint32_t micros, Clock::time_point now)
{
    if (slot < 0 || slot >= kLatencyProcedureCount)
        return;
    m_byProcedure[std::size_t(slot)].record(micros, now);
    if (slot != kSleepProcedureSlot)
        m_work.record(micros, now);
}

void ProcedureLatencies::fill(ShardSnapshot &snapshot) const
{
    for (std::size_t i = 0; i < m_byProcedure.size(); ++i)
        snapshot.procedureLatency[i] = m_byProcedure[i].figures();
    snapshot.workLatency = m_work.figures();
}

void ProcedureLatencies::Window::record(std::uint32_t micros, Clock::time_point now)
{
    m_samples[m_next] = micros;
    m_next = (m_next + 1) % kSize;
    m_count = std::min(m_count + 1, kSize);
    // The first sample publishes at once, so a shard never shows "no samples" after one.
    if (m_published.load(std::memory_order_relaxed) == 0 || now - m_lastPublish >= kPublishEvery) {
        m_lastPublish = now;
        publish();
    }
}

void ProcedureLatencies::Window::publish()
{
    std::array<std::uint32_t, kSize> sorted;
    std::copy_n(m_samples.begin(), m_count, sorted.begin());
    const auto begin = sorted.begin();
    const auto end = begin + std::ptrdiff_t(m_count);
    auto at = [&](double q) {
        auto nth = begin + std::ptrdiff_t(q * double(m_count - 1));
        std::nth_element(begin, nth, end);
        return *nth;
    };
    m_p50.store(at(0.50), std::memory_order_relaxed);
    m_p99.store(at(0.99), std::memory_order_relaxed);
    m_published.store(std::uint32_t(m_count), std::memory_order_relaxed);
}

LatencyFigures ProcedureLatencies::Window::figures() const
{
    return {m_p50.load(std::memory_order_relaxed), m_p99.load(std::memory_order_relaxed),
            m_published.load(std::memory_order_relaxed)};
}

} // namespace shardscope
