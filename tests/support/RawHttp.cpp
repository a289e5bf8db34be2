#include "tests/support/RawHttp.h"

#include <QDeadlineTimer>
#include <QFile>

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace shardscope::test {

QByteArray RawResponse::header(const QByteArray &lowerName) const
{
    for (const auto &h : headers) {
        if (h.first == lowerName)
            return h.second;
    }
    return {};
}

RawConnection::RawConnection(quint16 port, int receiveBuffer)
{
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (m_fd < 0)
        return;
    if (receiveBuffer > 0)
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof(receiveBuffer));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) != 0) {
        ::close(m_fd);
        m_fd = -1;
    }
}

RawConnection::~RawConnection()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

bool RawConnection::send(const QByteArray &bytes, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    qsizetype off = 0;
    while (off < bytes.size()) {
        pollfd p{m_fd, POLLOUT, 0};
        if (::poll(&p, 1, int(deadline.remainingTime())) <= 0)
            return false;
        const auto n = ::send(m_fd, bytes.constData() + off, std::size_t(bytes.size() - off), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n <= 0)
            return false;
        off += n;
    }
    return true;
}

qint64 RawConnection::sendSome(const QByteArray &bytes)
{
    const auto n = ::send(m_fd, bytes.constData(), std::size_t(bytes.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0)
        return errno == EAGAIN ? 0 : -1;
    return n;
}

void RawConnection::shutdownWrite()
{
    ::shutdown(m_fd, SHUT_WR);
}

bool RawConnection::fill(int timeoutMs)
{
    if (m_eof)
        return false;
    pollfd p{m_fd, POLLIN, 0};
    if (::poll(&p, 1, std::max(0, timeoutMs)) <= 0)
        return false;
    char buffer[65536];
    const auto n = ::recv(m_fd, buffer, sizeof(buffer), MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return true;
    if (n <= 0) {
        m_eof = true;
        return false;
    }
    m_in.append(buffer, n);
    return true;
}

std::optional<RawResponse> RawConnection::read(int timeoutMs, bool bodyless)
{
    QDeadlineTimer deadline(timeoutMs);
    // An interim 102 (the service's probe of a half-closed client) is passed over, as a
    // client must (RFC 9110 15.2); a 100 Continue is left to the test that asked for it.
    for (;;) {
        auto r = readOne(deadline, bodyless);
        if (!r || r->status != 102)
            return r;
    }
}

std::optional<RawResponse> RawConnection::readOne(QDeadlineTimer deadline, bool bodyless)
{
    qsizetype headEnd = -1;
    while ((headEnd = m_in.indexOf("\r\n\r\n")) < 0) {
        if (!fill(int(deadline.remainingTime())))
            return std::nullopt;
    }
    RawResponse r;
    const QList<QByteArray> lines = m_in.left(headEnd).split('\n');
    const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
    r.status = statusLine.value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            r.headers.append({lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed()});
    }
    const qsizetype length = bodyless || r.status / 100 == 1 ? 0 : r.header("content-length").toLongLong();
    while (m_in.size() < headEnd + 4 + length) {
        if (!fill(int(deadline.remainingTime())))
            return std::nullopt;
    }
    r.body = m_in.mid(headEnd + 4, length);
    m_in.remove(0, headEnd + 4 + length);
    return r;
}

bool RawConnection::waitClosed(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    do { // at least one look, even with no time to wait
        if (!fill(int(deadline.remainingTime())) && m_eof)
            break;
        m_in.clear();
    } while (!m_eof && !deadline.hasExpired());
    return m_eof;
}

qint64 residentKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

} // namespace shardscope::test
