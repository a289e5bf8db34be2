#include "model/client/ClusterStatus.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace shardscope {
namespace {

QString text(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isString() ? v.toString() : v.isDouble() ? QString::number(qint64(v.toDouble())) : QString();
}

ClusterNodeStatus nodeOf(const QJsonObject &n, std::int64_t receivedAtMs)
{
    ClusterNodeStatus s;
    s.id = text(n, "id");
    s.url = text(n, "url");
    s.shards = n.value(QStringLiteral("shards")).toInt();
    s.version = std::int64_t(n.value(QStringLiteral("version")).toDouble());
    s.ready = n.value(QStringLiteral("ready")).toBool();
    s.phase = text(n, "phase");
    s.state = n.contains(QStringLiteral("state")) ? text(n, "state") : QStringLiteral("up");
    s.coordinator = n.value(QStringLiteral("coordinator")).toBool();
    const double age = n.value(QStringLiteral("last_seen_ms")).toDouble(-1);
    s.lastSeenAtMs = age >= 0 ? receivedAtMs - std::int64_t(age) : 0;
    return s;
}

ClusterRestartStatus restartOf(const QJsonObject &r, bool current)
{
    ClusterRestartStatus out;
    out.id = text(r, "id");
    out.strategy = text(r, "strategy");
    out.state = text(r, "state");
    out.reason = text(r, "reason");
    out.createdMs = std::int64_t(r.value(QStringLiteral("created_ms")).toDouble());
    out.acceptedBy = text(r, "accepted_by");
    out.running = current; // a lockstep restart past its mark ("committed") still runs
    return out;
}

} // namespace

ClusterStatus decodeClusterStatus(const QJsonObject &json, std::int64_t receivedAtMs)
{
    ClusterStatus s;
    s.cluster = text(json, "cluster");
    s.reportedBy = text(json, "self");
    s.etcdOk = json.value(QStringLiteral("etcd")).toString() == QLatin1String("ok");
    s.etcdError = text(json, "etcd_error");
    s.coordinator = text(json, "coordinator");
    for (const QJsonValue &v : json.value(QStringLiteral("nodes")).toArray())
        s.nodes.push_back(nodeOf(v.toObject(), receivedAtMs));
    const QJsonObject versions = json.value(QStringLiteral("versions")).toObject();
    for (auto it = versions.begin(); it != versions.end(); ++it)
        s.versions[it.key().toLongLong()] = it.value().toInt();
    const QJsonObject running = json.value(QStringLiteral("restart")).toObject();
    const QJsonObject journal = running.isEmpty() ? json.value(QStringLiteral("last_restart")).toObject() : running;
    s.hasRestart = !journal.isEmpty();
    if (s.hasRestart)
        s.restart = restartOf(journal, !running.isEmpty());
    // Steps are the running restart's only: a finished one leaves every band without one.
    for (const QJsonValue &v : running.value(QStringLiteral("nodes")).toArray()) {
        const QJsonObject step = v.toObject();
        for (ClusterNodeStatus &n : s.nodes) {
            if (n.id == text(step, "id")) {
                n.step = text(step, "step");
                n.outcome = text(step, "outcome");
            }
        }
    }
    return s;
}

std::vector<ClusterMember> decodeEtcdMembers(const QJsonObject &rangeReply, const QByteArray &prefix)
{
    std::vector<ClusterMember> out;
    for (const QJsonValue &v : rangeReply.value(QStringLiteral("kvs")).toArray()) {
        const QJsonObject kv = v.toObject();
        const QByteArray key = QByteArray::fromBase64(kv.value(QStringLiteral("key")).toString().toLatin1());
        if (!key.startsWith(prefix) || key.size() == prefix.size())
            continue;
        const QJsonObject value =
            QJsonDocument::fromJson(QByteArray::fromBase64(kv.value(QStringLiteral("value")).toString().toLatin1())).object();
        ClusterMember m{QString::fromUtf8(key.mid(prefix.size())), text(value, "url"), value.value(QStringLiteral("shards")).toInt()};
        if (!m.url.isEmpty())
            out.push_back(m);
    }
    return out;
}

QJsonObject etcdPrefixRange(const QByteArray &prefix)
{
    QByteArray end = prefix;
    end[end.size() - 1] = char(end.at(end.size() - 1) + 1);
    return {{QStringLiteral("key"), QString::fromLatin1(prefix.toBase64())},
            {QStringLiteral("range_end"), QString::fromLatin1(end.toBase64())}};
}

} // namespace shardscope
