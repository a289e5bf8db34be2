#pragma once

#include "backend/wire/NodeSummary.h"
#include "backend/wire/ServiceHttp.h"
#include "model/client/BackendClient.h"

#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

class QNetworkReply;

namespace shardscope {

// Follows one node through GET /v1/stream?view=summary: a NodeSummary when a shard
// state changes, else about once a second. Lost (refused, closed, or no frame within
// kWatchdogMs) is said at once and retried with backoff, like RemoteBackendClient's stream.
class NodeSummaryClient : public QObject
{
    Q_OBJECT
public:
    // The node sends a frame at least every second: two missed say it does not answer, so
    // a stopped node is named within the fleet console's 3 s.
    static constexpr int kWatchdogMs = 2000;

    NodeSummaryClient(QUrl base, QByteArray token, QObject *parent = nullptr);
    ~NodeSummaryClient() override;

    void start();
    // Closes the stream; not live until started again and a summary arrived.
    void stop();
    bool running() const { return m_running; }
    bool live() const { return m_status.live; }
    QString detail() const { return m_status.detail; } // why not live
    // Live, or why not (refused, no answer, closed) and the newest frame's time.
    const ConnectionStatus &connection() const { return m_status; }
    const NodeSummary &summary() const { return m_summary; }
    bool hasSummary() const { return m_has; }
    // Body bytes read from the node's stream so far (what following it costs the wire).
    quint64 bytesReceived() const { return m_bytes; }

Q_SIGNALS:
    void summaryReceived();
    void liveChanged(bool live);

private:
    void open();
    void onData();
    void onEnded();
    void setLive(bool live, const QString &detail, LossCause cause = LossCause::None);

    QUrl m_base;
    QByteArray m_token;
    QNetworkAccessManager m_manager;
    QPointer<QNetworkReply> m_stream;
    SseParser m_sse;
    QTimer m_reconnect;
    QTimer m_watchdog;
    int m_backoffMs = 250;
    bool m_running = false;
    bool m_has = false;
    ConnectionStatus m_status{false, 0, QStringLiteral("connecting")};
    NodeSummary m_summary;
    quint64 m_bytes = 0;
};

} // namespace shardscope
