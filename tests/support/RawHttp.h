#pragma once

#include <QByteArray>
#include <QDeadlineTimer>
#include <QList>
#include <QPair>

#include <optional>

namespace shardscope::test {

// One response as read off the wire.
struct RawResponse {
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers; // names lower-cased
    QByteArray body;
    QByteArray header(const QByteArray &lowerName) const;
};

// A client on a plain blocking socket that sends exactly the bytes it is given: for
// tests of framing, pipelining and limits that a well-behaved client library would
// never produce. Every wait is bounded.
class RawConnection
{
public:
    // `receiveBuffer` > 0 sets SO_RCVBUF before connecting (a client that reads slowly).
    explicit RawConnection(quint16 port, int receiveBuffer = 0);
    ~RawConnection();
    RawConnection(const RawConnection &) = delete;
    RawConnection &operator=(const RawConnection &) = delete;

    bool connected() const { return m_fd >= 0; }
    int fd() const { return m_fd; }
    // Sends all of `bytes`; false if the peer closed or reset first.
    bool send(const QByteArray &bytes, int timeoutMs = 5000);
    // Sends as much as the socket takes without blocking; the count sent, -1 on error.
    qint64 sendSome(const QByteArray &bytes);
    void shutdownWrite();
    // The next response (Content-Length framed; HEAD: `bodyless`), or nullopt on timeout/close.
    std::optional<RawResponse> read(int timeoutMs = 5000, bool bodyless = false);
    // True once the server has closed (EOF or reset) within the time; unread data is dropped.
    bool waitClosed(int timeoutMs);
    // Bytes received and not yet parsed.
    const QByteArray &pending() const { return m_in; }

private:
    bool fill(int timeoutMs); // false on timeout, EOF or error
    std::optional<RawResponse> readOne(QDeadlineTimer deadline, bool bodyless);
    int m_fd = -1;
    QByteArray m_in;
    bool m_eof = false;
};

// Resident memory of this process in KiB (VmRSS).
qint64 residentKiB();

} // namespace shardscope::test
