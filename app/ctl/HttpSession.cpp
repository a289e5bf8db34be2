#include "app/ctl/HttpSession.h"

#include "backend/wire/ServiceHttp.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QTimer>

namespace shardscope {

QJsonObject HttpSession::Reply::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QString HttpSession::Reply::message() const
{
    if (status == 0)
        return networkError;
    const QString m = json().value(QStringLiteral("message")).toString();
    return m.isEmpty() ? QString::fromUtf8(body.left(200)) : m;
}

HttpSession::HttpSession(QUrl base, QByteArray token, int timeoutMs)
    : m_base(std::move(base))
    , m_token(std::move(token))
    , m_timeoutMs(timeoutMs)
{
}

QNetworkRequest HttpSession::request(const QString &path) const
{
    return serviceRequest(m_base, path, m_token);
}

HttpSession::Reply HttpSession::get(const QString &path)
{
    return send(request(path), "GET", {});
}

HttpSession::Reply HttpSession::post(const QString &path, const QJsonObject &body)
{
    return send(request(path), "POST", body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact));
}

HttpSession::Reply HttpSession::send(QNetworkRequest request, const QByteArray &verb, const QByteArray &body)
{
    request.setTransferTimeout(m_timeoutMs);
    QNetworkReply *reply = m_manager.sendCustomRequest(request, verb, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    Reply r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.body = reply->readAll();
    if (r.status == 0)
        r.networkError = QStringLiteral("cannot reach %1: %2").arg(m_base.toString(), reply->errorString());
    reply->deleteLater();
    return r;
}

bool HttpSession::stream(const QString &path, const std::function<bool(const QByteArray &, const QByteArray &)> &onEvent,
                         QString *error)
{
    QNetworkRequest r = request(path);
    r.setRawHeader("Accept", "text/event-stream");
    QNetworkReply *reply = m_manager.get(r);
    QEventLoop loop;
    SseParser parser;
    bool stopped = false;
    QObject::connect(reply, &QNetworkReply::readyRead, &loop, [&] {
        if (!stopped && !parser.feed(reply->readAll(), onEvent)) {
            stopped = true;
            reply->abort();
        }
    });
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const bool ok = stopped || reply->error() == QNetworkReply::NoError;
    if (!ok)
        *error = QStringLiteral("the event stream from %1 ended: %2").arg(m_base.toString(), reply->errorString());
    reply->deleteLater();
    return ok;
}

} // namespace shardscope
