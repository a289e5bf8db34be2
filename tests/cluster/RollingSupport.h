#pragma once

// Helpers of the rolling-restart safety tests: a coordinator known in advance, each
// node on its own etcd URL (direct or through an EtcdLinkProxy) and lease TTL.
#include "tests/cluster/LockstepSupport.h"

namespace shardscope::test {

struct NodeSpec {
    QString etcdUrl;
    int leaseTtl = 2;
};

// z0 first (elected), then a1 and a2: a rolling restart's order is a1, a2, z0.
inline Nodes coordinatedTrio(const QString &cluster, const NodeSpec (&specs)[3], const QStringList &extra = {})
{
    Nodes nodes;
    const char *ids[] = {"z0", "a1", "a2"};
    for (int i = 0; i < 3; ++i) {
        nodes.push_back(startNode(specs[i].etcdUrl, QLatin1String(ids[i]), 2, specs[i].leaseTtl, cluster, extra));
        if (!nodes.back()->port)
            return {};
        if (i == 0 && !QTest::qWaitFor([&] { return nodes[0]->clusterStatus().value(QStringLiteral("coordinator")).toString() == QLatin1String("z0"); }, 5000))
            return {};
    }
    return nodes;
}

inline double restartIdOf(const HttpTestClient::Response &r)
{
    return r.json().value(QStringLiteral("restart_id")).toDouble();
}

// The finished journal as `node` shows it, with a readable dump for failure messages.
inline QByteArray dump(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

inline bool readyAt(const ClusterNodeProcess &node)
{
    HttpTestClient http("127.0.0.1", node.port, 2000);
    return http.get("/v1/service/ready").status == 200;
}

inline bool allOn(const Nodes &nodes, double version)
{
    for (const auto &n : nodes) {
        if (versionOf(*n) != version || !readyAt(*n))
            return false;
    }
    return true;
}

// Keys under /shardscope/<cluster>/members/ in etcd (0 once every lease expired).
inline int memberCount(const EtcdProcess &etcd, const QString &cluster)
{
    const QByteArray prefix = "/shardscope/" + cluster.toUtf8() + "/members/";
    QByteArray end = prefix;
    end[end.size() - 1] = char(end.back() + 1);
    const QJsonObject r = etcd.call("/v3/kv/range", {{QStringLiteral("key"), QString::fromLatin1(prefix.toBase64())},
                                                     {QStringLiteral("range_end"), QString::fromLatin1(end.toBase64())},
                                                     {QStringLiteral("count_only"), true}});
    return r.isEmpty() ? -1 : r.value(QStringLiteral("count")).toString().toInt();
}

} // namespace shardscope::test
