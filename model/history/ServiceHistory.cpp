#include "model/history/ServiceHistory.h"

#include "backend/types/ServiceSnapshot.h"

#include <algorithm>

namespace shardscope {
namespace {

// Counters restart from zero when an actor is re-created: count from the new value then.
quint64 delta(quint64 now, quint64 before) { return now >= before ? now - before : now; }

double perSecond(quint64 count, qint64 intervalMs)
{
    return intervalMs > 0 ? double(count) * 1000.0 / double(intervalMs) : 0.0;
}

} // namespace

ServiceHistory::ServiceHistory(std::size_t capacity, qint64 periodMs)
    : m_capacity(capacity)
    , m_periodMs(periodMs)
    , m_times(capacity)
    , m_totals(capacity)
{
}

bool ServiceHistory::maybeSample(const ServiceSnapshot &snapshot)
{
    if (m_peakQueue.size() != snapshot.shards.size()) {
        m_peakQueue.assign(snapshot.shards.size(), 0);
        m_peakTotalQueue = 0;
    }
    quint64 total = 0;
    for (std::size_t i = 0; i < snapshot.shards.size(); ++i) {
        m_peakQueue[i] = std::max(m_peakQueue[i], snapshot.shards[i].queueDepth);
        total += snapshot.shards[i].queueDepth;
    }
    m_peakTotalQueue = std::max(m_peakTotalQueue, total);
    if (!m_times.empty() && snapshot.takenAtMs - m_lastSampleMs < m_periodMs)
        return false;
    sample(snapshot);
    return true;
}

void ServiceHistory::sample(const ServiceSnapshot &snapshot)
{
    const std::size_t n = snapshot.shards.size();
    const bool first = m_times.empty() || n != m_shards.size();
    if (n != m_shards.size()) {
        m_times.reset(m_capacity);
        m_totals.reset(m_capacity);
        m_shards.assign(n, HistoryRing<ShardSample>(m_capacity));
        m_lastProcessed.assign(n, 0);
        m_lastFailed.assign(n, 0);
    }
    const bool newInstance = m_lastStartMs != 0 && snapshot.startTimeMs != 0 && snapshot.startTimeMs != m_lastStartMs;
    const bool silent = snapshot.takenAtMs - m_lastSampleMs > kSilentPeriods * m_periodMs;
    TotalSample total;
    total.gapBefore = !first && (m_gapPending || newInstance || silent);
    total.intervalMs = first || total.gapBefore ? 0 : snapshot.takenAtMs - m_lastSampleMs;
    m_gapPending = false;
    m_lastStartMs = snapshot.startTimeMs;
    for (std::size_t i = 0; i < n; ++i) {
        const ShardSnapshot &s = snapshot.shards[i];
        ShardSample sample;
        // The deepest frame since the last sample (maybeSample), or this one's.
        sample.queueDepth = i < m_peakQueue.size() ? std::max(m_peakQueue[i], s.queueDepth) : s.queueDepth;
        if (!first) {
            sample.processedDelta = quint32(std::min<quint64>(delta(s.processed, m_lastProcessed[i]), UINT32_MAX));
            sample.failedDelta = quint32(std::min<quint64>(delta(s.failed, m_lastFailed[i]), UINT32_MAX));
        }
        sample.hasLatency = s.workLatency.samples > 0 && s.state != ShardState::Canceled && s.state != ShardState::Failed
            && s.state != ShardState::Stopped;
        sample.workP99Us = sample.hasLatency ? s.workLatency.p99Us : 0;
        if (sample.hasLatency) {
            total.hasLatency = true;
            total.worstWorkP99Us = std::max(total.worstWorkP99Us, sample.workP99Us);
        }
        m_lastProcessed[i] = s.processed;
        m_lastFailed[i] = s.failed;
        total.queueDepth += sample.queueDepth;
        total.processedDelta += sample.processedDelta;
        total.failedDelta += sample.failedDelta;
        m_shards[i].push(sample);
    }
    total.queueDepth = std::max(total.queueDepth, m_peakTotalQueue);
    std::fill(m_peakQueue.begin(), m_peakQueue.end(), 0);
    m_peakTotalQueue = 0;
    m_times.push(snapshot.takenAtMs);
    m_totals.push(total);
    m_lastSampleMs = snapshot.takenAtMs;
}

void ServiceHistory::addGaps(ChartLines &lines) const
{
    for (std::size_t i = 1; i < m_times.size(); ++i) {
        if (m_totals.at(i).gapBefore)
            lines.gaps.emplace_back(double(m_times.at(i - 1)), double(m_times.at(i)));
    }
}

ChartLines ServiceHistory::totals() const
{
    ChartLines lines;
    for (std::size_t i = 0; i < m_times.size(); ++i) {
        const double t = double(m_times.at(i));
        const TotalSample &s = m_totals.at(i);
        lines.queueDepth.emplace_back(t, double(s.queueDepth));
        if (s.hasLatency)
            lines.workP99Ms.emplace_back(t, s.worstWorkP99Us / 1000.0);
        if (s.intervalMs > 0) {
            lines.throughput.emplace_back(t, perSecond(s.processedDelta, s.intervalMs));
            lines.errors.emplace_back(t, perSecond(s.failedDelta, s.intervalMs));
        }
    }
    addGaps(lines);
    return lines;
}

ChartLines ServiceHistory::forShard(int row) const
{
    ChartLines lines;
    if (row < 0 || std::size_t(row) >= m_shards.size())
        return lines;
    const HistoryRing<ShardSample> &ring = m_shards[std::size_t(row)];
    for (std::size_t i = 0; i < ring.size() && i < m_times.size(); ++i) {
        const double t = double(m_times.at(i));
        const ShardSample &s = ring.at(i);
        const qint64 interval = m_totals.at(i).intervalMs;
        lines.queueDepth.emplace_back(t, double(s.queueDepth));
        if (s.hasLatency)
            lines.workP99Ms.emplace_back(t, s.workP99Us / 1000.0);
        if (interval > 0) {
            lines.throughput.emplace_back(t, perSecond(s.processedDelta, interval));
            lines.errors.emplace_back(t, perSecond(s.failedDelta, interval));
        }
    }
    addGaps(lines);
    return lines;
}

} // namespace shardscope
