#pragma once

#include <QObject>
#include <QTimer>

#include <chrono>
#include <cstdint>

namespace shardscope {

class BackendClient;
class ConsoleModel;

// Pulls the newest snapshot and the new events from the service at a fixed frame rate
// and hands them to the models in one batch (ksystemstats' constexpr timer; qBittorrent's
// "drain a batch"). The GUI never waits: snapshot() and eventsSince() do not block.
class SnapshotPump : public QObject
{
    Q_OBJECT
public:
    static constexpr std::chrono::milliseconds kFrameInterval{50}; // about 20 Hz

    SnapshotPump(BackendClient &client, ConsoleModel &model, QObject *parent = nullptr);

    void start();
    void stop();
    bool isRunning() const { return m_timer.isActive(); }
    // One frame: public so tests can step frames without a timer.
    void tick();
    std::uint64_t lastEventSeq() const { return m_lastSeq; }
    // The longest frame (pull + models, not painting) since the last call, in microseconds:
    // the figure that says whether 20 Hz still fits with 1024 shards.
    qint64 takeWorstFrameUs();

private:
    BackendClient &m_client;
    ConsoleModel &m_model;
    QTimer m_timer;
    std::uint64_t m_lastSeq = 0;
    qint64 m_worstFrameUs = 0;
};

} // namespace shardscope
