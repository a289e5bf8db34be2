#pragma once

#include <QTcpServer>

class QTcpSocket;

namespace shardscope::test {

// An HTTP proxy on 127.0.0.1 in front of a service, standing in for the proxies that
// break event streams: it forwards every request but GET /v1/stream, which it refuses
// (404) or holds without a byte (a buffering proxy), as its mode says. Requests are
// parsed one by one, so a kept-alive connection cannot slip a stream past it.
class StreamBlockingProxy : public QTcpServer
{
    Q_OBJECT
public:
    enum class Mode { PassThrough, RefuseStream, HoldStream };

    StreamBlockingProxy(quint16 upstreamPort, Mode mode, QObject *parent = nullptr);

    void setMode(Mode mode) { m_mode = mode; }
    int streamRequests() const { return m_streamRequests; }
    int forwardedRequests() const { return m_forwarded; }

private:
    void onConnection();
    void onClientData(QTcpSocket *client, QTcpSocket *upstream);
    // Hands the next complete request in `buffer` to `forward` or blocks it; false when
    // the buffer holds no complete request yet.
    bool takeRequest(QTcpSocket *client, QTcpSocket *upstream);

    quint16 m_upstreamPort;
    Mode m_mode;
    int m_streamRequests = 0;
    int m_forwarded = 0;
};

} // namespace shardscope::test
