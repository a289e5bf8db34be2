#pragma once

#include "backend/http/HttpReply.h"
#include "backend/wire/RequestDecoders.h"

#include <QObject>
#include <QTimer>

#include <vector>

namespace shardscope {

class ShardService;

// GET /v1/stream: Server-Sent Events carrying a snapshot every tick and every service
// event as it happens, so remote consoles and `shardscope ctl events --follow` see the
// service live without polling. Lives on the network thread.
//
// view=summary subscribers (a console following many nodes) get a NodeSummary frame on
// the tick after a shard state, version or phase changed; when only counters or queues
// changed, at most every kSummaryCounters; and at least every kSummaryHeartbeat, so a
// resting node costs its console a few hundred bytes a second. No events.
//
// Memory is bounded per subscriber and in total: a subscriber with more than
// `perSubscriber` bytes waiting is cut off, and while all subscribers together have more
// than `total` bytes waiting, the one with the most waiting is cut off (the slowest
// reader first). A cut-off subscriber's connection is closed; it gets no final event,
// since it would only wait behind what the client did not read. Each cut-off is counted
// in shardscope_stream_subscribers_cut_total{reason} and logged.
class EventStream : public QObject
{
    Q_OBJECT
public:
    static constexpr std::chrono::milliseconds kTick{100};
    static constexpr std::int64_t kSummaryCountersMs = 500;
    static constexpr std::int64_t kSummaryHeartbeatMs = 1000;
    struct Limits {
        qint64 perSubscriber = 8 * 1024 * 1024;
        qint64 total = 32 * 1024 * 1024; // 4 subscribers at their own limit
    };

    explicit EventStream(ShardService &service, QObject *parent = nullptr);
    EventStream(ShardService &service, Limits limits, QObject *parent = nullptr);

    // Takes over a stream whose SSE headers were written; sends events after `sinceSeq`.
    void subscribe(HttpStream stream, std::uint64_t sinceSeq, bool withSnapshots, StreamView view = StreamView::Full);
    std::size_t subscriberCount() const { return m_subscribers.size(); }
    // Prometheus text: subscribers, bytes waiting, cut-offs by reason.
    QByteArray metricsText() const;

private:
    struct Subscriber {
        HttpStream stream;
        std::uint64_t lastSeq;
        bool withSnapshots;
        StreamView view = StreamView::Full;
        bool cut = false;
        QByteArray summaryKey{};     // state key of the last summary sent
        QByteArray summaryFigures{}; // and its figures key
        std::int64_t summarySentMs = 0;
    };
    struct Summary {
        QByteArray key, figures, frame;
    };
    void tick();
    QByteArray snapshotFrame() const;
    Summary summaryFrame() const;
    QByteArray summaryFor(Subscriber &s, const Summary &summary, std::int64_t nowMs) const;
    // What `s` gets next: the snapshot (if it wants them), then the events it has not seen.
    QByteArray framesFor(Subscriber &s, const QByteArray &snapshot);
    // Writes to subscriber `index`, then cuts the slowest subscribers while the total is over its limit.
    void send(std::size_t index, const QByteArray &bytes);
    void cutSlowest();
    qint64 waitingBytes() const;

    ShardService &m_service;
    Limits m_limits;
    qint64 m_waiting = 0; // all subscribers' unsent bytes, as of the last write
    std::uint64_t m_cutSlow = 0;  // over its own limit
    std::uint64_t m_cutTotal = 0; // the slowest while all were over the total
    QTimer m_timer;
    std::vector<Subscriber> m_subscribers;
};

} // namespace shardscope
