#pragma once

#include "model/history/HistoryRing.h"

#include <QPointF>
#include <QtGlobal>

#include <cstdint>
#include <utility>
#include <vector>

namespace shardscope {

struct ServiceSnapshot;

// Lines for the charts, x in epoch ms.
struct ChartLines {
    std::vector<QPointF> queueDepth;
    std::vector<QPointF> throughput; // answered requests per second
    std::vector<QPointF> errors;     // failed requests per second
    // p99 over the shard's work (no sleep), ms; for all shards the slowest shard's. No
    // point where there were no samples.
    std::vector<QPointF> workP99Ms;
    // Spans [from, to] with no data (an outage, a new service instance): the lines break
    // there rather than bridge it, and no rate is averaged over one.
    std::vector<std::pair<double, double>> gaps;
};

// The last few minutes of queue depth, throughput and errors, for all shards and per
// shard, sampled at a fixed period (slower than the frame rate: charts need no 20 Hz).
class ServiceHistory
{
public:
    static constexpr std::size_t kDefaultCapacity = 600; // 5 minutes at 2 Hz
    static constexpr qint64 kDefaultPeriodMs = 500;
    // No sample for this many periods is a gap too, whatever the connection said.
    static constexpr qint64 kSilentPeriods = 10;

    explicit ServiceHistory(std::size_t capacity = kDefaultCapacity, qint64 periodMs = kDefaultPeriodMs);

    // Takes a sample when a period has passed since the last one; true if it did. Every
    // call counts toward the queue's peak: a queue that fills and empties between two
    // samples still shows as its deepest frame.
    bool maybeSample(const ServiceSnapshot &snapshot);
    void sample(const ServiceSnapshot &snapshot);
    // The service was out of reach: the next sample starts the lines anew.
    void markGap() { m_gapPending = true; }

    std::size_t size() const { return m_times.size(); }
    std::size_t capacity() const { return m_times.capacity(); }
    qint64 periodMs() const { return m_periodMs; }
    ChartLines totals() const;
    ChartLines forShard(int row) const;

private:
    struct ShardSample {
        quint32 queueDepth = 0;
        quint32 processedDelta = 0;
        quint32 failedDelta = 0;
        quint32 workP99Us = 0;
        bool hasLatency = false;
    };
    struct TotalSample {
        quint64 queueDepth = 0;
        quint64 processedDelta = 0;
        quint64 failedDelta = 0;
        quint32 worstWorkP99Us = 0;
        bool hasLatency = false;
        qint64 intervalMs = 0; // 0 after a gap: no rate across it
        bool gapBefore = false;
    };
    void addGaps(ChartLines &lines) const;
    std::size_t m_capacity;
    qint64 m_periodMs;
    qint64 m_lastSampleMs = 0;
    std::int64_t m_lastStartMs = 0; // the service instance of the last sample
    bool m_gapPending = false;
    HistoryRing<qint64> m_times;
    HistoryRing<TotalSample> m_totals;
    std::vector<HistoryRing<ShardSample>> m_shards;
    std::vector<quint64> m_lastProcessed;
    std::vector<quint64> m_lastFailed;
    // Deepest queue seen in frames since the last sample, per shard and in total.
    std::vector<quint32> m_peakQueue;
    quint64 m_peakTotalQueue = 0;
};

} // namespace shardscope
