#pragma once

#include "backend/http/HttpMessage.h"

#include <QJsonObject>
#include <QPointer>
#include <QString>

#include <atomic>
#include <memory>

namespace shardscope {

class HttpConnection;

// The open body of a GET /v1/stream reply: server-sent events until the client goes.
class HttpStream
{
public:
    HttpStream() = default;
    // False once the client is gone (then the handle can be dropped).
    bool write(const QByteArray &bytes);
    bool open() const;
    // Bytes written and not yet taken by the client.
    qsizetype unsent() const;
    void close(const char *why);

private:
    friend class HttpReply;
    QPointer<HttpConnection> m_connection;
    quint64 m_seq = 0;
};

// The answer owed to one request (defined in HttpConnection.cpp): send it exactly once, now or later, from the
// network thread. The connection puts it on the wire in request order. Dropped unsent
// (the service went away before answering), it answers 503 itself, so no client waits
// for a reply that will never come.
class HttpReply
{
public:
    HttpReply(HttpConnection *connection, quint64 seq, const HttpRequest &request);
    HttpReply(HttpReply &&other) noexcept;
    HttpReply &operator=(HttpReply &&other) noexcept;
    HttpReply(const HttpReply &) = delete;
    HttpReply &operator=(const HttpReply &) = delete;
    ~HttpReply();

    void send(int status, const QByteArray &contentType, const QByteArray &body, const HeaderPairs &extra = {});
    void sendJson(int status, const QJsonObject &body, const HeaderPairs &extra = {});
    void sendError(int status, const QString &message, const HeaderPairs &extra = {});
    // 200 with the given headers and a body that lasts as long as the connection.
    HttpStream beginStream(const HeaderPairs &headers);

    bool sent() const { return m_sent; }
    // "ip:port" of the client, empty once it is gone.
    QString client() const;
    // Raised when the client's connection is gone.
    std::shared_ptr<const std::atomic<bool>> goneFlag() const;

private:
    QPointer<HttpConnection> m_connection;
    quint64 m_seq = 0;
    bool m_headOnly = false;
    bool m_keepAlive = true;
    bool m_http10 = false;
    bool m_sent = true; // a moved-from reply owes nothing
};

} // namespace shardscope
