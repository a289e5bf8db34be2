#pragma once

// A byte pipe in front of a real etcd for watch streams, with the faults a stream meets:
// a link that goes silent without closing (half-open), a line etcd sends split across two
// TCP segments, and a message injected into the stream (etcd's {"canceled": true}).
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <vector>

namespace shardscope::test {

class EtcdStreamProxy : public QTcpServer
{
public:
    explicit EtcdStreamProxy(quint16 etcdPort)
        : m_etcdPort(etcdPort)
    {
        listen(QHostAddress::LocalHost, 0);
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *c = nextPendingConnection())
                pipe(c);
        });
    }

    // The sockets go first, silenced: a late "disconnected" must not reach m_links as it goes.
    ~EtcdStreamProxy() override
    {
        for (Link &l : m_links) {
            for (QTcpSocket *socket : {l.upstream.data(), l.client.data()}) {
                if (socket)
                    socket->disconnect();
            }
            delete l.client.data(); // the upstream socket is its child
        }
    }

    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(serverPort())); }
    // Connections open now stop receiving anything; later ones pass.
    void silenceOpen() { for (auto &l : m_links) l.silent = true; }
    // Splits etcd's bytes inside the next "events" word, the rest 100 ms later.
    void splitEvents(bool on) { m_split = on; }
    // One chunk of the chunked HTTP body, to every open client.
    void inject(const QByteArray &line)
    {
        for (auto &l : m_links) {
            if (l.client && !l.silent)
                l.client->write(QByteArray::number(line.size(), 16) + "\r\n" + line + "\r\n");
        }
    }

private:
    struct Link {
        QPointer<QTcpSocket> client;
        QPointer<QTcpSocket> upstream;
        bool silent = false;
    };

    void pipe(QTcpSocket *client)
    {
        auto *upstream = new QTcpSocket(client);
        upstream->connectToHost(QHostAddress::LocalHost, m_etcdPort);
        const std::size_t index = m_links.size();
        m_links.push_back({client, upstream});
        connect(client, &QTcpSocket::readyRead, upstream, [client, upstream] { upstream->write(client->readAll()); });
        connect(upstream, &QTcpSocket::readyRead, client, [this, index, client, upstream] { toClient(index, *client, upstream->readAll()); });
        connect(upstream, &QTcpSocket::disconnected, client, [this, index, client] {
            if (!m_links[index].silent)
                client->disconnectFromHost();
        });
        connect(client, &QTcpSocket::disconnected, upstream, &QTcpSocket::disconnectFromHost);
    }

    void toClient(std::size_t index, QTcpSocket &client, const QByteArray &bytes)
    {
        if (m_links[index].silent)
            return;
        const qsizetype at = bytes.indexOf("events");
        if (!m_split || at < 0)
            return void(client.write(bytes));
        client.write(bytes.left(at + 3));
        client.flush();
        QTimer::singleShot(100, &client, [c = &client, rest = bytes.mid(at + 3)] { c->write(rest); });
    }

    quint16 m_etcdPort;
    bool m_split = false;
    std::vector<Link> m_links;
};

} // namespace shardscope::test
