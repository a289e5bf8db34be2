// /v1/cluster/history and /v1/cluster/restart/resume: decode, ask ClusterApi, choose the status.
#include "backend/cluster/ClusterApi.h"
#include "backend/http/HttpApi.h"

#include <QJsonArray>
#include <QUrlQuery>

#include <spdlog/spdlog.h>

namespace shardscope {

std::function<void(const std::function<void(HttpReply &)> &)> HttpApi::parkReply(HttpReply &reply)
{
    // As answerLater: the reply waits in m_pending, and one never written is a 503 at shutdown.
    const std::uint64_t token = m_nextToken++;
    m_pending.emplace(token, PendingReply{std::move(reply), {}, -1});
    return [this, token](const std::function<void(HttpReply &)> &write) {
        const auto it = m_pending.find(token);
        if (it == m_pending.end())
            return;
        HttpReply parked = std::move(it->second.reply);
        m_pending.erase(it);
        write(parked);
    };
}

void HttpApi::handleClusterHistory(const HttpRequest &request, HttpReply &reply)
{
    if (clusterOff(reply))
        return;
    HistoryQuery query;
    QString error;
    if (!parseHistoryQuery(QUrlQuery(QString::fromLatin1(request.query)), &query, &error))
        return reply.sendError(400, error);
    auto later = parkReply(reply);
    m_cluster->history(query, this, [later](const HistoryAnswer &answer) {
        later([&answer](HttpReply &parked) {
            switch (answer.kind) {
            case HistoryAnswer::Kind::Found: return parked.sendJson(200, answer.body);
            case HistoryAnswer::Kind::NotFound: return parked.sendError(404, answer.message);
            case HistoryAnswer::Kind::Unavailable: return parked.sendError(503, answer.message);
            }
        });
    });
}

namespace {

void writeResume(HttpReply &reply, const ResumeAnswer &answer)
{
    using Kind = ResumeAnswer::Kind;
    const int status = answer.kind == Kind::Accepted ? 202
        : answer.kind == Kind::BadRequest            ? 400
        : answer.kind == Kind::UnknownRestart        ? 404
        : answer.kind == Kind::Blocked               ? 409
                                                     : 503;
    spdlog::info("http: cluster resume -> {}", status);
    if (answer.kind == Kind::Accepted)
        return reply.sendJson(status, answer.body);
    QJsonObject body{{QStringLiteral("code"), status}, {QStringLiteral("message"), answer.message}};
    if (answer.kind == Kind::Blocked)
        body.insert(QStringLiteral("blockers"), QJsonArray::fromStringList(answer.blockers));
    reply.sendJson(status, body);
}

} // namespace

void HttpApi::handleClusterResume(const HttpRequest &request, HttpReply &reply)
{
    if (clusterOff(reply))
        return;
    const QString client = reply.client();
    auto later = parkReply(reply);
    m_cluster->requestResume(request.body, client, this, [later](const ResumeAnswer &answer) {
        later([&answer](HttpReply &parked) { writeResume(parked, answer); });
    });
}

} // namespace shardscope
