#pragma once

#include "model/client/BackendClient.h"
#include "model/client/RemoteTransport.h"
#include "backend/wire/ServiceHttp.h"
#include "model/client/ServicePoller.h"

#include <QNetworkAccessManager>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <deque>

class QNetworkReply;

namespace shardscope {

// BackendClient over HTTP for a service in another process: live snapshots and events
// from GET /v1/stream (or polling, see RemoteTransport), commands and queries as POSTs.
// A lost service is reported at once (connection() not live, connectionChanged) and
// retried with backoff; until it is back, snapshot() keeps returning the last one seen,
// which views must show as stale.
class RemoteBackendClient : public BackendClient
{
    Q_OBJECT
public:
    static constexpr int kDefaultPollIntervalMs = 500;
    static constexpr int kDefaultStreamRetryMs = 30000;

    RemoteBackendClient(QUrl base, QByteArray token, RemoteTransport transport = RemoteTransport::Auto,
                        QObject *parent = nullptr);
    ~RemoteBackendClient() override;

    // Tuning for tests and slow links; call before connectToService().
    void setPollIntervalMs(int ms) { m_pollTimer.setInterval(ms); }
    void setStreamRetryMs(int ms) { m_streamRetry.setInterval(ms); }

    void connectToService();

    ServiceSnapshot snapshot() override;
    std::vector<ServiceEvent> eventsSince(std::uint64_t afterSeq, std::size_t limit = 1000) override;
    QString endpoint() const override;
    RestartOptions restartDefaults() const override { return m_defaults; }
    ConnectionStatus connection() const override { return m_status; }
    bool isRemote() const override { return true; }

    void requestRestart(const RestartOptions &options) override;
    void abortRestart() override;
    void stopService() override;
    void startService() override;
    void submitQuery(QueryRequest request, ReplyFn reply) override;
    bool faultsEnabled() const override { return m_faultsEnabled; }
    void injectFault(const QJsonObject &fault) override;
    void fetchAudit() override;
    // Body bytes read from the event stream so far (what following the service costs the wire).
    quint64 streamBytesReceived() const { return m_streamBytes; }

private:
    void fetchStatus();
    void openStream();
    void onStreamData();
    void onStreamEnded();
    bool handleFrame(const QByteArray &event, const QByteArray &data);
    void startPolling(const QString &why);
    void stopPolling();
    void onPolled(const PollResult &result);
    void lost(const QString &why, LossCause cause);
    void addEvent(ServiceEvent event);
    bool takeSnapshot(ServiceSnapshot snapshot); // false: a new instance, read its events anew
    void setStatus(bool live, bool polling, const QString &detail);
    void command(const QString &name, const QString &path, const QJsonObject &body);
    void postQuery(const QueryRequest &request, const ReplyFn &reply);
    QNetworkRequest request(const QString &path) const;

    QUrl m_base;
    QByteArray m_token;
    QNetworkAccessManager m_manager;
    QPointer<QNetworkReply> m_stream;
    SseParser m_sse;
    QTimer m_reconnect;
    QTimer m_watchdog; // no frame for a while means the stream is gone, even if TCP says nothing
    int m_backoffMs = 250;
    RemoteTransport m_transport;
    bool m_streamDelivered = false; // the current stream attempt brought a snapshot
    ServicePoller m_poller;
    QTimer m_pollTimer;
    QTimer m_streamRetry; // while polling, try the stream again now and then
    QString m_pollReason;
    LossCause m_pollCause = LossCause::Other; // why the stream failed before polling began
    ServiceSnapshot m_snapshot;
    std::deque<ServiceEvent> m_events;
    // Events keep one numbering here across service instances: a new instance numbers
    // from 1 again, so its events are shifted past the ones already kept.
    std::uint64_t m_lastSeq = 0;    // ours, as eventsSince() sees it
    std::uint64_t m_serviceSeq = 0; // the current instance's, as its stream and poll take it
    std::uint64_t m_seqBase = 0;
    std::int64_t m_instanceStartMs = 0;
    RestartOptions m_defaults;
    bool m_faultsEnabled = false;
    ConnectionStatus m_status{false, 0, QStringLiteral("connecting")};
    quint64 m_streamBytes = 0;
};

} // namespace shardscope
