#include "backend/cluster/ResumeRequest.h"

#include "backend/cluster/ClusterHistory.h"
#include "backend/cluster/ClusterNode.h"
#include "backend/cluster/RestartRequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

#include <algorithm>

namespace shardscope {
namespace {

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

std::int64_t integer(const QJsonObject &o, const char *key)
{
    return std::int64_t(o.value(QLatin1String(key)).toDouble());
}

bool resumableEnd(const QString &state)
{
    return state == QLatin1String("failed") || state == QLatin1String("aborted") || state == QLatin1String("rolled_back")
        || state == QLatin1String("stopped");
}

ResumeAnswer blocked(const QString &id, const QStringList &blockers)
{
    return {ResumeAnswer::Kind::Blocked, {},
            QStringLiteral("restart %1 cannot be resumed: %2").arg(id, blockers.join(QStringLiteral("; "))), blockers};
}

QJsonObject parsed(const std::vector<etcd::KeyValue> &kvs)
{
    return kvs.empty() ? QJsonObject() : QJsonDocument::fromJson(kvs.front().value).object();
}

// One node of the journal against what the cluster shows of it.
QString nodeBlocker(const QJsonObject &n, std::int64_t target, const ClusterView &view)
{
    const QString id = str(n, "id");
    const auto seen = view.nodes.find(id);
    if (seen == view.nodes.end())
        return QStringLiteral("node %1 is not registered").arg(id);
    const NodeView &node = seen->second;
    if (node.state == QLatin1String("lost"))
        return {}; // said by the restart checks ("node X is lost")
    if (node.state != QLatin1String("up"))
        return QStringLiteral("node %1 has %2 the cluster").arg(id, node.state);
    if (!node.ready)
        return QStringLiteral("node %1 is not ready").arg(id);
    const bool done = str(n, "step") == QLatin1String("done");
    const std::int64_t expected = done ? target : integer(n, "start_version");
    // A node the journal saw reach the target before it failed (lost while settling) may
    // stay there: the resumed run finds it on the target and marks it done.
    const bool reached = !done && n.value(QStringLiteral("version")).isDouble() && integer(n, "version") == target;
    if (node.version != expected && !(reached && node.version == target))
        return done ? QStringLiteral("node %1 is on v%2, but the journal has it done on v%3").arg(id).arg(node.version).arg(expected)
                    : QStringLiteral("node %1 is on v%2, but the journal expects its start version v%3").arg(id).arg(node.version).arg(expected);
    return {};
}

ResumeAnswer fromCreate(const ClusterAnswer &a, const QString &from)
{
    if (a.ticket.accepted()) {
        QJsonObject body = a.body;
        body.insert(QStringLiteral("resumed_from"), from);
        return {ResumeAnswer::Kind::Accepted, body, {}, {}};
    }
    if (a.ticket.refusal == Refusal::Busy)
        return blocked(from, {a.ticket.error});
    return {ResumeAnswer::Kind::Unavailable, {}, a.ticket.error, {}};
}

} // namespace

QStringList resumeBlockers(const QJsonObject &ended, const ClusterView &view)
{
    QStringList blockers;
    if (!view.restart.isEmpty())
        blockers << QStringLiteral("restart %1 is running").arg(str(view.restart, "id"));
    const std::int64_t target = integer(ended, "target_version");
    for (const QJsonValue &v : ended.value(QStringLiteral("nodes")).toArray()) {
        const QString why = nodeBlocker(v.toObject(), target, view);
        if (!why.isEmpty())
            blockers << why;
    }
    return blockers;
}

QJsonObject resumedJournal(const QJsonObject &ended, std::uint64_t id, const QString &client, const QString &self)
{
    QJsonObject j = ended;
    for (const char *key : {"stop_reason", "stop_state", "reason", "started_ms", "ended_ms", "updated_ms", "coordinator"})
        j.remove(QLatin1String(key));
    const QString from = str(ended, "id");
    QJsonArray nodes;
    for (const QJsonValue &v : ended.value(QStringLiteral("nodes")).toArray()) {
        const QJsonObject old = v.toObject();
        QJsonObject n{{QStringLiteral("id"), old.value(QStringLiteral("id"))},
                      {QStringLiteral("start_version"), old.value(QStringLiteral("start_version"))}};
        if (str(old, "step") == QLatin1String("done")) {
            n.insert(QStringLiteral("step"), QStringLiteral("done"));
            n.insert(QStringLiteral("outcome"), QStringLiteral("completed"));
            n.insert(QStringLiteral("version"), ended.value(QStringLiteral("target_version")));
            n.insert(QStringLiteral("note"), QStringLiteral("done in restart %1").arg(from));
        } else {
            n.insert(QStringLiteral("step"), QStringLiteral("waiting"));
        }
        nodes.append(n);
    }
    j.insert(QStringLiteral("nodes"), nodes);
    j.insert(QStringLiteral("id"), QString::number(id));
    j.insert(QStringLiteral("created_ms"), double(id));
    j.insert(QStringLiteral("state"), QStringLiteral("pending"));
    j.insert(QStringLiteral("requester"), client);
    j.insert(QStringLiteral("accepted_by"), self);
    j.insert(QStringLiteral("request_id"), QString());
    j.insert(QStringLiteral("request_key"), QUuid::createUuid().toString(QUuid::WithoutBraces));
    j.insert(QStringLiteral("fence"), QStringLiteral("0"));
    j.insert(QStringLiteral("resumed_from"), from);
    return j;
}

void resumeClusterRestart(ClusterNode &node, const QByteArray &body, const QString &client, const ResumeDone &done)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    const QJsonValue given = o.value(QStringLiteral("restart_id"));
    const QString id = given.isDouble() ? QString::number(given.toDouble(), 'f', 0) : given.toString();
    if (!isHistoryId(id))
        return done({ResumeAnswer::Kind::BadRequest, {}, QStringLiteral("expected {\"restart_id\": \"<decimal, at most 20 digits>\"}"), {}});
    if (!node.view().etcdOk)
        return done(blocked(id, {QStringLiteral("etcd is not reachable: %1").arg(node.view().etcdError)}));
    const QByteArray history = node.config().key(QStringLiteral("restart/history/"));
    const QJsonArray reads{etcd::requestRange(history, etcd::prefixEnd(history), 1, true), etcd::requestRange(history + id.toUtf8()),
                           etcd::requestRange(node.config().key(QStringLiteral("restart/current")))};
    node.etcd().txn(etcd::txn({}, reads), [&node, id, client, done](const EtcdReply &r) {
        if (!r.ok)
            return done(blocked(id, {QStringLiteral("etcd is not reachable: %1").arg(r.error)}));
        const QJsonObject newest = parsed(etcd::txnRange(r.json, 0));
        const QJsonObject ended = parsed(etcd::txnRange(r.json, 1));
        const QJsonObject running = parsed(etcd::txnRange(r.json, 2));
        if (ended.isEmpty())
            return done({ResumeAnswer::Kind::UnknownRestart, {}, QStringLiteral("no restart %1 in the history").arg(id), {}});
        QStringList blockers;
        if (str(newest, "id") != id)
            blockers << QStringLiteral("only the newest restart can be resumed, and that is %1").arg(str(newest, "id"));
        if (str(ended, "strategy") != QLatin1String("rolling"))
            blockers << QStringLiteral("only a rolling restart can be resumed; %1 was %2").arg(id, str(ended, "strategy"));
        if (!resumableEnd(str(ended, "state")))
            blockers << QStringLiteral("restart %1 ended %2; only one that ended failed, aborted, rolled_back or stopped can be resumed")
                            .arg(id, str(ended, "state"));
        const ClusterView view = node.view();
        ClusterAnswer refusal;
        if (clusterBlocksRestart(view, node.config().pollMs, &refusal))
            blockers << refusal.ticket.error;
        if (!running.isEmpty() && view.restart.isEmpty())
            blockers << QStringLiteral("restart %1 is running").arg(str(running, "id"));
        blockers << resumeBlockers(ended, view);
        if (!blockers.isEmpty())
            return done(blocked(id, blockers));
        const std::uint64_t next = std::max<std::uint64_t>(std::uint64_t(ClusterNode::nowMs()), id.toULongLong() + 1);
        createRestartJournal(node, resumedJournal(ended, next, client, node.config().nodeId),
                             [id, done](const ClusterAnswer &a) { done(fromCreate(a, id)); });
    });
}

} // namespace shardscope
