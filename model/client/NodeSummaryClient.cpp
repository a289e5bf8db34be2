#include "model/client/NodeSummaryClient.h"

#include "model/client/LossCause.h"

#include <QDateTime>

#include <QJsonDocument>
#include <QNetworkReply>

namespace shardscope {
namespace {
constexpr int kMaxBackoffMs = 5000;
}

NodeSummaryClient::NodeSummaryClient(QUrl base, QByteArray token, QObject *parent)
    : QObject(parent)
    , m_base(std::move(base))
    , m_token(std::move(token))
{
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, &NodeSummaryClient::open);
    m_watchdog.setSingleShot(true);
    m_watchdog.setInterval(kWatchdogMs);
    connect(&m_watchdog, &QTimer::timeout, this, [this] {
        if (m_stream)
            m_stream->abort(); // onEnded reports and retries
    });
}

NodeSummaryClient::~NodeSummaryClient()
{
    m_running = false;
    if (m_stream) {
        disconnect(m_stream, nullptr, this, nullptr);
        m_stream->abort();
    }
}

void NodeSummaryClient::start()
{
    m_running = true;
    open();
}

void NodeSummaryClient::stop()
{
    m_running = false;
    m_reconnect.stop();
    m_watchdog.stop();
    if (m_stream) {
        disconnect(m_stream, nullptr, this, nullptr);
        m_stream->abort();
        m_stream->deleteLater();
    }
    setLive(false, QStringLiteral("not followed"));
}

void NodeSummaryClient::open()
{
    if (!m_running)
        return;
    QNetworkRequest r = serviceRequest(m_base, QStringLiteral("/v1/stream?view=summary"), m_token);
    r.setRawHeader("Accept", "text/event-stream");
    m_sse.clear();
    m_stream = m_manager.get(r);
    connect(m_stream, &QNetworkReply::readyRead, this, &NodeSummaryClient::onData);
    connect(m_stream, &QNetworkReply::finished, this, &NodeSummaryClient::onEnded);
    m_watchdog.start();
}

void NodeSummaryClient::onData()
{
    const QByteArray bytes = m_stream->readAll();
    m_bytes += quint64(bytes.size());
    bool fresh = false;
    m_sse.feed(bytes, [&](const QByteArray &event, const QByteArray &data) {
        NodeSummary s;
        if (event == "summary" && summaryFromJson(QJsonDocument::fromJson(data).object(), &s)) {
            m_summary = std::move(s);
            fresh = true;
        }
        return true;
    });
    if (!fresh)
        return;
    m_has = true;
    m_status.lastSeenMs = QDateTime::currentMSecsSinceEpoch();
    m_backoffMs = 250;
    m_watchdog.start();
    setLive(true, {});
    Q_EMIT summaryReceived();
}

void NodeSummaryClient::onEnded()
{
    QNetworkReply *reply = m_stream;
    const LossCause cause = reply ? lossCauseOf(reply->error()) : LossCause::Other;
    const QString why = reply && reply->error() != QNetworkReply::NoError ? reply->errorString()
                                                                          : QStringLiteral("the node closed the summary stream");
    if (reply)
        reply->deleteLater();
    m_stream = nullptr;
    m_watchdog.stop();
    setLive(false, QStringLiteral("lost %1: %2; retrying in %3 s").arg(m_base.toString(), why, QString::number(m_backoffMs / 1000.0)),
            cause);
    m_reconnect.start(m_backoffMs);
    m_backoffMs = std::min(m_backoffMs * 2, kMaxBackoffMs);
}

void NodeSummaryClient::setLive(bool live, const QString &detail, LossCause cause)
{
    const bool changed = m_status.live != live;
    m_status.live = live;
    m_status.detail = detail;
    m_status.cause = live ? LossCause::None : cause;
    if (changed)
        Q_EMIT liveChanged(live);
}

} // namespace shardscope
