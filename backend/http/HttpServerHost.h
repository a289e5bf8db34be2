#pragma once

#include "backend/http/ConnectionGuard.h"

#include <QHostAddress>
#include <QString>
#include <QThread>

#include <memory>
#include <mutex>

namespace shardscope {

class HttpApi;
class ShardService;
class ClusterApi;

// Runs the HTTP API on its own network thread (DESIGN.md, "Threads").
class HttpServerHost
{
public:
    explicit HttpServerHost(ShardService &service);
    ~HttpServerHost();
    HttpServerHost(const HttpServerHost &) = delete;
    HttpServerHost &operator=(const HttpServerHost &) = delete;

    // Starts the thread and listens. Port 0 picks a free port. Returns the bound port, or
    // 0 with *error set ("cannot listen on 127.0.0.1:8080: address in use").
    quint16 start(const QHostAddress &address, quint16 port, QString *error);
    // Must be called before start(); see HttpApi::setAccessToken.
    void setAccessToken(QByteArray token) { m_token = std::move(token); }
    // Must be called before start(); see ConnectionGuard.
    void setConnectionLimits(ConnectionGuard::Limits limits) { m_limits = limits; }
    // Must be called before start(); see HttpApi::setCluster.
    void setCluster(ClusterApi *cluster) { m_cluster = cluster; }
    // Stops listening, answers nothing more, and joins the network thread. Idempotent.
    void stop();

    quint16 port() const { return m_port; }
    QString url() const;

private:
    ShardService &m_service;
    QThread m_thread;
    HttpApi *m_api = nullptr; // lives on m_thread
    QHostAddress m_address;
    quint16 m_port = 0;
    QByteArray m_token;
    ConnectionGuard::Limits m_limits;
    ClusterApi *m_cluster = nullptr;
    std::mutex m_teardown; // orders the network thread's end before stop() returns
};

// True for 127.0.0.0/8 and ::1: addresses only this machine can reach.
bool isLoopback(const QHostAddress &address);

// Parses "HOST:PORT" ("127.0.0.1:8080", "[::1]:0", "localhost:9000").
bool parseListenAddress(const QString &text, QHostAddress *address, quint16 *port, QString *error);

} // namespace shardscope
