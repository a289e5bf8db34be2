#include "model/shards/QueuePeak.h"

#include <algorithm>

namespace shardscope {

quint32 QueuePeak::add(qint64 atMs, quint32 depth, qint64 windowMs)
{
    if (atMs <= 0 || (!m_samples.empty() && atMs < m_samples.back().first))
        m_samples.clear();
    // A sample no deeper than the new one can never be the peak again.
    while (!m_samples.empty() && m_samples.back().second <= depth)
        m_samples.pop_back();
    m_samples.emplace_back(atMs, depth);
    const auto expired = std::find_if(m_samples.begin(), m_samples.end(),
                                      [&](const auto &s) { return s.first > atMs - windowMs; });
    m_samples.erase(m_samples.begin(), expired);
    return m_samples.front().second;
}

} // namespace shardscope
