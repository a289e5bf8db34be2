#include "model/client/ServicePoller.h"

#include "backend/wire/JsonCodec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace shardscope {
namespace {
// A round that hangs is a lost service, not a slow frame.
constexpr int kRoundTimeoutMs = 3000;

QString failureOf(QNetworkReply *reply, const QJsonParseError &parse)
{
    const int code = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() != QNetworkReply::NoError && code == 0)
        return reply->errorString();
    if (code != 200)
        return QStringLiteral("%1 answered HTTP %2").arg(reply->url().path()).arg(code);
    if (parse.error != QJsonParseError::NoError)
        return QStringLiteral("%1 answered malformed JSON: %2").arg(reply->url().path(), parse.errorString());
    return {};
}
} // namespace

ServicePoller::ServicePoller(QNetworkAccessManager &manager, RequestFn request, QObject *parent)
    : QObject(parent)
    , m_manager(manager)
    , m_request(std::move(request))
{
}

ServicePoller::~ServicePoller()
{
    cancel();
}

bool ServicePoller::poll(std::uint64_t sinceSeq)
{
    if (m_pending > 0)
        return false;
    m_result = {};
    m_error.clear();
    m_pending = 2;
    const auto get = [this](const QString &path) {
        QNetworkRequest r = m_request(path);
        r.setTransferTimeout(kRoundTimeoutMs);
        QNetworkReply *reply = m_manager.get(r);
        connect(reply, &QNetworkReply::finished, this, [this, reply] { onReplyFinished(reply); });
        return reply;
    };
    m_shards = get(QStringLiteral("/v1/service/shards"));
    m_events = get(QStringLiteral("/v1/service/events?since=%1&limit=%2").arg(sinceSeq).arg(kEventsPerPage));
    return true;
}

void ServicePoller::cancel()
{
    for (QNetworkReply *reply : {m_shards.data(), m_events.data()}) {
        if (reply) {
            disconnect(reply, nullptr, this, nullptr);
            reply->abort();
            reply->deleteLater();
        }
    }
    m_pending = 0;
}

void ServicePoller::onReplyFinished(QNetworkReply *reply)
{
    QJsonParseError parse{};
    const QJsonObject json = QJsonDocument::fromJson(reply->readAll(), &parse).object();
    const QString error = failureOf(reply, parse);
    if (!error.isEmpty() && m_error.isEmpty())
        m_error = error;
    if (error.isEmpty() && reply == m_shards) {
        m_result.snapshot = snapshotFromJson(json);
    } else if (error.isEmpty()) {
        const QJsonArray events = json.value(QStringLiteral("events")).toArray();
        for (const QJsonValue &e : events)
            m_result.events.push_back(eventFromJson(e.toObject()));
        m_result.moreEvents = events.size() >= kEventsPerPage;
    }
    reply->deleteLater();
    if (--m_pending == 0)
        finishRound();
}

void ServicePoller::finishRound()
{
    if (m_error.isEmpty())
        Q_EMIT polled(m_result);
    else
        Q_EMIT failed(m_error);
}

} // namespace shardscope
