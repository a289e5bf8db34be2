#include "backend/http/HttpReply.h"

#include "backend/http/HttpConnection.h"

#include <QJsonDocument>

namespace shardscope {

bool HttpStream::write(const QByteArray &bytes)
{
    return m_connection && m_connection->streamWrite(m_seq, bytes);
}

bool HttpStream::open() const
{
    return m_connection && m_connection->goneFlag() && !m_connection->goneFlag()->load(std::memory_order_acquire);
}

qsizetype HttpStream::unsent() const
{
    return m_connection ? m_connection->unsent() : 0;
}

void HttpStream::close(const char *why)
{
    if (m_connection)
        m_connection->abort(why);
}

HttpReply::HttpReply(HttpConnection *connection, quint64 seq, const HttpRequest &request)
    : m_connection(connection)
    , m_seq(seq)
    , m_headOnly(request.method == "HEAD")
    , m_keepAlive(request.keepAlive)
    , m_http10(request.minorVersion == 0)
    , m_sent(false)
{
}

HttpReply::HttpReply(HttpReply &&other) noexcept
    : m_connection(std::move(other.m_connection))
    , m_seq(other.m_seq)
    , m_headOnly(other.m_headOnly)
    , m_keepAlive(other.m_keepAlive)
    , m_http10(other.m_http10)
    , m_sent(std::exchange(other.m_sent, true))
{
}

HttpReply &HttpReply::operator=(HttpReply &&other) noexcept
{
    if (this != &other) {
        if (!m_sent)
            sendError(503, QStringLiteral("the service is shutting down"));
        m_connection = std::move(other.m_connection);
        m_seq = other.m_seq;
        m_headOnly = other.m_headOnly;
        m_keepAlive = other.m_keepAlive;
        m_http10 = other.m_http10;
        m_sent = std::exchange(other.m_sent, true);
    }
    return *this;
}

HttpReply::~HttpReply()
{
    if (!m_sent)
        sendError(503, QStringLiteral("the service is shutting down"));
}

void HttpReply::send(int status, const QByteArray &contentType, const QByteArray &body, const HeaderPairs &extra)
{
    if (m_sent)
        return;
    m_sent = true;
    if (m_connection) {
        m_connection->complete(m_seq, serializeResponse(status, contentType, body, extra, m_keepAlive,
                                                        m_http10 && m_keepAlive, m_headOnly),
                               !m_keepAlive);
    }
}

void HttpReply::sendJson(int status, const QJsonObject &body, const HeaderPairs &extra)
{
    send(status, "application/json", QJsonDocument(body).toJson(QJsonDocument::Compact), extra);
}

void HttpReply::sendError(int status, const QString &message, const HeaderPairs &extra)
{
    sendJson(status, QJsonObject{{QStringLiteral("code"), status}, {QStringLiteral("message"), message}}, extra);
}

HttpStream HttpReply::beginStream(const HeaderPairs &headers)
{
    HttpStream stream;
    if (m_sent || !m_connection)
        return stream;
    m_sent = true;
    QByteArray head = "HTTP/1.1 200 OK\r\n";
    for (const auto &h : headers)
        head += h.first + ": " + h.second + "\r\n";
    head += "Connection: close\r\n\r\n"; // the body ends when the connection does
    if (m_headOnly) {
        m_connection->complete(m_seq, head, true);
        return stream;
    }
    m_connection->beginStream(m_seq, head);
    stream.m_connection = m_connection;
    stream.m_seq = m_seq;
    return stream;
}

QString HttpReply::client() const
{
    return m_connection ? m_connection->peer() : QString();
}

std::shared_ptr<const std::atomic<bool>> HttpReply::goneFlag() const
{
    return m_connection ? m_connection->goneFlag() : std::make_shared<const std::atomic<bool>>(true);
}

} // namespace shardscope
