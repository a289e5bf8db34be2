#include "backend/http/EventStream.h"

#include "backend/ShardService.h"
#include "backend/types/Clock.h"
#include "backend/wire/JsonCodec.h"
#include "backend/wire/NodeSummary.h"

#include <QJsonDocument>

#include <algorithm>

#include <spdlog/spdlog.h>

namespace shardscope {
namespace {

QByteArray frame(const char *event, const QJsonObject &data, std::uint64_t id = 0)
{
    QByteArray out;
    if (id)
        out += "id: " + QByteArray::number(qulonglong(id)) + '\n';
    out += QByteArray("event: ") + event + "\ndata: " + QJsonDocument(data).toJson(QJsonDocument::Compact) + "\n\n";
    return out;
}

} // namespace

EventStream::EventStream(ShardService &service, QObject *parent)
    : EventStream(service, Limits{}, parent)
{
}

EventStream::EventStream(ShardService &service, Limits limits, QObject *parent)
    : QObject(parent)
    , m_service(service)
    , m_limits(limits)
{
    m_timer.setInterval(kTick);
    connect(&m_timer, &QTimer::timeout, this, &EventStream::tick);
}

void EventStream::subscribe(HttpStream stream, std::uint64_t sinceSeq, bool withSnapshots, StreamView view)
{
    m_subscribers.push_back({std::move(stream), sinceSeq, withSnapshots, view});
    if (!m_timer.isActive())
        m_timer.start();
    // The first frame at once, so a client never starts blind; to this subscriber only, so
    // that N subscribing never sends N frames to each of the others.
    m_waiting = waitingBytes();
    Subscriber &s = m_subscribers.back();
    if (view == StreamView::Summary)
        send(m_subscribers.size() - 1, summaryFor(s, summaryFrame(), nowEpochMs()));
    else
        send(m_subscribers.size() - 1, framesFor(s, withSnapshots ? snapshotFrame() : QByteArray()));
}

EventStream::Summary EventStream::summaryFrame() const
{
    const NodeSummary summary = summarize(m_service.snapshot());
    return {summary.stateKey(), summary.figuresKey(),
            "event: summary\ndata: " + QJsonDocument(toJson(summary)).toJson(QJsonDocument::Compact) + "\n\n"};
}

// A state change goes out at once; counters wait their turn; silence ends with a heartbeat.
QByteArray EventStream::summaryFor(Subscriber &s, const Summary &summary, std::int64_t nowMs) const
{
    const std::int64_t since = nowMs - s.summarySentMs;
    const bool due = s.summaryKey != summary.key || since >= kSummaryHeartbeatMs
                  || (since >= kSummaryCountersMs && s.summaryFigures != summary.figures);
    if (!due)
        return {};
    s.summaryKey = summary.key;
    s.summaryFigures = summary.figures;
    s.summarySentMs = nowMs;
    return summary.frame;
}

QByteArray EventStream::snapshotFrame() const
{
    const ServiceSnapshot snapshot = m_service.snapshot();
    QJsonObject data = toJson(snapshot);
    data.insert(QStringLiteral("status"), statusJson(snapshot, m_service.restartRunning()));
    return frame("snapshot", data);
}

QByteArray EventStream::framesFor(Subscriber &s, const QByteArray &snapshot)
{
    QByteArray out = s.withSnapshots ? snapshot : QByteArray(": keep-alive\n\n");
    for (const ServiceEvent &e : m_service.events().since(s.lastSeq, 2000)) {
        out += frame("event", toJson(e), e.seq);
        s.lastSeq = e.seq;
    }
    return out;
}

qint64 EventStream::waitingBytes() const
{
    qint64 sum = 0;
    for (const Subscriber &s : m_subscribers)
        sum += s.cut || !s.stream.open() ? 0 : s.stream.unsent();
    return sum;
}

void EventStream::cutSlowest()
{
    Subscriber *slowest = nullptr;
    for (Subscriber &s : m_subscribers) {
        if (!s.cut && s.stream.open() && (!slowest || s.stream.unsent() > slowest->stream.unsent()))
            slowest = &s;
    }
    if (!slowest) {
        m_waiting = 0;
        return;
    }
    const qint64 freed = slowest->stream.unsent();
    spdlog::warn("stream: {} subscribers hold {} bytes unread, over the limit of {}: the slowest ({} bytes behind) is cut off",
                 m_subscribers.size(), m_waiting, m_limits.total, freed);
    slowest->stream.close("the stream subscribers together hold too much unread");
    slowest->cut = true;
    ++m_cutTotal;
    m_waiting -= freed;
}

void EventStream::send(std::size_t index, const QByteArray &bytes)
{
    Subscriber &s = m_subscribers[index];
    const qint64 before = s.stream.unsent();
    s.stream.write(bytes);
    m_waiting += (s.stream.open() ? s.stream.unsent() : 0) - before;
    while (m_waiting > m_limits.total)
        cutSlowest();
}

void EventStream::tick()
{
    std::erase_if(m_subscribers, [this](Subscriber &s) {
        if (s.cut || !s.stream.open())
            return true;
        if (s.stream.unsent() > m_limits.perSubscriber) {
            s.stream.close("the stream client does not read");
            ++m_cutSlow;
            return true;
        }
        return false;
    });
    m_waiting = waitingBytes();
    if (m_subscribers.empty()) {
        m_timer.stop();
        return;
    }
    const auto any = [this](auto wanted) { return std::any_of(m_subscribers.begin(), m_subscribers.end(), wanted); };
    const bool anySnapshots = any([](const Subscriber &s) { return s.view == StreamView::Full && s.withSnapshots; });
    const bool anySummaries = any([](const Subscriber &s) { return s.view == StreamView::Summary; });
    const QByteArray snapshot = anySnapshots ? snapshotFrame() : QByteArray();
    const Summary summary = anySummaries ? summaryFrame() : Summary{};
    const std::int64_t nowMs = nowEpochMs();
    for (std::size_t i = 0; i < m_subscribers.size(); ++i) {
        Subscriber &s = m_subscribers[i];
        if (s.cut)
            continue;
        const QByteArray bytes = s.view == StreamView::Summary ? summaryFor(s, summary, nowMs) : framesFor(s, snapshot);
        if (!bytes.isEmpty())
            send(i, bytes);
    }
}

QByteArray EventStream::metricsText() const
{
    QByteArray out;
    out += "# HELP shardscope_stream_subscribers Clients subscribed to /v1/stream.\n"
           "# TYPE shardscope_stream_subscribers gauge\n"
           "shardscope_stream_subscribers " + QByteArray::number(qulonglong(m_subscribers.size())) + '\n';
    out += "# HELP shardscope_stream_unsent_bytes Bytes written to /v1/stream subscribers and not yet taken by them.\n"
           "# TYPE shardscope_stream_unsent_bytes gauge\n"
           "shardscope_stream_unsent_bytes " + QByteArray::number(waitingBytes()) + '\n';
    out += "# HELP shardscope_stream_subscribers_cut_total Stream subscribers closed for reading too slowly: "
           "reason=\"subscriber\" over their own limit, \"total\" the slowest while all together were over theirs.\n"
           "# TYPE shardscope_stream_subscribers_cut_total counter\n"
           "shardscope_stream_subscribers_cut_total{reason=\"subscriber\"} " + QByteArray::number(qulonglong(m_cutSlow)) + '\n'
        + "shardscope_stream_subscribers_cut_total{reason=\"total\"} " + QByteArray::number(qulonglong(m_cutTotal)) + '\n';
    return out;
}

} // namespace shardscope
