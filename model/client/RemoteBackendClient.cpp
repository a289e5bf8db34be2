#include "model/client/RemoteBackendClient.h"

#include "model/client/LossCause.h"

#include "backend/record/EventLog.h"
#include "backend/types/Clock.h"
#include "backend/wire/JsonCodec.h"
#include "backend/wire/ServiceHttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>

namespace shardscope {
namespace {
constexpr int kMaxBackoffMs = 5000;
constexpr int kWatchdogMs = 3000;       // the stream sends a snapshot every 100 ms
constexpr std::size_t kEventsKept = 20000;

QueryStatus statusFromHttp(int code)
{
    switch (code) {
    case 200: return QueryStatus::Ok;
    case 400: return QueryStatus::BadRequest;
    case 404: return QueryStatus::NotFound;
    case 500: return QueryStatus::Internal;
    case 504: return QueryStatus::DeadlineExceeded;
    default: return QueryStatus::Unavailable;
    }
}
} // namespace

RemoteBackendClient::RemoteBackendClient(QUrl base, QByteArray token, RemoteTransport transport, QObject *parent)
    : BackendClient(parent)
    , m_base(std::move(base))
    , m_token(std::move(token))
    , m_transport(transport)
    , m_poller(m_manager, [this](const QString &path) { return request(path); })
{
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, &RemoteBackendClient::connectToService);
    m_watchdog.setSingleShot(true);
    m_watchdog.setInterval(kWatchdogMs);
    connect(&m_watchdog, &QTimer::timeout, this, [this] {
        if (m_stream)
            m_stream->abort(); // onStreamEnded reports and retries
    });
    m_pollTimer.setInterval(kDefaultPollIntervalMs);
    connect(&m_pollTimer, &QTimer::timeout, this, [this] { m_poller.poll(m_serviceSeq); });
    connect(&m_poller, &ServicePoller::polled, this, &RemoteBackendClient::onPolled);
    connect(&m_poller, &ServicePoller::failed, this, [this](const QString &why) {
        stopPolling();
        lost(m_pollReason.isEmpty() ? why : QStringLiteral("%1 (event stream: %2)").arg(why, m_pollReason), m_pollCause);
    });
    m_streamRetry.setSingleShot(true);
    m_streamRetry.setInterval(kDefaultStreamRetryMs);
    connect(&m_streamRetry, &QTimer::timeout, this, &RemoteBackendClient::openStream);
}

RemoteBackendClient::~RemoteBackendClient()
{
    if (m_stream) {
        disconnect(m_stream, nullptr, this, nullptr);
        m_stream->abort();
    }
}

void RemoteBackendClient::connectToService()
{
    fetchStatus();
    if (m_transport == RemoteTransport::Poll)
        startPolling(QStringLiteral("polling was asked for"));
    else
        openStream();
}

QNetworkRequest RemoteBackendClient::request(const QString &path) const
{
    return serviceRequest(m_base, path, m_token);
}

void RemoteBackendClient::fetchStatus()
{
    // The restart dialog needs the defaults before the first restart.
    QNetworkReply *status = m_manager.get(request(QStringLiteral("/v1/service/status")));
    connect(status, &QNetworkReply::finished, this, [this, status] {
        const QJsonObject json = QJsonDocument::fromJson(status->readAll()).object();
        if (json.contains(QStringLiteral("restart_defaults")))
            m_defaults = restartOptionsFromJson(json.value(QStringLiteral("restart_defaults")).toObject());
        m_faultsEnabled = json.value(QStringLiteral("faults_enabled")).toBool();
        status->deleteLater();
    });
}

void RemoteBackendClient::openStream()
{
    QNetworkRequest r = request(QStringLiteral("/v1/stream?since=%1").arg(m_serviceSeq));
    r.setRawHeader("Accept", "text/event-stream");
    m_sse.clear();
    m_streamDelivered = false;
    m_stream = m_manager.get(r);
    connect(m_stream, &QNetworkReply::readyRead, this, &RemoteBackendClient::onStreamData);
    connect(m_stream, &QNetworkReply::finished, this, &RemoteBackendClient::onStreamEnded);
    m_watchdog.start();
}

void RemoteBackendClient::onStreamData()
{
    const QByteArray bytes = m_stream->readAll();
    m_streamBytes += quint64(bytes.size());
    const bool sameInstance = m_sse.feed(bytes, [this](const QByteArray &event, const QByteArray &data) {
        return handleFrame(event, data);
    });
    if (sameInstance)
        return;
    // This stream started after the old instance's last event: open one from the start.
    disconnect(m_stream, nullptr, this, nullptr);
    m_stream->abort();
    m_stream->deleteLater();
    openStream();
}

bool RemoteBackendClient::handleFrame(const QByteArray &event, const QByteArray &data)
{
    const QJsonObject json = QJsonDocument::fromJson(data).object();
    if (event == "snapshot") {
        if (m_pollTimer.isActive())
            stopPolling(); // the stream flows again: it is the better path
        m_streamDelivered = true;
        const bool sameInstance = takeSnapshot(snapshotFromJson(json));
        m_backoffMs = 250;
        m_status.lastSeenMs = nowEpochMs();
        setStatus(true, false, {});
        m_watchdog.start();
        return sameInstance;
    }
    if (event == "event")
        addEvent(eventFromJson(json));
    return true;
}

bool RemoteBackendClient::takeSnapshot(ServiceSnapshot snapshot)
{
    // Another start time at the same address is another instance (restarted, or replaced).
    const bool newInstance = m_instanceStartMs != 0 && snapshot.startTimeMs != 0 && snapshot.startTimeMs != m_instanceStartMs;
    if (snapshot.startTimeMs != 0)
        m_instanceStartMs = snapshot.startTimeMs;
    m_snapshot = std::move(snapshot);
    if (!newInstance)
        return true;
    m_seqBase = m_lastSeq;
    m_serviceSeq = 0;
    return false;
}

void RemoteBackendClient::addEvent(ServiceEvent e)
{
    if (e.seq <= m_serviceSeq)
        return;
    m_serviceSeq = e.seq;
    e.seq += m_seqBase;
    m_lastSeq = e.seq;
    m_events.push_back(std::move(e));
    if (m_events.size() > kEventsKept)
        m_events.pop_front();
}

void RemoteBackendClient::onStreamEnded()
{
    QNetworkReply *reply = m_stream;
    const QString why = reply && reply->error() != QNetworkReply::NoError
        ? reply->errorString() : QStringLiteral("the service closed the event stream");
    // Nobody listening (or no such host) says the service is down, not that something
    // on the way blocks streams: polling would fail the same way.
    const bool serviceDown = reply
        && (reply->error() == QNetworkReply::ConnectionRefusedError || reply->error() == QNetworkReply::HostNotFoundError);
    const LossCause cause = reply ? lossCauseOf(reply->error()) : LossCause::Other;
    if (reply)
        reply->deleteLater();
    m_stream = nullptr;
    m_watchdog.stop();
    if (m_pollTimer.isActive()) {
        m_pollReason = why; // still unavailable; polling goes on
        m_streamRetry.start();
        return;
    }
    // A stream that never brought a frame may be blocked on the way while the service
    // is fine: in Auto, polling finds out (and says lost if the service is gone too).
    m_pollCause = cause;
    if (m_transport == RemoteTransport::Auto && !m_streamDelivered && !serviceDown)
        startPolling(why);
    else
        lost(why, cause);
}

void RemoteBackendClient::startPolling(const QString &why)
{
    m_pollReason = why;
    m_pollTimer.start();
    m_poller.poll(m_serviceSeq);
}

void RemoteBackendClient::stopPolling()
{
    m_pollTimer.stop();
    m_streamRetry.stop();
    m_poller.cancel();
}

void RemoteBackendClient::onPolled(const PollResult &result)
{
    // A new instance's events were asked for after the old one's last: ask from the start.
    const bool sameInstance = takeSnapshot(result.snapshot);
    if (sameInstance) {
        for (const ServiceEvent &e : result.events)
            addEvent(e);
    }
    m_backoffMs = 250;
    m_status.lastSeenMs = nowEpochMs();
    const QString every = QStringLiteral("every %1 s").arg(QString::number(m_pollTimer.interval() / 1000.0));
    const QString detail = m_transport == RemoteTransport::Poll
        ? QStringLiteral("%1, as asked (--transport poll)").arg(every)
        : QStringLiteral("%1: the event stream is unavailable (%2); retrying it every %3 s")
              .arg(every, m_pollReason, QString::number(m_streamRetry.interval() / 1000.0));
    setStatus(true, true, detail);
    if (m_transport == RemoteTransport::Auto && !m_stream && !m_streamRetry.isActive())
        m_streamRetry.start();
    if (result.moreEvents || !sameInstance)
        m_poller.poll(m_serviceSeq);
}

void RemoteBackendClient::lost(const QString &why, LossCause cause)
{
    m_status.cause = cause;
    setStatus(false, false, QStringLiteral("lost %1: %2; retrying in %3 s")
                                  .arg(m_base.toString(), why, QString::number(m_backoffMs / 1000.0)));
    m_reconnect.start(m_backoffMs);
    m_backoffMs = std::min(m_backoffMs * 2, kMaxBackoffMs);
}

void RemoteBackendClient::setStatus(bool live, bool polling, const QString &detail)
{
    const bool changed = m_status.live != live || m_status.polling != polling || m_status.detail != detail;
    m_status.live = live;
    if (live)
        m_status.cause = LossCause::None;
    m_status.polling = polling;
    m_status.detail = detail;
    if (changed)
        Q_EMIT connectionChanged(live);
}

ServiceSnapshot RemoteBackendClient::snapshot()
{
    return m_snapshot;
}

std::vector<ServiceEvent> RemoteBackendClient::eventsSince(std::uint64_t afterSeq, std::size_t limit)
{
    std::vector<ServiceEvent> out;
    for (const ServiceEvent &e : m_events) {
        if (e.seq > afterSeq && out.size() < limit)
            out.push_back(e);
    }
    return out;
}

QString RemoteBackendClient::endpoint() const
{
    return m_base.toString();
}

void RemoteBackendClient::command(const QString &name, const QString &path, const QJsonObject &body)
{
    QNetworkReply *reply = m_manager.post(request(path), body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact));
    connect(reply, &QNetworkReply::finished, this, [this, name, reply] {
        CommandResult r;
        r.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
        r.ok = r.httpStatus >= 200 && r.httpStatus < 300;
        r.restartId = std::uint64_t(json.value(QStringLiteral("restart_id")).toDouble());
        const QByteArray reason = json.value(QStringLiteral("reason")).toString().toUtf8();
        if (!r.ok)
            parseRefusal(std::string_view(reason.constData(), std::size_t(reason.size())), r.refusal);
        if (!r.ok)
            r.error = r.httpStatus == 0 ? reply->errorString() : json.value(QStringLiteral("message")).toString();
        reply->deleteLater();
        Q_EMIT commandFinished(name, r);
    });
}

void RemoteBackendClient::requestRestart(const RestartOptions &options)
{
    command(QStringLiteral("restart"), QStringLiteral("/v1/service/restart"), options.toJson());
}

void RemoteBackendClient::abortRestart()
{
    command(QStringLiteral("abort"), QStringLiteral("/v1/service/restart/abort"), {});
}

void RemoteBackendClient::stopService()
{
    command(QStringLiteral("stop"), QStringLiteral("/v1/service/stop"), {});
}

void RemoteBackendClient::startService()
{
    command(QStringLiteral("start"), QStringLiteral("/v1/service/start"), {});
}

void RemoteBackendClient::injectFault(const QJsonObject &fault)
{
    command(QStringLiteral("fault"), QStringLiteral("/v1/faults"), fault);
}

void RemoteBackendClient::fetchAudit()
{
    QNetworkReply *reply = m_manager.get(request(QStringLiteral("/v1/service/audit")));
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        const QJsonArray entries = QJsonDocument::fromJson(reply->readAll()).object().value(QStringLiteral("entries")).toArray();
        reply->deleteLater();
        Q_EMIT auditReceived(entries);
    });
}

void RemoteBackendClient::submitQuery(QueryRequest request, ReplyFn reply)
{
    // The network manager belongs to this object's thread; callers may be anywhere.
    QMetaObject::invokeMethod(this, [this, request = std::move(request), reply = std::move(reply)] { postQuery(request, reply); },
                              Qt::QueuedConnection);
}

void RemoteBackendClient::postQuery(const QueryRequest &query, const ReplyFn &reply)
{
    QJsonObject body{{QStringLiteral("procedure"), query.procedure}, {QStringLiteral("args"), query.args}};
    if (query.pinnedShard >= 0)
        body.insert(QStringLiteral("shard"), query.pinnedShard);
    QNetworkReply *r = m_manager.post(request(QStringLiteral("/v1/query")), QJsonDocument(body).toJson(QJsonDocument::Compact));
    connect(r, &QNetworkReply::finished, this, [r, reply] {
        const int code = r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject json = QJsonDocument::fromJson(r->readAll()).object();
        QueryReply answer;
        answer.status = statusFromHttp(code);
        answer.result = json.value(QStringLiteral("result"));
        answer.shard = json.contains(QStringLiteral("shard")) ? json.value(QStringLiteral("shard")).toInt() : -1;
        answer.version = Version(json.value(QStringLiteral("version")).toDouble());
        if (!answer.ok())
            answer.error = code == 0 ? r->errorString() : json.value(QStringLiteral("message")).toString();
        r->deleteLater();
        if (reply)
            reply(std::move(answer));
    });
}

} // namespace shardscope
