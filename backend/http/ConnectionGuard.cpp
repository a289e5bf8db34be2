#include "backend/http/ConnectionGuard.h"

#include <QDateTime>

#include <spdlog/spdlog.h>

namespace shardscope {
namespace {
qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}
} // namespace

ConnectionGuard::ConnectionGuard(Limits limits, QObject *parent)
    : QObject(parent)
    , m_limits(limits)
{
    const auto shortest = std::min(m_limits.idle, m_limits.request);
    m_sweep.setInterval(std::clamp<std::chrono::milliseconds>(shortest / 4, std::chrono::milliseconds(20), std::chrono::milliseconds(1000)));
    connect(&m_sweep, &QTimer::timeout, this, &ConnectionGuard::sweep);
    m_sweep.start();
}

bool ConnectionGuard::watch(QTcpSocket *socket)
{
    if (int(m_sockets.size()) >= m_limits.maxConnections) {
        spdlog::warn("http: refusing a connection from {}: {} connections already open",
                     socket->peerAddress().toString().toStdString(), m_sockets.size());
        socket->abort();
        socket->deleteLater();
        return false;
    }
    const qint64 now = nowMs();
    m_sockets.insert(socket, Watch{QPointer<QTcpSocket>(socket), now, 0});
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
        auto it = m_sockets.find(socket);
        if (it == m_sockets.end())
            return;
        it->lastActivity = nowMs();
        if (it->requestStarted == 0)
            it->requestStarted = it->lastActivity;
    });
    connect(socket, &QTcpSocket::bytesWritten, this, [this, socket] {
        auto it = m_sockets.find(socket);
        if (it == m_sockets.end())
            return;
        it->lastActivity = nowMs();
        it->requestStarted = 0; // answered (or streaming): the client is not holding us
    });
    connect(socket, &QObject::destroyed, this, [this, socket] { m_sockets.remove(socket); });
    return true;
}

void ConnectionGuard::sweep()
{
    const qint64 now = nowMs();
    QList<QTcpSocket *> cut;
    for (auto it = m_sockets.begin(); it != m_sockets.end(); ++it) {
        QTcpSocket *socket = it->socket;
        if (!socket || (m_awaitingReply && m_awaitingReply(socket)))
            continue;
        const bool idle = now - it->lastActivity > m_limits.idle.count();
        const bool trickling = it->requestStarted != 0 && now - it->requestStarted > m_limits.request.count();
        if (idle || trickling)
            cut << socket;
    }
    for (QTcpSocket *socket : cut) {
        spdlog::info("http: closing {} connection from {}", m_sockets.value(socket).requestStarted ? "an unfinished" : "an idle",
                     socket->peerAddress().toString().toStdString());
        m_sockets.remove(socket);
        socket->abort();
    }
}

QTcpSocket *GuardedTcpServer::nextPendingConnection()
{
    while (QTcpSocket *socket = QTcpServer::nextPendingConnection()) {
        if (m_guard.watch(socket))
            return socket;
    }
    return nullptr;
}

} // namespace shardscope
