#pragma once

#include "backend/http/HttpReply.h"
#include "backend/http/RouteTable.h"
#include "backend/types/ShardTypes.h"

#include <QJsonObject>
#include <QObject>

#include <chrono>
#include <memory>
#include <unordered_map>

namespace shardscope {

class ShardService;
class ClusterApi;
struct ClusterAnswer;
class ReplyInbox;
class QueryQuality;
class EventStream;
class WakeBatch;
struct QueryReply;
struct CommandTicket;

// The service's HTTP API (docs/http-api.md, docs/openapi.json): one route table, checked in one place.
// Lives on the network thread and never blocks it: a query is handed to a shard and
// answered when the reply comes back. Every method is for the network thread only; shard
// threads reach it through the reply inbox (HttpApi.cpp), never directly. Framing,
// limits and reply order are the connection's (HttpConnection); this is what requests mean.
class HttpApi : public QObject
{
    Q_OBJECT
public:
    explicit HttpApi(ShardService &service, QObject *parent = nullptr);
    ~HttpApi() override;

    // With a token set, every route marked Access::NeedsToken requires
    // "Authorization: Bearer <token>": 401 without one, 403 with a wrong one.
    // Called before the server listens.
    void setAccessToken(QByteArray token) { m_token = std::move(token); }
    // Cluster mode (--etcd): the /v1/cluster routes answer through it. Called before listening.
    void setCluster(ClusterApi *cluster) { m_cluster = cluster; }
    // How /v1/service/quality names this node when cluster mode gives it no id: "host:port".
    void setNodeName(QString name) { m_nodeName = std::move(name); }

    // Writes every reply the shards have already produced; called before the server goes
    // away so that a request answered during shutdown reaches its client.
    void flushReplies() { drainReplies(); }

    // Replies waiting for a shard; for shutdown and tests.
    std::size_t pendingQueries() const { return m_pending.size(); }

    // The one place where path, method and token are checked, in that order.
    void dispatch(const HttpRequest &request, HttpReply reply);

private:

    void addRoutes();
    // False (and the 401/403 written) when a token is required and not given correctly.
    bool authorized(const HttpRequest &request, HttpReply &reply, const QString &command);
    // Answers a refusal the edge decides (401, 403, 400, 404) and audits it.
    void refuse(HttpReply &reply, const QString &command, int status, const QString &message, const HeaderPairs &extra = {});

    // Route handlers: method, path and token are already checked.
    void handleQuery(const HttpRequest &request, HttpReply &reply);
    void handleRestart(const HttpRequest &request, HttpReply &reply);
    void handleAbort(const HttpRequest &request, HttpReply &reply);
    void handleStop(const HttpRequest &request, HttpReply &reply);
    void handleStart(const HttpRequest &request, HttpReply &reply);
    void handleStatus(const HttpRequest &request, HttpReply &reply);
    void handleReady(const HttpRequest &request, HttpReply &reply);
    void handleShards(const HttpRequest &request, HttpReply &reply);
    void handleSummary(const HttpRequest &request, HttpReply &reply);
    void handleEvents(const HttpRequest &request, HttpReply &reply);
    void handleStream(const HttpRequest &request, HttpReply &reply);
    void handleAudit(const HttpRequest &request, HttpReply &reply);
    void handleFaultList(const HttpRequest &request, HttpReply &reply);
    void handleFaultInjection(const HttpRequest &request, HttpReply &reply);
    void handleMetrics(const HttpRequest &request, HttpReply &reply);
    // GET /v1/service/quality, in QualityRoute.cpp.
    void handleQuality(const HttpRequest &request, HttpReply &reply);
    QString nodeName() const;
    // /v1/cluster/*, in ClusterRoutes.cpp: thin calls into ClusterApi.
    void handleClusterStatus(const HttpRequest &request, HttpReply &reply);
    void handleClusterRestart(const HttpRequest &request, HttpReply &reply);
    void handleClusterAbort(const HttpRequest &request, HttpReply &reply);
    void handleClusterCommit(const HttpRequest &request, HttpReply &reply);
    void handleLockstepOutcome(const HttpRequest &request, HttpReply &reply);
    void handleClusterEvents(const HttpRequest &request, HttpReply &reply);
    bool clusterOff(HttpReply &reply);
    // Parks a reply until the cluster thread answers; the answer arrives on this thread.
    std::function<void(const ClusterAnswer &)> answerLater(HttpReply &reply, const char *command);

    void drainReplies();
    void answer(std::uint64_t token, const QueryReply &reply);
    // Counts a /v1/query reply just sent in m_quality.
    void recordQuality(std::chrono::steady_clock::time_point arrived, int slot, int status, Version version);

    ShardService &m_service;
    RouteTable m_routes;
    std::shared_ptr<ReplyInbox> m_inbox;
    EventStream *m_stream;
    // A reply owed later (a query handed to a shard, a cluster command); for a query also
    // what the quality record needs (slot -1 for others).
    struct PendingReply {
        HttpReply reply;
        std::chrono::steady_clock::time_point arrived;
        int slot;
    };
    std::unordered_map<std::uint64_t, PendingReply> m_pending;
    std::uint64_t m_nextToken = 1;
    QByteArray m_token;
    ClusterApi *m_cluster = nullptr;
    QString m_nodeName;
    std::unique_ptr<QueryQuality> m_quality; // what clients saw of /v1/query
    std::unique_ptr<WakeBatch> m_wakes;   // shard wake-ups, sent when the loop is about to block
};

// A refused command: its status, message and machine-readable reason ("busy", ...).
void writeRefusal(HttpReply &reply, const CommandTicket &ticket);
// An accepted command's 202 with `acceptedBody`, or its refusal; logs the answer.
void writeTicket(HttpReply &reply, const char *command, const CommandTicket &ticket, const QJsonObject &acceptedBody);

} // namespace shardscope
