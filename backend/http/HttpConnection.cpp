#include "backend/http/HttpConnection.h"

#include "backend/http/HttpReply.h"

#include <QDateTime>
#include <QJsonDocument>

#include <spdlog/spdlog.h>

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

namespace shardscope {
namespace {

constexpr qsizetype kReadChunk = 64 * 1024;
constexpr int kReadsPerWake = 4; // then let other connections have the thread
// After the probe, the client's reset comes within a round trip: look soon, then less often.
constexpr int kGoneFirstCheckMs = 2;
constexpr int kGoneMaxCheckMs = 1000;

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

void peerOf(qintptr fd, QHostAddress *address, quint16 *port)
{
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    if (::getpeername(int(fd), reinterpret_cast<sockaddr *>(&ss), &len) != 0)
        return;
    address->setAddress(reinterpret_cast<sockaddr *>(&ss));
    *port = ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6 *>(&ss)->sin6_port)
                                     : ntohs(reinterpret_cast<sockaddr_in *>(&ss)->sin_port);
}

} // namespace

HttpConnection::HttpConnection(qintptr fd, Limits limits, Dispatch dispatch, QObject *parent)
    : QObject(parent)
    , m_fd(fd)
    , m_limits(limits)
    , m_dispatch(std::move(dispatch))
    , m_readNotifier(fd, QSocketNotifier::Read)
    , m_writeNotifier(fd, QSocketNotifier::Write)
    , m_parser(limits.request)
{
    ::fcntl(int(fd), F_SETFL, ::fcntl(int(fd), F_GETFL) | O_NONBLOCK);
    const int one = 1;
    ::setsockopt(int(fd), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)); // whole replies go in one write
    peerOf(fd, &m_peer, &m_peerPort);
    m_lastActivity = m_lastWrite = nowMs();
    m_writeNotifier.setEnabled(false);
    m_goneCheck.setSingleShot(true);
    connect(&m_goneCheck, &QTimer::timeout, this, &HttpConnection::checkGone);
    connect(&m_readNotifier, &QSocketNotifier::activated, this, &HttpConnection::onReadable);
    connect(&m_writeNotifier, &QSocketNotifier::activated, this, &HttpConnection::onWritable);
}

HttpConnection::~HttpConnection()
{
    m_gone->store(true, std::memory_order_release);
    if (m_fd >= 0)
        ::close(int(m_fd));
}

QString HttpConnection::peer() const
{
    return QStringLiteral("%1:%2").arg(m_peer.toString()).arg(m_peerPort);
}

void HttpConnection::abort(const char *why)
{
    if (m_finished)
        return;
    if (!m_slots.empty() || unsent() > 0)
        spdlog::info("http: closing the connection from {}: {}", peer().toStdString(), why);
    finish();
}

void HttpConnection::onReadable()
{
    if (m_lingerSince || (!m_slots.empty() && m_slots.front().streaming)) {
        // Closing, or streaming: what the client still sends is read and dropped (so
        // that a last reply is not lost to a reset); its end is the client leaving.
        char sink[4096];
        const auto n = ::recv(int(m_fd), sink, sizeof(sink), 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
            finish();
        return;
    }
    readInput();
    if (!m_finished)
        processInput();
}

void HttpConnection::readInput()
{
    char buffer[kReadChunk];
    for (int i = 0; i < kReadsPerWake && !m_finished; ++i) {
        const auto n = ::recv(int(m_fd), buffer, sizeof(buffer), 0);
        if (n > 0) {
            m_lastActivity = nowMs();
            if (m_partialSince == 0)
                m_partialSince = m_lastActivity;
            m_parser.feed(buffer, n);
            if (n < kReadChunk || m_parser.buffered() >= kReadChunk)
                return;
            continue;
        }
        if (n == 0) {
            m_readEof = true; // the client may have only half-closed: its replies still go out
            m_readNotifier.setEnabled(false);
            return;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            abort("read error");
        return;
    }
}

void HttpConnection::processInput()
{
    if (m_processing || m_finished)
        return;
    m_processing = true;
    QPointer<HttpConnection> self(this);
    while (!m_stopParsing && int(m_slots.size()) < m_limits.pipelineDepth && unsent() < m_limits.outputHighWater) {
        const RequestParser::Status status = m_parser.next();
        if (status == RequestParser::Status::NeedMore) {
            if (m_parser.wantsContinue() && m_slots.empty()) {
                m_out += "HTTP/1.1 100 Continue\r\n\r\n";
                m_parser.continueSent();
                writeOut();
            }
            break;
        }
        const quint64 seq = m_nextSeq++;
        m_slots.push_back(Slot{seq, {}, false, false});
        if (status == RequestParser::Status::Error) {
            m_stopParsing = true;
            const auto &e = m_parser.error();
            spdlog::info("http: {} from {}: {}", e.status, peer().toStdString(), e.message.toStdString());
            HttpRequest bare;
            bare.keepAlive = false;
            HttpReply(this, seq, bare).sendError(e.status, e.message);
            break;
        }
        HttpRequest request = m_parser.take();
        m_slots.back().http11 = request.minorVersion >= 1;
        if (!request.keepAlive)
            m_stopParsing = true;
        HttpReply reply(this, seq, request);
        m_dispatch(std::move(request), std::move(reply));
        if (!self || m_finished)
            return;
    }
    m_partialSince = m_parser.midRequest() ? (m_partialSince ? m_partialSince : nowMs()) : 0;
    m_processing = false;
    if (m_readEof && m_slots.empty() && unsent() == 0)
        finish(); // nothing more can come and nothing is owed
    else if (m_readEof && !m_slots.empty())
        probeGone();
    else
        updateNotifiers();
}

void HttpConnection::probeGone()
{
    if (m_goneCheck.isActive() || m_goneCheck.interval() > 0)
        return; // probed already
    const Slot &front = m_slots.front();
    // Only between replies, and only to a client that must accept a 1xx (RFC 9110 15.2);
    // a stream's end is seen by its own read.
    if (!front.done && !front.streaming && front.data.isEmpty() && front.http11) {
        m_out += "HTTP/1.1 102 Processing\r\n\r\n";
        writeOut();
    }
    if (m_finished)
        return;
    m_goneCheck.start(kGoneFirstCheckMs);
    updateNotifiers();
}

void HttpConnection::checkGone()
{
    if (m_finished || m_slots.empty())
        return;
    tcp_info info{};
    socklen_t len = sizeof(info);
    if (::getsockopt(int(m_fd), IPPROTO_TCP, TCP_INFO, &info, &len) == 0 && info.tcpi_state == TCP_CLOSE) {
        abort("the client closed its connection before its replies");
        return;
    }
    m_goneCheck.start(std::min(m_goneCheck.interval() * 2, kGoneMaxCheckMs));
}

HttpConnection::Slot *HttpConnection::slot(quint64 seq)
{
    if (m_slots.empty() || seq < m_slots.front().seq)
        return nullptr;
    const auto i = std::size_t(seq - m_slots.front().seq);
    return i < m_slots.size() ? &m_slots[i] : nullptr;
}

void HttpConnection::complete(quint64 seq, QByteArray bytes, bool closeAfter)
{
    Slot *s = m_finished ? nullptr : slot(seq);
    if (!s)
        return;
    s->data += bytes;
    s->done = true;
    if (closeAfter)
        m_stopParsing = true;
    if (closeAfter && s == &m_slots.back())
        m_closeAfterFlush = true;
    flushSlots();
}

void HttpConnection::beginStream(quint64 seq, QByteArray head)
{
    Slot *s = m_finished ? nullptr : slot(seq);
    if (!s)
        return;
    s->data += head;
    s->streaming = true;
    m_stopParsing = true; // a stream is the connection's last reply
    flushSlots();
}

bool HttpConnection::streamWrite(quint64 seq, const QByteArray &bytes)
{
    Slot *s = m_finished ? nullptr : slot(seq);
    if (!s)
        return false;
    if (unsent() + s->data.size() > m_limits.outputLimit) {
        abort("stream client does not read");
        return false;
    }
    s->data += bytes;
    flushSlots();
    return !m_finished;
}

void HttpConnection::flushSlots()
{
    while (!m_slots.empty() && !m_finished) {
        Slot &front = m_slots.front();
        if (!front.data.isEmpty())
            m_out += std::exchange(front.data, {});
        if (!front.done)
            break;
        m_slots.pop_front();
    }
    writeOut();
    if (!m_finished && !m_processing)
        processInput(); // room in the pipeline again
}

void HttpConnection::writeOut()
{
    while (unsent() > 0 && !m_finished) {
        const auto n = ::send(int(m_fd), m_out.constData() + m_outOffset, std::size_t(unsent()), MSG_NOSIGNAL);
        if (n > 0) {
            m_outOffset += n;
            m_lastActivity = m_lastWrite = nowMs();
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        abort("the client is gone");
        return;
    }
    if (m_finished)
        return;
    if (unsent() == 0) {
        m_out.clear();
        m_outOffset = 0;
        m_lastWrite = nowMs();
        if (m_closeAfterFlush && m_slots.empty())
            closeGracefully();
    } else if (m_outOffset > 1024 * 1024) {
        m_out.remove(0, m_outOffset);
        m_outOffset = 0;
    }
    updateNotifiers();
}

void HttpConnection::onWritable()
{
    writeOut();
    if (!m_finished && !m_processing)
        processInput();
}

void HttpConnection::updateNotifiers()
{
    if (m_finished)
        return;
    m_writeNotifier.setEnabled(unsent() > 0);
    if (m_lingerSince) {
        m_readNotifier.setEnabled(true);
        return;
    }
    const bool room = !m_stopParsing && int(m_slots.size()) < m_limits.pipelineDepth
        && unsent() < m_limits.outputHighWater && m_parser.buffered() < kReadChunk;
    // A streaming connection still reads, only to see the client leave.
    const bool streaming = !m_slots.empty() && m_slots.front().streaming;
    m_readNotifier.setEnabled(!m_readEof && (room || streaming));
}

void HttpConnection::closeGracefully()
{
    if (m_lingerSince || m_finished)
        return;
    ::shutdown(int(m_fd), SHUT_WR);
    m_lingerSince = nowMs();
    if (m_readEof)
        finish();
    else
        updateNotifiers();
}

void HttpConnection::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_gone->store(true, std::memory_order_release);
    m_readNotifier.setEnabled(false);
    m_writeNotifier.setEnabled(false);
    ::close(int(m_fd));
    m_fd = -1;
    m_goneCheck.stop();
    const bool owed = !m_slots.empty() && !m_slots.front().streaming;
    m_slots.clear();
    if (owed && m_onAbandoned)
        m_onAbandoned(); // after the gone flag: the service refuses what it still holds
    deleteLater();
}

// HttpReply and HttpStream live here, beside the connection they write to.
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
