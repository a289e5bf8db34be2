#include "tests/support/HttpTestClient.h"

#include <QJsonDocument>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace shardscope::test {

QByteArray HttpTestClient::Response::header(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

QJsonObject HttpTestClient::Response::json() const
{
    return QJsonDocument::fromJson(body).object();
}

HttpTestClient::HttpTestClient(QByteArray host, std::uint16_t port, int timeoutMs)
    : m_host(std::move(host))
    , m_port(port)
    , m_timeoutMs(timeoutMs)
{
}

HttpTestClient::~HttpTestClient()
{
    disconnect();
}

void HttpTestClient::disconnect()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    m_buffer.clear();
}

bool HttpTestClient::ensureConnected()
{
    if (m_fd >= 0)
        return true;
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr = {};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(m_port);
    ::inet_pton(AF_INET, m_host.constData(), &addr.sin_addr);
    if (::connect(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        disconnect();
        return false;
    }
    int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return true;
}

bool HttpTestClient::sendAll(const QByteArray &bytes)
{
    qsizetype sent = 0;
    while (sent < bytes.size()) {
        const auto n = ::send(m_fd, bytes.constData() + sent, std::size_t(bytes.size() - sent), MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        sent += n;
    }
    return true;
}

bool HttpTestClient::fill()
{
    pollfd p{m_fd, POLLIN, 0};
    if (::poll(&p, 1, m_timeoutMs) <= 0)
        return false;
    char chunk[16384];
    const auto n = ::recv(m_fd, chunk, sizeof chunk, 0);
    if (n <= 0)
        return false;
    m_buffer.append(chunk, n);
    return true;
}

HttpTestClient::Response HttpTestClient::readResponse()
{
    Response r;
    qsizetype headerEnd;
    while ((headerEnd = m_buffer.indexOf("\r\n\r\n")) < 0) {
        if (!fill()) {
            disconnect();
            return r;
        }
    }
    const QList<QByteArray> lines = m_buffer.left(headerEnd).split('\n');
    const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
    r.status = statusLine.value(1).toInt();
    qsizetype length = 0;
    bool closeAfter = false;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon < 0)
            continue;
        const QByteArray name = lines[i].left(colon).trimmed();
        const QByteArray value = lines[i].mid(colon + 1).trimmed();
        r.headers.append({name, value});
        if (name.compare("content-length", Qt::CaseInsensitive) == 0)
            length = value.toLongLong();
        if (name.compare("connection", Qt::CaseInsensitive) == 0 && value.compare("close", Qt::CaseInsensitive) == 0)
            closeAfter = true;
    }
    m_buffer.remove(0, headerEnd + 4);
    while (m_buffer.size() < length) {
        if (!fill()) {
            r.status = 0;
            disconnect();
            return r;
        }
    }
    r.body = m_buffer.left(length);
    m_buffer.remove(0, length);
    if (closeAfter)
        disconnect();
    return r;
}

HttpTestClient::Response HttpTestClient::request(const QByteArray &method, const QByteArray &path, const QByteArray &body,
                                                 const QList<QPair<QByteArray, QByteArray>> &extraHeaders)
{
    QByteArray req = method + ' ' + path + " HTTP/1.1\r\nHost: " + m_host + "\r\nContent-Length: " +
                     QByteArray::number(body.size()) + "\r\n";
    if (!body.isEmpty())
        req += "Content-Type: application/json\r\n";
    for (const auto &h : extraHeaders)
        req += h.first + ": " + h.second + "\r\n";
    req += "\r\n" + body;
    return raw(req);
}

HttpTestClient::Response HttpTestClient::postJson(const QByteArray &path, const QJsonObject &body)
{
    return post(path, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

HttpTestClient::Response HttpTestClient::raw(const QByteArray &bytes)
{
    // Retries once, and only when a reused keep-alive connection turned out closed before
    // any byte of an answer came back; a fresh connection's failure is reported as is.
    for (int attempt = 0; attempt < 2; ++attempt) {
        const bool reused = m_fd >= 0;
        if (!ensureConnected())
            return {};
        if (!sendAll(bytes)) {
            disconnect();
            if (reused)
                continue;
            return {};
        }
        Response r = readResponse();
        if (r.status != 0 || !reused || !m_buffer.isEmpty())
            return r;
    }
    return {};
}

} // namespace shardscope::test
