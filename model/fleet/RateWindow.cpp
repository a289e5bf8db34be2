#include "model/fleet/RateWindow.h"

namespace shardscope {

void RateWindow::add(quint64 processed, quint64 failed, std::int64_t nowMs)
{
    if (!m_base || processed < m_base->processed || failed < m_base->failed || nowMs < m_base->atMs) {
        m_base = Reading{processed, failed, nowMs};
        m_requests.reset();
        m_errors.reset();
        return;
    }
    const std::int64_t span = nowMs - m_base->atMs;
    if (span < kWindowMs)
        return;
    const double seconds = double(span) / 1000.0;
    m_requests = double(processed - m_base->processed) / seconds;
    m_errors = double(failed - m_base->failed) / seconds;
    m_base = Reading{processed, failed, nowMs};
}

} // namespace shardscope
