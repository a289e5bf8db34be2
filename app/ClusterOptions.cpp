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
    p.addOption(QCommandLineOption(QStringLiteral("etcd-max-txn-ops"), QStringLiteral("With --etcd: the most operations etcd takes in one "
                                   "transaction, the value etcd runs with (its max-txn-ops flag), 1..1000000 (default 128). A lockstep restart of N nodes "
                                   "needs 2N+2, a rolling one N+4; a restart that needs more is refused at the start."),
                                   QStringLiteral("N")));
}

namespace {

// An integer option within [low, high]; false with the error in words otherwise.
bool readInt(const QCommandLineParser &p, const QString &name, int low, int high, int *out, QString *error)
{
    bool ok = false;
    const int v = p.value(name).toInt(&ok);
    if (!ok || v < low || v > high) {
        *error = QStringLiteral("--%1 must be an integer in [%2, %3], got '%4'").arg(name).arg(low).arg(high).arg(p.value(name));
        return false;
    }
    *out = v;
    return true;
}

} // namespace

bool readClusterOptions(const QCommandLineParser &p, bool headless, std::optional<ClusterConfig> *out, QString *error)
{
    const bool etcd = p.isSet(QStringLiteral("etcd"));
    if (!etcd) {
        for (const char *name : {"cluster", "node-id", "lease-ttl", "etcd-max-txn-ops"}) {
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
    const bool nodeOption = p.isSet(QStringLiteral("node-id")) || p.isSet(QStringLiteral("lease-ttl")) || p.isSet(QStringLiteral("etcd-max-txn-ops"));
    if (error->isEmpty() && !headless && nodeOption)
        *error = QStringLiteral("--node-id, --lease-ttl and --etcd-max-txn-ops are a node's options: add --headless, or leave them "
                                "out to open the cluster console");
    if (error->isEmpty() && !headless && p.isSet(QStringLiteral("connect")))
        *error = QStringLiteral("--connect follows one service, --etcd a whole cluster: give one of them");
    if (error->isEmpty() && p.isSet(QStringLiteral("lease-ttl")))
        readInt(p, QStringLiteral("lease-ttl"), 1, 60, &c.leaseTtlSeconds, error);
    if (error->isEmpty() && p.isSet(QStringLiteral("etcd-max-txn-ops")))
        readInt(p, QStringLiteral("etcd-max-txn-ops"), 1, 1000000, &c.maxTxnOps, error);
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
