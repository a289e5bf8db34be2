#pragma once

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <chrono>
#include <functional>

namespace shardscope {

// Keeps slow and half-open clients from holding the service: a connection idle for too
// long is closed, and so is one that trickles a request without ever finishing it
// (slowloris). A connection waiting for its own query's reply is never cut. Connections
// beyond a cap are refused at once. Lives on the network thread.
class ConnectionGuard : public QObject
{
    Q_OBJECT
public:
    struct Limits {
        std::chrono::milliseconds idle{120000};   // no byte either way
        std::chrono::milliseconds request{30000}; // from a request's first byte to our first byte back
        int maxConnections = 4096;
    };

    explicit ConnectionGuard(Limits limits, QObject *parent = nullptr);

    // True while `socket` waits for a reply the service owes it.
    void setAwaitingReply(std::function<bool(QTcpSocket *)> check) { m_awaitingReply = std::move(check); }
    // False if the connection was refused (over the cap).
    bool watch(QTcpSocket *socket);
    int watched() const { return int(m_sockets.size()); }

private:
    struct Watch {
        QPointer<QTcpSocket> socket;
        qint64 lastActivity = 0;
        qint64 requestStarted = 0; // 0 when no request is waiting for our answer
    };
    void sweep();

    Limits m_limits;
    QHash<QTcpSocket *, Watch> m_sockets;
    QTimer m_sweep;
    std::function<bool(QTcpSocket *)> m_awaitingReply;
};

// The listening socket the HTTP API binds: hands every accepted connection to the guard.
class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    GuardedTcpServer(ConnectionGuard &guard, QObject *parent = nullptr)
        : QTcpServer(parent)
        , m_guard(guard)
    {
    }
    QTcpSocket *nextPendingConnection() override;

private:
    ConnectionGuard &m_guard;
};

} // namespace shardscope
