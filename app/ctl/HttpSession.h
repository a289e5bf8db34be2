#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QUrl>

#include <functional>

namespace shardscope {

// Blocking HTTP calls for the command-line client: each call runs a local event loop
// until the reply (or the timeout) arrives. Never used on a GUI thread.
class HttpSession
{
public:
    struct Reply {
        int status = 0;      // 0: the service could not be reached
        QByteArray body;
        QString networkError;
        QJsonObject json() const;
        QString message() const; // the service's {"message"} or the network error
    };

    HttpSession(QUrl base, QByteArray token, int timeoutMs = 10000);

    Reply get(const QString &path);
    Reply post(const QString &path, const QJsonObject &body = {});
    // Reads Server-Sent Events from `path` and hands each (event, data) to `onEvent`
    // until it returns false or the stream ends. Returns false if the stream failed.
    bool stream(const QString &path, const std::function<bool(const QByteArray &event, const QByteArray &data)> &onEvent,
                QString *error);

private:
    Reply send(QNetworkRequest request, const QByteArray &verb, const QByteArray &body);
    QNetworkRequest request(const QString &path) const;

    QUrl m_base;
    QByteArray m_token;
    int m_timeoutMs;
    QNetworkAccessManager m_manager;
};

} // namespace shardscope
