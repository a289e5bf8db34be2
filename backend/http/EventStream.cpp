#include "backend/http/EventStream.h"

#include "backend/ShardService.h"
#include "backend/wire/JsonCodec.h"

#include <QJsonDocument>

namespace shardscope {
namespace {

// A client that stops reading is dropped rather than buffered without bound.
constexpr qint64 kMaxBufferedBytes = 8 * 1024 * 1024;

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
    : QObject(parent)
    , m_service(service)
{
    m_timer.setInterval(kTick);
    connect(&m_timer, &QTimer::timeout, this, &EventStream::tick);
}

void EventStream::subscribe(HttpStream stream, std::uint64_t sinceSeq, bool withSnapshots)
{
    m_subscribers.push_back({std::move(stream), sinceSeq, withSnapshots});
    if (!m_timer.isActive())
        m_timer.start();
    tick(); // the first frame at once, so a client never starts blind
}

void EventStream::tick()
{
    std::erase_if(m_subscribers, [](Subscriber &s) {
        if (!s.stream.open())
            return true;
        if (s.stream.unsent() > kMaxBufferedBytes) {
            s.stream.close("the stream client does not read");
            return true;
        }
        return false;
    });
    if (m_subscribers.empty()) {
        m_timer.stop();
        return;
    }
    QByteArray snapshotFrame;
    for (const Subscriber &s : m_subscribers) {
        if (s.withSnapshots) {
            const ServiceSnapshot snapshot = m_service.snapshot();
            QJsonObject data = toJson(snapshot);
            data.insert(QStringLiteral("status"), statusJson(snapshot, m_service.restartRunning()));
            snapshotFrame = frame("snapshot", data);
            break;
        }
    }
    for (Subscriber &s : m_subscribers) {
        QByteArray out = s.withSnapshots ? snapshotFrame : QByteArray(": keep-alive\n\n");
        for (const ServiceEvent &e : m_service.events().since(s.lastSeq, 2000)) {
            out += frame("event", toJson(e), e.seq);
            s.lastSeq = e.seq;
        }
        s.stream.write(out);
    }
}

} // namespace shardscope
