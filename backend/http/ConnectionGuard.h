#pragma once

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QTcpServer>
#include <QTimer>

#include <chrono>
#include <functional>
#include <vector>

namespace shardscope {

class HttpConnection;

// Keeps slow, idle and greedy clients from holding the service. Closes a connection
// that idles too long, one that trickles a request without finishing it (slowloris),
// and one whose replies the client stops reading. A connection waiting for the service
// to answer it is never cut for idling. Connections are capped overall and per client
// address; at a cap the longest-idle connection (nothing owed either way) makes room
// for the new one, so a crowd of idle connections cannot lock out the console, `ctl`
// or a health check. Lives on the network thread.
class ConnectionGuard : public QObject
{
    Q_OBJECT
public:
    struct Limits {
        std::chrono::milliseconds idle{120000};   // no byte either way, nothing owed
        std::chrono::milliseconds request{30000}; // a request unfinished, or replies unread, this long
        std::chrono::milliseconds linger{2000};   // after our last reply, for the client's last bytes
        int maxConnections = 4096;
        int maxPerAddress = 1024;
    };

    explicit ConnectionGuard(Limits limits, QObject *parent = nullptr);

    // Room for one more connection from `address`: true if there is (closing an idle
    // one if a cap is reached), false if every connection in the way is busy.
    bool makeRoom(const QHostAddress &address);
    void watch(HttpConnection *connection);
    int watched() const { return int(m_connections.size()); }

private:
    void sweep();
    void forget(HttpConnection *connection, const QHostAddress &address);
    // The connection to close for room, or null; `from` limits it to one address.
    HttpConnection *evictable(const QHostAddress *from) const;

    Limits m_limits;
    std::vector<HttpConnection *> m_connections;
    QHash<QHostAddress, int> m_perAddress;
    QTimer m_sweep;
};

// The listening socket: every accepted connection goes through the guard, then to
// `accept`; one the guard has no room for gets a 503 and is closed.
class HttpListener : public QTcpServer
{
    Q_OBJECT
public:
    HttpListener(ConnectionGuard &guard, std::function<void(qintptr)> accept, QObject *parent = nullptr)
        : QTcpServer(parent)
        , m_guard(guard)
        , m_accept(std::move(accept))
    {
    }

protected:
    void incomingConnection(qintptr fd) override;

private:
    ConnectionGuard &m_guard;
    std::function<void(qintptr)> m_accept;
};

} // namespace shardscope
