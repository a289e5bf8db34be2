#pragma once

// Helpers of the lockstep tests: a cluster with a known coordinator, the journal straight
// from etcd, and ways to hold a node's restart in one of its phases.
#include "tests/cluster/ClusterTestSupport.h"

#include <QJsonDocument>

#include <thread>

namespace shardscope::test {

inline constexpr int kLockstepTtlSeconds = 2;

inline QString journalText(const QJsonObject &journal)
{
    return QString::fromUtf8(QJsonDocument(journal).toJson(QJsonDocument::Compact));
}

// `node`'s step in the running restart as `observer` shows it.
inline QString stepIn(const ClusterNodeProcess &observer, const QString &node)
{
    return journalNode(observer.clusterStatus().value(QStringLiteral("restart")).toObject(), node).value(QStringLiteral("step")).toString();
}

// z0 first, so it is elected, then a1 and a2; empty when z0 was not elected.
inline Nodes startWithCoordinator(const EtcdProcess &etcd, const QString &cluster, const QStringList &extra = {})
{
    Nodes nodes;
    nodes.push_back(startNode(etcd.urlText(), QStringLiteral("z0"), 2, kLockstepTtlSeconds, cluster, extra));
    if (!nodes[0]->port)
        return {};
    if (!QTest::qWaitFor([&] { return nodes[0]->clusterStatus().value(QStringLiteral("coordinator")).toString() == QLatin1String("z0"); }, 3000))
        return {};
    for (const char *id : {"a1", "a2"})
        nodes.push_back(startNode(etcd.urlText(), QLatin1String(id), 2, kLockstepTtlSeconds, cluster, extra));
    return nodes;
}

inline bool onOneVersionReady(const Nodes &nodes, std::initializer_list<int> which, double version)
{
    for (int i : which) {
        HttpTestClient http("127.0.0.1", nodes[i]->port, 2000);
        // A node holding queries in a lockstep also answers 200 (it is kept in the balancer); it
        // has not reopened on any version until it stops holding.
        const auto ready = http.get("/v1/service/ready");
        if (versionOf(*nodes[i]) != version || ready.status != 200 || ready.json().value(QStringLiteral("holding")).toBool())
            return false;
    }
    return true;
}

// The restart's journal straight from etcd (restart/current), empty when none runs.
inline QJsonObject currentJournal(const EtcdProcess &etcd, const QString &cluster)
{
    const QByteArray key = "/shardscope/" + cluster.toUtf8() + "/restart/current";
    const QJsonObject r = etcd.call("/v3/kv/range", {{QStringLiteral("key"), QString::fromLatin1(key.toBase64())}});
    const QJsonArray kvs = r.value(QStringLiteral("kvs")).toArray();
    if (kvs.isEmpty())
        return {};
    return QJsonDocument::fromJson(QByteArray::fromBase64(kvs.first().toObject().value(QStringLiteral("value")).toString().toLatin1())).object();
}

inline int inFlight(const ClusterNodeProcess &node)
{
    HttpTestClient http("127.0.0.1", node.port, 2000);
    int n = 0;
    for (const QJsonValue &shard : http.get("/v1/service/shards").json().value(QStringLiteral("shards")).toArray())
        n += shard.toObject().value(QStringLiteral("in_flight")).toInt();
    return n;
}

// The node's own restart phase ("preparing", "draining", ...; "serving" when none runs).
inline QString phaseOf(const ClusterNodeProcess &node)
{
    HttpTestClient http("127.0.0.1", node.port, 2000);
    return http.get("/v1/service/status").json().value(QStringLiteral("phase")).toString();
}

// A `sleep` query on `node` that holds its drain for `ms`, answered on its own thread.
inline std::thread holdDrain(const ClusterNodeProcess &node, int ms)
{
    return std::thread([port = node.port, ms] {
        HttpTestClient http("127.0.0.1", port, ms + 10000);
        http.post("/v1/query", QStringLiteral(R"({"procedure":"sleep","args":{"ms":%1}})").arg(ms).toUtf8());
    });
}

} // namespace shardscope::test
