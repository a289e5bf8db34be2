#include "app/ClusterOptions.h"

#include "backend/cluster/ClusterApi.h"
#include "backend/http/HttpServerHost.h"

#include <QRegularExpression>

namespace shardscope {

void addClusterOptions(QCommandLineParser &p)
{
    p.addOption(QCommandLineOption(QStringLiteral("etcd"), QStringLiteral("Cluster mode: the etcd client URL (e.g. http://127.0.0.1:2379) where nodes register and "
                                   "coordinate; with --headless this node joins, without it the console follows every node."), QStringLiteral("URL")));
    p.addOption(QCommandLineOption(QStringLiteral("cluster"), QStringLiteral("With --etcd: the cluster's name (letters, digits, . _ -)."),
                                   QStringLiteral("NAME")));
    p.addOption(QCommandLineOption(QStringLiteral("node-id"), QStringLiteral("With --etcd: this node's id (default: its HOST:PORT)."),
                                   QStringLiteral("ID")));
    p.addOption(QCommandLineOption(QStringLiteral("lease-ttl"), QStringLiteral("With --etcd: seconds after which a node that stopped "
                                   "renewing its lease is lost, 1..60 (default 5)."), QStringLiteral("S")));
}

bool readClusterOptions(const QCommandLineParser &p, bool headless, std::optional<ClusterConfig> *out, QString *error)
{
    const bool etcd = p.isSet(QStringLiteral("etcd"));
    if (!etcd) {
        for (const char *name : {"cluster", "node-id", "lease-ttl"}) {
            if (p.isSet(QLatin1String(name))) {
                *error = QStringLiteral("--%1 only applies with --etcd").arg(QLatin1String(name));
                return false;
            }
        }
        return true;
    }
    ClusterConfig c;
    c.etcd = QUrl(p.value(QStringLiteral("etcd")));
    c.cluster = p.value(QStringLiteral("cluster"));
    c.nodeId = p.value(QStringLiteral("node-id"));
    static const QRegularExpression name(QStringLiteral("^[A-Za-z0-9._:-]{1,64}$"));
    if (!c.etcd.isValid() || c.etcd.scheme() != QLatin1String("http") || c.etcd.host().isEmpty() || c.etcd.port() <= 0)
        *error = QStringLiteral("--etcd wants a URL like http://HOST:PORT, got '%1'").arg(p.value(QStringLiteral("etcd")));
    else if (!name.match(c.cluster).hasMatch())
        *error = QStringLiteral("--etcd needs --cluster NAME (1-64 letters, digits, '.', '_', ':' or '-'), got '%1'").arg(c.cluster);
    else if (!c.nodeId.isEmpty() && !name.match(c.nodeId).hasMatch())
        *error = QStringLiteral("--node-id must be 1-64 letters, digits, '.', '_', ':' or '-', got '%1'").arg(c.nodeId);
    // Without --headless the console follows the cluster (ClusterConsole): it is no node.
    if (error->isEmpty() && !headless && (p.isSet(QStringLiteral("node-id")) || p.isSet(QStringLiteral("lease-ttl"))))
        *error = QStringLiteral("--node-id and --lease-ttl are a node's options: add --headless, or leave them out to open "
                                "the cluster console");
    if (error->isEmpty() && !headless && p.isSet(QStringLiteral("connect")))
        *error = QStringLiteral("--connect follows one service, --etcd a whole cluster: give one of them");
    if (error->isEmpty() && p.isSet(QStringLiteral("lease-ttl"))) {
        bool ok = false;
        c.leaseTtlSeconds = p.value(QStringLiteral("lease-ttl")).toInt(&ok);
        if (!ok || c.leaseTtlSeconds < 1 || c.leaseTtlSeconds > 60)
            *error = QStringLiteral("--lease-ttl must be an integer in [1, 60], got '%1'").arg(p.value(QStringLiteral("lease-ttl")));
    }
    if (!error->isEmpty())
        return false;
    *out = c;
    return true;
}

std::unique_ptr<ClusterApi> makeCluster(const std::optional<ClusterConfig> &config, const QByteArray &token, ShardService &service,
                                        HttpServerHost &http)
{
    if (!config)
        return nullptr;
    ClusterConfig withToken = *config;
    withToken.token = token;
    auto cluster = std::make_unique<ClusterApi>(withToken, service);
    http.setCluster(cluster.get());
    return cluster;
}

void startCluster(ClusterApi *cluster, const QString &nodeUrl)
{
    if (cluster)
        cluster->start(nodeUrl);
}

} // namespace shardscope
