#include "backend/cluster/ClusterMetrics.h"

namespace shardscope {
namespace {

void family(QByteArray &out, const char *name, const char *type, const char *help)
{
    out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
}

QByteArray label(const QString &value)
{
    QByteArray v = value.toUtf8();
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return '"' + v + '"';
}

} // namespace

QByteArray clusterMetricsText(const ClusterView &view, const RestartCounts &restarts)
{
    QByteArray out;
    family(out, "shardscope_cluster_etcd_up", "gauge", "1 while this node reaches etcd");
    out += "shardscope_cluster_etcd_up " + QByteArray(view.etcdOk ? "1" : "0") + '\n';
    family(out, "shardscope_cluster_nodes", "gauge", "Nodes this node knows, by state (up, lost, left)");
    std::map<QString, int> byState{{QStringLiteral("up"), 0}, {QStringLiteral("lost"), 0}, {QStringLiteral("left"), 0}};
    for (const auto &[id, n] : view.nodes)
        ++byState[n.state];
    for (const auto &[state, count] : byState)
        out += "shardscope_cluster_nodes{state=" + label(state) + "} " + QByteArray::number(count) + '\n';
    const auto versions = view.versions();
    family(out, "shardscope_cluster_nodes_by_version", "gauge", "Nodes that are up, by the version they serve");
    for (const auto &[version, count] : versions)
        out += "shardscope_cluster_nodes_by_version{version=\"" + QByteArray::number(qint64(version)) + "\"} " + QByteArray::number(count) + '\n';
    family(out, "shardscope_cluster_versions_distinct", "gauge", "Distinct versions among nodes that are up");
    out += "shardscope_cluster_versions_distinct " + QByteArray::number(qulonglong(versions.size())) + '\n';
    family(out, "shardscope_cluster_restarts_total", "counter", "Cluster restarts this node saw end, by strategy and outcome");
    for (const auto &[key, count] : restarts)
        out += "shardscope_cluster_restarts_total{strategy=" + label(key.first) + ",outcome=" + label(key.second) + "} " + QByteArray::number(qulonglong(count)) + '\n';
    return out;
}

} // namespace shardscope
