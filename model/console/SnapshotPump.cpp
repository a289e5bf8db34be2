#include "model/console/SnapshotPump.h"

#include "model/client/BackendClient.h"

#include <utility>

namespace shardscope {

namespace {
constexpr std::size_t kEventsPerFrame = 2000;
}

SnapshotPump::SnapshotPump(BackendClient &client, FrameSink sink, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_sink(std::move(sink))
{
    m_timer.setInterval(kFrameInterval);
    connect(&m_timer, &QTimer::timeout, this, &SnapshotPump::tick);
}

void SnapshotPump::start()
{
    m_timer.start();
    tick();
}

void SnapshotPump::stop()
{
    m_timer.stop();
}

void SnapshotPump::tick()
{
    m_frameClock.start();
    ServiceSnapshot snapshot = m_client.snapshot();
    // A burst of events is spread over frames rather than handled in one long frame.
    std::vector<ServiceEvent> events = m_client.eventsSince(m_lastSeq, kEventsPerFrame);
    if (!events.empty())
        m_lastSeq = events.back().seq;
    m_sink(snapshot, events);
    m_worstFrameUs = std::max<qint64>(m_worstFrameUs, m_frameClock.nsecsElapsed() / 1000);
    m_awaitingPaint = true;
}

void SnapshotPump::framePainted()
{
    if (!m_awaitingPaint)
        return;
    m_awaitingPaint = false;
    m_worstFrameUs = std::max<qint64>(m_worstFrameUs, m_frameClock.nsecsElapsed() / 1000);
}

qint64 SnapshotPump::takeWorstFrameUs()
{
    return std::exchange(m_worstFrameUs, 0);
}

} // namespace shardscope
