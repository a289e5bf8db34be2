#pragma once

// A TCP proxy between nodes and etcd, on its own thread, that a test can break the way a
// network does: cut (every connection closed, new ones refused), swallow the answers
// (requests reach etcd, replies never come back: a timed-out txn that still applied),
// or swallow only the answers to one gateway path. Heal closes the connections that lost
// bytes, so the nodes' clients reconnect cleanly. The upstream can change (an etcd wipe).
#include <QByteArray>
#include <QThread>

#include <functional>
#include <memory>


namespace shardscope::test {

class EtcdLinkProxy
{
public:
    explicit EtcdLinkProxy(quint16 upstreamPort);
    ~EtcdLinkProxy();

    quint16 port() const { return m_port; }
    QString urlText() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    void cut();
    // Replies to requests whose path starts with `path` (all when empty) are dropped,
    // for `forMs` ms (then healed by the proxy itself), or until heal() when 0.
    void swallow(const QByteArray &path = {}, int forMs = 0);
    void heal();
    void setUpstream(quint16 port); // later connections go there; open ones are closed

    struct State;

private:
    void onThread(std::function<void()> f);

    QThread m_thread;
    std::unique_ptr<QObject> m_context; // lives on m_thread: calls run there
    std::unique_ptr<State> m_state;     // touched on m_thread only
    quint16 m_port = 0;
};

} // namespace shardscope::test
