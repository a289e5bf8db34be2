#include "backend/runtime/LatencyWindow.h"

#include <algorithm>

namespace shardscope {

void LatencyWindow::record(std::uint32_t micros, std::chrono::steady_clock::time_point now)
{
    m_samples[m_next] = micros;
    m_next = (m_next + 1) % kSize;
    m_count = std::min(m_count + 1, kSize);
    if (now - m_lastPublish >= kPublishEvery) {
        m_lastPublish = now;
        publish();
    }
}

void LatencyWindow::publish()
{
    std::array<std::uint32_t, kSize> sorted;
    std::copy_n(m_samples.begin(), m_count, sorted.begin());
    auto begin = sorted.begin();
    auto end = begin + static_cast<std::ptrdiff_t>(m_count);
    auto at = [&](double q) {
        auto nth = begin + static_cast<std::ptrdiff_t>(q * static_cast<double>(m_count - 1));
        std::nth_element(begin, nth, end);
        return *nth;
    };
    m_p50.store(at(0.50), std::memory_order_relaxed);
    m_p99.store(at(0.99), std::memory_order_relaxed);
}

} // namespace shardscope
