#include "backend/cluster/ClusterView.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <set>

namespace shardscope {
namespace {

QJsonObject parsed(const QByteArray &value)
{
    return QJsonDocument::fromJson(value).object();
}

} // namespace

void ClusterView::apply(const QByteArray &prefix, const std::vector<etcd::KeyValue> &kvs, std::int64_t nowMs)
{
    std::set<QString> members, left;
    std::map<QString, std::pair<QJsonObject, std::int64_t>> statuses;
    coordinator.clear();
    leaderCreateRevision = 0;
    leaderLease = 0;
    restart = {};
    restartModRevision = 0;
    abortRequested.clear();
    progress.clear();
    progressRevision.clear();
    std::int64_t newestHistory = -1;
    for (const etcd::KeyValue &kv : kvs) {
        const QString rest = QString::fromUtf8(kv.key.mid(prefix.size()));
        const QJsonObject value = parsed(kv.value);
        if (rest.startsWith(QLatin1String("members/"))) {
            const QString id = rest.mid(8);
            members.insert(id);
            NodeView &n = nodes[id];
            n.id = id;
            n.url = value.value(QStringLiteral("url")).toString();
            n.shards = value.value(QStringLiteral("shards")).toInt();
            n.run = value.value(QStringLiteral("run")).toString();
            n.lease = kv.lease;
            n.tokenDigest = value.value(QStringLiteral("token_digest")).toString();
            // A node too old to say its digest is not called a mismatch.
            n.tokenMismatch = value.contains(QStringLiteral("token_digest")) && n.tokenDigest != tokenDigest;
        } else if (rest.startsWith(QLatin1String("status/"))) {
            statuses[rest.mid(7)] = {value, kv.modRevision};
        } else if (rest.startsWith(QLatin1String("left/"))) {
            left.insert(rest.mid(5));
        } else if (rest == QLatin1String("leader")) {
            coordinator = value.value(QStringLiteral("id")).toString();
            leaderCreateRevision = kv.createRevision;
            leaderLease = kv.lease;
        } else if (rest == QLatin1String("restart/current")) {
            restart = value;
            restartModRevision = kv.modRevision;
        } else if (rest == QLatin1String("restart/last")) {
            lastEnded = value;
        } else if (rest == QLatin1String("restart/abort")) {
            abortRequested = value.value(QStringLiteral("id")).toVariant().toString();
        } else if (rest.startsWith(QLatin1String("restart/node/"))) {
            progress[rest.mid(13)] = value;
            progressRevision[rest.mid(13)] = kv.modRevision;
        } else if (rest.startsWith(QLatin1String("restart/history/")) && kv.modRevision > newestHistory) {
            newestHistory = kv.modRevision;
            lastRestart = value;
        }
    }
    for (auto &[id, n] : nodes) {
        if (members.count(id)) {
            n.state = QStringLiteral("up");
            const auto s = statuses.find(id);
            if (s != statuses.end()) {
                const QJsonObject &st = s->second.first;
                n.version = std::int64_t(st.value(QStringLiteral("version")).toDouble());
                n.ready = st.value(QStringLiteral("ready")).toBool();
                n.phase = st.value(QStringLiteral("phase")).toString();
                n.statusRevision = s->second.second;
            }
            n.lastSeenMs = nowMs; // its members key lives: the lease proves it renews
        } else {
            n.state = left.count(id) ? QStringLiteral("left") : QStringLiteral("lost");
            n.ready = false;
        }
    }
    readAtMs = nowMs;
}

bool ClusterView::anyTokenMismatch() const
{
    for (const auto &[id, n] : nodes) {
        if (n.state == QLatin1String("up") && n.tokenMismatch)
            return true;
    }
    return false;
}

std::map<std::int64_t, int> ClusterView::versions() const
{
    std::map<std::int64_t, int> out;
    for (const auto &[id, n] : nodes) {
        if (n.state == QLatin1String("up"))
            ++out[n.version];
    }
    return out;
}

// nowMs: the same steady clock as lastSeenMs and readAtMs (ClusterNode::steadyMs()).
QJsonObject ClusterView::toJson(std::int64_t nowMs) const
{
    QJsonArray list;
    for (const auto &[id, n] : nodes) {
        list.append(QJsonObject{{QStringLiteral("id"), n.id}, {QStringLiteral("url"), n.url},
                                {QStringLiteral("shards"), n.shards}, {QStringLiteral("version"), double(n.version)},
                                {QStringLiteral("ready"), n.ready}, {QStringLiteral("phase"), n.phase},
                                {QStringLiteral("state"), n.state}, {QStringLiteral("coordinator"), id == coordinator},
                                {QStringLiteral("last_seen_ms"), double(n.lastSeenMs ? nowMs - n.lastSeenMs : -1)},
                                {QStringLiteral("run"), n.run}, {QStringLiteral("token_mismatch"), n.tokenMismatch}});
    }
    QJsonObject byVersion;
    for (const auto &[v, count] : versions())
        byVersion.insert(QString::number(v), count);
    QJsonObject out{{QStringLiteral("cluster"), cluster}, {QStringLiteral("self"), self},
                    {QStringLiteral("etcd"), etcdOk ? QStringLiteral("ok") : QStringLiteral("unreachable")},
                    {QStringLiteral("registered"), registered}, {QStringLiteral("nodes"), list},
                    {QStringLiteral("versions"), byVersion},
                    {QStringLiteral("coordinator"), coordinator.isEmpty() ? QJsonValue() : QJsonValue(coordinator)},
                    {QStringLiteral("restart"), restart.isEmpty() ? QJsonValue() : QJsonValue(restart)},
                    {QStringLiteral("last_restart"), lastRestart.isEmpty() ? QJsonValue() : QJsonValue(lastRestart)}};
    out.insert(QStringLiteral("watch"), watchUp ? QStringLiteral("up") : QStringLiteral("down"));
    out.insert(QStringLiteral("fence"), double(fence));
    if (!idHeldBy.isEmpty())
        out.insert(QStringLiteral("id_held_by"), idHeldBy);
    if (!etcdOk)
        out.insert(QStringLiteral("etcd_error"), etcdError);
    if (readAtMs)
        out.insert(QStringLiteral("read_age_ms"), double(nowMs - readAtMs));
    return out;
}

} // namespace shardscope
