#include "backend/http/ConnectionGuard.h"

#include "backend/http/HttpConnection.h"
#include "backend/http/HttpMessage.h"

#include <QDateTime>

#include <spdlog/spdlog.h>

#include <sys/socket.h>
#include <unistd.h>

namespace shardscope {
namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QHostAddress peerAddress(qintptr fd)
{
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    QHostAddress address;
    if (::getpeername(int(fd), reinterpret_cast<sockaddr *>(&ss), &len) == 0)
        address.setAddress(reinterpret_cast<sockaddr *>(&ss));
    return address;
}

} // namespace

ConnectionGuard::ConnectionGuard(Limits limits, QObject *parent)
    : QObject(parent)
    , m_limits(limits)
{
    const auto shortest = std::min({m_limits.idle, m_limits.request, m_limits.linger});
    m_sweep.setInterval(std::clamp<std::chrono::milliseconds>(shortest / 4, std::chrono::milliseconds(20), std::chrono::milliseconds(1000)));
    connect(&m_sweep, &QTimer::timeout, this, &ConnectionGuard::sweep);
    m_sweep.start();
}

HttpConnection *ConnectionGuard::evictable(const QHostAddress *from) const
{
    HttpConnection *best = nullptr;
    for (HttpConnection *c : m_connections) {
        if (!c->idle() || (from && c->peerAddress() != *from))
            continue;
        // One already closing goes first, then the one quiet the longest.
        const auto rank = [](const HttpConnection *x) { return x->lingeringSinceMs() ? 0 : x->lastActivityMs(); };
        if (!best || rank(c) < rank(best))
            best = c;
    }
    return best;
}

bool ConnectionGuard::makeRoom(const QHostAddress &address)
{
    const bool addressFull = m_perAddress.value(address) >= m_limits.maxPerAddress;
    const bool full = int(m_connections.size()) >= m_limits.maxConnections;
    if (!addressFull && !full)
        return true;
    HttpConnection *victim = evictable(addressFull ? &address : nullptr);
    if (!victim) {
        spdlog::warn("http: refusing a connection from {}: {} open ({} from that address), none of them idle",
                     address.toString().toStdString(), m_connections.size(), m_perAddress.value(address));
        return false;
    }
    forget(victim, victim->peerAddress());
    victim->abort("making room for a new connection");
    return true;
}

void ConnectionGuard::watch(HttpConnection *connection)
{
    m_connections.push_back(connection);
    ++m_perAddress[connection->peerAddress()];
    // Destroyed is emitted after the connection's members are gone: keep its address.
    connect(connection, &QObject::destroyed, this,
            [this, connection, address = connection->peerAddress()] { forget(connection, address); });
}

void ConnectionGuard::forget(HttpConnection *connection, const QHostAddress &address)
{
    const auto it = std::find(m_connections.begin(), m_connections.end(), connection);
    if (it == m_connections.end())
        return;
    *it = m_connections.back();
    m_connections.pop_back();
    const auto a = m_perAddress.find(address);
    if (a != m_perAddress.end() && --a.value() <= 0)
        m_perAddress.erase(a);
}

void ConnectionGuard::sweep()
{
    const qint64 now = nowMs();
    std::vector<std::pair<HttpConnection *, const char *>> cut;
    for (HttpConnection *c : m_connections) {
        const qint64 stalled = c->writeStalledSinceMs();
        if (c->lingeringSinceMs() && now - c->lingeringSinceMs() > m_limits.linger.count())
            cut.emplace_back(c, "closed");
        else if (stalled && now - stalled > m_limits.request.count())
            cut.emplace_back(c, "the client does not read its replies");
        else if (c->awaitingReply())
            continue;
        else if (c->partialRequestSinceMs() && now - c->partialRequestSinceMs() > m_limits.request.count())
            cut.emplace_back(c, "a request unfinished past the time limit");
        else if (c->idle() && now - c->lastActivityMs() > m_limits.idle.count())
            cut.emplace_back(c, "idle");
    }
    for (auto [c, why] : cut) {
        spdlog::debug("http: closing the connection from {}: {}", c->peer().toStdString(), why);
        forget(c, c->peerAddress());
        c->abort(why);
    }
}

void HttpListener::incomingConnection(qintptr fd)
{
    const QHostAddress address = peerAddress(fd);
    if (m_guard.makeRoom(address)) {
        m_accept(fd);
        return;
    }
    static const QByteArray refusal = serializeResponse(
        503, "application/json",
        R"({"code":503,"message":"too many connections are busy; retry shortly"})", {{"Retry-After", "1"}}, false,
        false, false);
    [[maybe_unused]] const auto n = ::send(int(fd), refusal.constData(), std::size_t(refusal.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::close(int(fd));
}

} // namespace shardscope
