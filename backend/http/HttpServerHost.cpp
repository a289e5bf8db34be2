#include "backend/http/HttpServerHost.h"

#include "backend/http/HttpApi.h"
#include "backend/http/HttpConnection.h"
#include "backend/ShardService.h"

#include <QTimer>

namespace shardscope {

HttpServerHost::HttpServerHost(ShardService &service)
    : m_service(service)
{
    m_thread.setObjectName(QStringLiteral("network"));
}

HttpServerHost::~HttpServerHost()
{
    stop();
}

quint16 HttpServerHost::start(const QHostAddress &address, quint16 port, QString *error)
{
    m_thread.start();
    QString listenError;
    quint16 bound = 0;
    // Built on the network thread so that its sockets and timers belong there.
    auto *context = new QObject;
    context->moveToThread(&m_thread);
    QMetaObject::invokeMethod(context, [&] {
        auto api = std::make_unique<HttpApi>(m_service);
        auto *guard = new ConnectionGuard(m_limits, api.get());
        HttpApi *target = api.get();
        auto accept = [target, guard, service = &m_service](qintptr fd) {
            auto *connection = new HttpConnection(
                fd, HttpConnection::Limits{},
                [target](HttpRequest &&request, HttpReply reply) { target->dispatch(request, std::move(reply)); }, guard);
            connection->setAbandonHandler([service] { service->dropAbandoned(); });
            guard->watch(connection);
        };
        auto *listener = new HttpListener(*guard, accept, api.get());
        if (!listener->listen(address, port)) {
            listenError = QStringLiteral("cannot listen on %1:%2: %3").arg(address.toString()).arg(port).arg(listener->errorString());
            return;
        }
        // Refusal bursts reach the audit file within a second of their window, writes or not.
        auto *auditFlush = new QTimer(api.get());
        QObject::connect(auditFlush, &QTimer::timeout, api.get(), [this] { m_service.flushAuditDue(); });
        auditFlush->start(1000);
        m_api = api.release();
        m_api->setAccessToken(m_token);
        m_api->setCluster(m_cluster);
        bound = listener->serverPort();
        m_api->setNodeName(QStringLiteral("%1:%2").arg(address.toString()).arg(bound));
    }, Qt::BlockingQueuedConnection);
    context->deleteLater();
    if (bound == 0) {
        *error = listenError;
        m_thread.quit();
        m_thread.wait();
        return 0;
    }
    m_address = address;
    m_port = bound;
    return bound;
}

void HttpServerHost::stop()
{
    if (!m_thread.isRunning())
        return;
    if (m_api) {
        QMetaObject::invokeMethod(m_api, [this] {
            m_api->flushReplies();
            delete m_api;
            m_api = nullptr;
            // The network thread's last touch of the service (reply flushes, shard
            // wake-ups) is behind this unlock; stop() locks after the join below.
            std::lock_guard lock(m_teardown);
        }, Qt::BlockingQueuedConnection);
    }
    m_thread.quit();
    m_thread.wait();
    // QThread::wait joins through Qt's own futexes, which ThreadSanitizer cannot see: this
    // lock pairs with the unlock above, so the service may be torn down after stop().
    std::lock_guard lock(m_teardown);
}

QString HttpServerHost::url() const
{
    const QString host = m_address.protocol() == QAbstractSocket::IPv6Protocol
        ? QStringLiteral("[%1]").arg(m_address.toString()) : m_address.toString();
    return QStringLiteral("http://%1:%2").arg(host).arg(m_port);
}

bool isLoopback(const QHostAddress &address)
{
    return address.isLoopback();
}

bool parseListenAddress(const QString &text, QHostAddress *address, quint16 *port, QString *error)
{
    const int colon = text.lastIndexOf(QLatin1Char(':'));
    bool ok = false;
    const uint p = colon > 0 ? text.mid(colon + 1).toUInt(&ok) : 0;
    QString host = colon > 0 ? text.left(colon) : QString();
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    if (host == QLatin1String("localhost"))
        host = QStringLiteral("127.0.0.1");
    QHostAddress parsed;
    if (!ok || p > 65535 || !parsed.setAddress(host)) {
        *error = QStringLiteral("--listen wants HOST:PORT with a numeric address and a port in 0..65535, got '%1'").arg(text);
        return false;
    }
    *address = parsed;
    *port = quint16(p);
    return true;
}

} // namespace shardscope
