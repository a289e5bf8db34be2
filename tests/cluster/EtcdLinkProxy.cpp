#include "tests/cluster/EtcdLinkProxy.h"

#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace shardscope::test {

enum class Link { Open, Cut, Swallow };

struct EtcdLinkProxy::State {
    QTcpServer server;
    quint16 upstream = 0;
    Link link = Link::Open;
    QByteArray path;                     // Swallow: only replies to requests on this path
    QList<QPointer<QTcpSocket>> sockets; // both ends of every pair
    QList<QPointer<QTcpSocket>> tainted; // clients that lost reply bytes
};

namespace {

void closeAll(QList<QPointer<QTcpSocket>> &sockets)
{
    for (const auto &s : std::exchange(sockets, {})) {
        if (s)
            s->abort();
    }
}

void pair(EtcdLinkProxy::State &state, QTcpSocket *client)
{
    auto *upstream = new QTcpSocket(client);
    auto swallowing = std::make_shared<bool>(false); // the connection's current request
    state.sockets << client << upstream;
    QObject::connect(client, &QTcpSocket::readyRead, client, [&state, client, upstream, swallowing] {
        const QByteArray bytes = client->readAll();
        if (bytes.startsWith("POST ") || bytes.startsWith("GET ")) // a new request on this connection
            *swallowing = state.link == Link::Swallow && bytes.mid(bytes.indexOf(' ') + 1).startsWith(state.path);
        upstream->write(bytes);
    });
    QObject::connect(upstream, &QTcpSocket::readyRead, client, [&state, client, upstream, swallowing] {
        const QByteArray bytes = upstream->readAll();
        if (*swallowing || (state.link == Link::Swallow && state.path.isEmpty())) {
            state.tainted << client;
            return;
        }
        client->write(bytes);
    });
    QObject::connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
    QObject::connect(upstream, &QTcpSocket::disconnected, client, [client] { client->disconnectFromHost(); });
    upstream->connectToHost(QStringLiteral("127.0.0.1"), state.upstream);
}

} // namespace

EtcdLinkProxy::EtcdLinkProxy(quint16 upstreamPort)
    : m_context(std::make_unique<QObject>())
{
    m_context->moveToThread(&m_thread);
    m_thread.start();
    onThread([this, upstreamPort] {
        m_state = std::make_unique<State>();
        m_state->upstream = upstreamPort;
        State &s = *m_state;
        QObject::connect(&s.server, &QTcpServer::newConnection, &s.server, [&s] {
            while (QTcpSocket *client = s.server.nextPendingConnection()) {
                if (s.link == Link::Cut) {
                    client->abort();
                    client->deleteLater();
                } else {
                    pair(s, client);
                }
            }
        });
        s.server.listen(QHostAddress::LocalHost, 0);
        m_port = s.server.serverPort();
    });
}

EtcdLinkProxy::~EtcdLinkProxy()
{
    onThread([this] {
        closeAll(m_state->sockets);
        m_state.reset();
    });
    m_thread.quit();
    m_thread.wait();
}

void EtcdLinkProxy::onThread(std::function<void()> f)
{
    if (QThread::currentThread() == &m_thread)
        return f();
    QMetaObject::invokeMethod(m_context.get(), std::move(f), Qt::BlockingQueuedConnection);
}

void EtcdLinkProxy::cut()
{
    onThread([this] {
        m_state->link = Link::Cut;
        closeAll(m_state->sockets);
    });
}

void EtcdLinkProxy::swallow(const QByteArray &path, int forMs)
{
    onThread([this, path, forMs] {
        m_state->link = Link::Swallow;
        m_state->path = path;
        if (forMs > 0)
            QTimer::singleShot(forMs, m_context.get(), [this] { heal(); });
    });
}

void EtcdLinkProxy::heal()
{
    onThread([this] {
        m_state->link = Link::Open;
        m_state->path.clear();
        closeAll(m_state->tainted);
    });
}

void EtcdLinkProxy::setUpstream(quint16 port)
{
    onThread([this, port] {
        m_state->upstream = port;
        closeAll(m_state->sockets);
    });
}

} // namespace shardscope::test
