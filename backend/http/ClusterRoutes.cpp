// The /v1/cluster routes: decode, call ClusterApi, write what it answers.
#include "backend/cluster/ClusterApi.h"
#include "backend/http/HttpApi.h"
#include "backend/wire/RequestDecoders.h"

#include <QUrlQuery>

namespace shardscope {

std::function<void(const ClusterAnswer &)> HttpApi::answerLater(HttpReply &reply, const char *command)
{
    // The reply waits in m_pending like a query's: the answer comes back on this thread
    // (ClusterApi posts it to `this`), and one never given is a 503 at shutdown here.
    const std::uint64_t token = m_nextToken++;
    m_pending.emplace(token, PendingReply{std::move(reply), {}, -1});
    return [this, token, command](const ClusterAnswer &answer) {
        const auto it = m_pending.find(token);
        if (it == m_pending.end())
            return;
        HttpReply parked = std::move(it->second.reply);
        m_pending.erase(it);
        writeTicket(parked, command, answer.ticket, answer.body);
    };
}

bool HttpApi::clusterOff(HttpReply &reply)
{
    if (m_cluster)
        return false;
    reply.sendError(404, QStringLiteral("cluster mode is off: start the node with --etcd URL --cluster NAME"));
    return true;
}

void HttpApi::handleClusterStatus(const HttpRequest &, HttpReply &reply)
{
    if (!clusterOff(reply))
        reply.sendJson(200, m_cluster->status());
}

void HttpApi::handleClusterRestart(const HttpRequest &request, HttpReply &reply)
{
    if (clusterOff(reply))
        return;
    const QString client = reply.client();
    m_cluster->requestRestart(request.body, client, this, answerLater(reply, "cluster restart"));
}

void HttpApi::handleClusterAbort(const HttpRequest &, HttpReply &reply)
{
    if (!clusterOff(reply))
        m_cluster->requestAbort(this, answerLater(reply, "cluster abort"));
}

void HttpApi::handleClusterCommit(const HttpRequest &request, HttpReply &reply)
{
    if (!clusterOff(reply))
        m_cluster->pushCommit(request.body, this, answerLater(reply, "cluster commit"));
}

void HttpApi::handleLockstepOutcome(const HttpRequest &request, HttpReply &reply)
{
    if (!clusterOff(reply))
        m_cluster->lockstepOutcome(request.body, this, answerLater(reply, "lockstep outcome"));
}

void HttpApi::handleClusterEvents(const HttpRequest &request, HttpReply &reply)
{
    if (clusterOff(reply))
        return;
    EventsQuery query;
    QString error;
    if (!parseEventsQuery(QUrlQuery(QString::fromLatin1(request.query)), &query, &error)) {
        reply.sendError(400, error);
        return;
    }
    reply.sendJson(200, m_cluster->events(query.since, query.limit));
}

} // namespace shardscope
