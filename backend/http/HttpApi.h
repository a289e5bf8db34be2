#pragma once

#include "backend/http/RouteTable.h"

#include <QAbstractHttpServer>
#include <QHttpServerResponder>
#include <QJsonObject>
#include <QHash>
#include <QPointer>
#include <QTcpSocket>

#include <memory>
#include <unordered_map>

namespace shardscope {

class ShardService;
class ClusterApi;
class ReplyInbox;
class EventStream;
class WakeBatch;
struct QueryReply;
struct CommandTicket;

// The service's HTTP API (README.md, "HTTP API"): one route table, checked in one place.
// Lives on the network thread and never blocks it: a query is handed to a shard and
// answered when the reply comes back. Every method is for the network thread only; shard
// threads reach it through the reply inbox (HttpApi.cpp), never directly.
class HttpApi : public QAbstractHttpServer
{
    Q_OBJECT
public:
    static constexpr qsizetype kMaxBodyBytes = 1024 * 1024;

    explicit HttpApi(ShardService &service, QObject *parent = nullptr);
    ~HttpApi() override;

    // With a token set, every route marked Access::NeedsToken requires
    // "Authorization: Bearer <token>": 401 without one, 403 with a wrong one.
    // Called before the server listens.
    void setAccessToken(QByteArray token) { m_token = std::move(token); }
    // Cluster mode (--etcd): the /v1/cluster routes answer through it. Called before listening.
    void setCluster(ClusterApi *cluster) { m_cluster = cluster; }

    // Writes every reply the shards have already produced; called before the server goes
    // away so that a request answered during shutdown reaches its client.
    void flushReplies() { drainReplies(); }

    // True while a query from `socket` waits for its shard. An open event stream does not
    // count: EventStream keeps its own subscribers.
    bool isAwaitingReply(QTcpSocket *socket) const { return m_awaiting.value(socket) > 0; }

    // Replies waiting for a shard; for shutdown and tests.
    std::size_t pendingQueries() const { return m_pending.size(); }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    struct Pending {
        QHttpServerResponder responder;
        QPointer<QTcpSocket> socket;
        QTcpSocket *key; // for m_awaiting, valid as a key even after the socket is gone
    };

    void addRoutes();
    // False (and the 401/403 written) when a token is required and not given correctly.
    bool authorized(const QHttpServerRequest &request, QTcpSocket *socket);

    // Route handlers: method, path and token are already checked.
    void handleQuery(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleRestart(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleAbort(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleStop(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleStart(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleStatus(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleReady(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleShards(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleEvents(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleStream(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleAudit(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleFaultList(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleFaultInjection(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleMetrics(const QHttpServerRequest &request, QTcpSocket *socket);
    // /v1/cluster/*, in ClusterRoutes.cpp: thin calls into ClusterApi.
    void handleClusterStatus(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleClusterRestart(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleClusterAbort(const QHttpServerRequest &request, QTcpSocket *socket);
    void handleClusterEvents(const QHttpServerRequest &request, QTcpSocket *socket);
    bool clusterOff(const QHttpServerRequest &request, QTcpSocket *socket);

    void drainReplies();
    void answer(std::uint64_t token, const QueryReply &reply);

    ShardService &m_service;
    RouteTable m_routes;
    std::shared_ptr<ReplyInbox> m_inbox;
    EventStream *m_stream;
    std::unordered_map<std::uint64_t, Pending> m_pending;
    std::uint64_t m_nextToken = 1;
    QByteArray m_token;
    ClusterApi *m_cluster = nullptr;
    QHash<QTcpSocket *, int> m_awaiting; // queries in flight per connection
    std::unique_ptr<WakeBatch> m_wakes;   // shard wake-ups, sent when the loop is about to block
};

// Writes a JSON reply with the given status and optional extra headers.
using HeaderPairs = QList<QPair<QByteArray, QByteArray>>;
void writeBody(QHttpServerResponder &responder, int status, const QByteArray &contentType, const QByteArray &body,
               const HeaderPairs &extra = {});
void writeJson(QHttpServerResponder &responder, int status, const QJsonObject &body, const HeaderPairs &extra = {});
void writeError(QHttpServerResponder &responder, int status, const QString &message, const HeaderPairs &extra = {});
// A refused command: its status, message and machine-readable reason ("busy", ...).
void writeRefusal(QHttpServerResponder &responder, const CommandTicket &ticket);
// An accepted command's 202 with `acceptedBody`, or its refusal; logs the answer.
void writeTicket(QHttpServerResponder &responder, const char *command, const CommandTicket &ticket,
                 const QJsonObject &acceptedBody);

} // namespace shardscope
