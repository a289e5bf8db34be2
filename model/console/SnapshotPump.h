#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

namespace shardscope {

class BackendClient;
struct ServiceEvent;
struct ServiceSnapshot;

// Pulls the newest snapshot and the new events from the service at a fixed frame rate
// and hands them to the models in one batch (ksystemstats' constexpr timer; qBittorrent's
// "drain a batch"). The GUI never waits: snapshot() and eventsSince() do not block.
class SnapshotPump : public QObject
{
    Q_OBJECT
public:
    static constexpr std::chrono::milliseconds kFrameInterval{50}; // about 20 Hz

    // Receives one frame: the newest snapshot and the events since the previous frame.
    using FrameSink = std::function<void(const ServiceSnapshot &, const std::vector<ServiceEvent> &)>;

    SnapshotPump(BackendClient &client, FrameSink sink, QObject *parent = nullptr);

    void start();
    void stop();
    bool isRunning() const { return m_timer.isActive(); }
    // One frame: public so tests can step frames without a timer.
    void tick();
    std::uint64_t lastEventSeq() const { return m_lastSeq; }
    // The views call this once the window has been repainted after a frame.
    void framePainted();
    // The longest frame since the last call, in microseconds: from the snapshot's pull to
    // the window painted (to the models updated when nothing was repainted). The figure
    // that says whether 20 Hz still fits with 1024 shards; pulling and the models are a
    // small part of it, layout and painting the rest (bench_console, issue 5).
    qint64 takeWorstFrameUs();

private:
    BackendClient &m_client;
    FrameSink m_sink;
    QTimer m_timer;
    std::uint64_t m_lastSeq = 0;
    qint64 m_worstFrameUs = 0;
    QElapsedTimer m_frameClock; // since the current frame's pull
    bool m_awaitingPaint = false;
};

} // namespace shardscope
