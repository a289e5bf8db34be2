#include "tests/support/StreamBlockingProxy.h"

#include <QHostAddress>
#include <QTcpSocket>

namespace shardscope::test {
namespace {
const char *kBuffer = "shardscope_proxy_buffer";
const char *kHolding = "shardscope_proxy_holding";

qsizetype contentLength(const QByteArray &head)
{
    for (const QByteArray &line : head.split('\n')) {
        const QByteArray l = line.trimmed().toLower();
        if (l.startsWith("content-length:"))
            return l.mid(15).trimmed().toLongLong();
    }
    return 0;
}
} // namespace

StreamBlockingProxy::StreamBlockingProxy(quint16 upstreamPort, Mode mode, QObject *parent)
    : QTcpServer(parent)
    , m_upstreamPort(upstreamPort)
    , m_mode(mode)
{
    connect(this, &QTcpServer::newConnection, this, &StreamBlockingProxy::onConnection);
    listen(QHostAddress::LocalHost, 0);
}

void StreamBlockingProxy::onConnection()
{
    while (QTcpSocket *client = nextPendingConnection()) {
        auto *upstream = new QTcpSocket(client);
        upstream->connectToHost(QHostAddress::LocalHost, m_upstreamPort);
        connect(client, &QTcpSocket::readyRead, this, [this, client, upstream] { onClientData(client, upstream); });
        connect(upstream, &QTcpSocket::readyRead, client, [client, upstream] { client->write(upstream->readAll()); });
        connect(upstream, &QTcpSocket::disconnected, client, &QTcpSocket::disconnectFromHost);
        connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
    }
}

void StreamBlockingProxy::onClientData(QTcpSocket *client, QTcpSocket *upstream)
{
    client->setProperty(kBuffer, QByteArray(client->property(kBuffer).toByteArray() + client->readAll()));
    while (!client->property(kHolding).toBool() && takeRequest(client, upstream)) {
    }
}

bool StreamBlockingProxy::takeRequest(QTcpSocket *client, QTcpSocket *upstream)
{
    QByteArray buffer = client->property(kBuffer).toByteArray();
    const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return false;
    const QByteArray head = buffer.left(headEnd);
    const qsizetype size = headEnd + 4 + contentLength(head);
    if (buffer.size() < size)
        return false;
    const QByteArray request = buffer.left(size);
    client->setProperty(kBuffer, buffer.mid(size));
    const QList<QByteArray> requestLine = head.left(head.indexOf("\r\n")).split(' ');
    const bool stream = requestLine.size() >= 2 && requestLine[1].startsWith("/v1/stream");
    if (!stream || m_mode == Mode::PassThrough) {
        ++m_forwarded;
        upstream->write(request);
        return true;
    }
    ++m_streamRequests;
    if (m_mode == Mode::HoldStream) {
        client->setProperty(kHolding, true); // never answered; the client gives up
        return false;
    }
    const QByteArray body = R"({"code":404,"message":"this proxy does not pass event streams"})";
    client->write("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
                  + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    client->disconnectFromHost();
    return false;
}

} // namespace shardscope::test
