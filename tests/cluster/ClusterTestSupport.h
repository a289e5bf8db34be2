#pragma once

// Nodes of a test cluster: real `shardscope --headless --etcd ... --cluster ...` processes.
#include "tests/support/EtcdProcess.h"
#include "tests/support/HeadlessProcess.h"
#include "tests/support/HttpTestClient.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <csignal>
#include <memory>
#include <vector>

namespace shardscope::test {

struct ClusterNodeProcess {
    QString id;
    std::unique_ptr<QProcess> process = std::make_unique<QProcess>();
    quint16 port = 0;

    ~ClusterNodeProcess()
    {
        if (process->state() != QProcess::NotRunning) {
            signal(SIGCONT); // a stopped node cannot die
            process->kill();
            process->waitForFinished(5000);
        }
    }

    QJsonObject clusterStatus() const
    {
        HttpTestClient http("127.0.0.1", port, 2000);
        return http.get("/v1/cluster/status").json();
    }
    void signal(int number) const { ::kill(pid_t(process->processId()), number); }
    QByteArray startOutput;
    QString logText;
    // Everything the node printed so far (spdlog writes to stdout).
    QString log()
    {
        logText += QString::fromUtf8(process->readAllStandardOutput() + process->readAllStandardError());
        return logText;
    }
};

// Starts a node of cluster `cluster` on etcd `etcdUrl`; port 0 when it did not come up.
inline std::unique_ptr<ClusterNodeProcess> startNode(const QString &etcdUrl, const QString &id, int shards = 2,
                                                      int leaseTtl = 1, const QString &cluster = QStringLiteral("t"),
                                                      const QStringList &extra = {})
{
    auto node = std::make_unique<ClusterNodeProcess>();
    node->id = id;
    node->port = startHeadless(*node->process, QStringList{QStringLiteral("--shards"), QString::number(shards),
                                                QStringLiteral("--audit-file"), QString(),
                                                QStringLiteral("--etcd"), etcdUrl, QStringLiteral("--cluster"), cluster,
                                                QStringLiteral("--node-id"), id,
                                                QStringLiteral("--lease-ttl"), QString::number(leaseTtl)} + extra,
                               0, 15000, &node->startOutput);
    node->logText = QString::fromUtf8(node->startOutput);
    return node;
}

// The node `id` as `status` shows it, or an empty object.
inline QJsonObject nodeIn(const QJsonObject &status, const QString &id)
{
    for (const QJsonValue &v : status.value(QStringLiteral("nodes")).toArray()) {
        if (v.toObject().value(QStringLiteral("id")).toString() == id)
            return v.toObject();
    }
    return {};
}

inline QString stateOf(const ClusterNodeProcess &observer, const QString &id)
{
    return nodeIn(observer.clusterStatus(), id).value(QStringLiteral("state")).toString();
}

using Nodes = std::vector<std::unique_ptr<ClusterNodeProcess>>;

inline Nodes startNodes(const EtcdProcess &etcd, const QString &cluster, int count, int shards, const QStringList &extra = {})
{
    Nodes nodes;
    for (int i = 0; i < count; ++i)
        nodes.push_back(startNode(etcd.urlText(), QStringLiteral("n%1").arg(i), shards, 2, cluster, extra));
    return nodes;
}

// `observer` sees `count` nodes up and ready, and a coordinator (a cheap check for large clusters).
inline bool seesFormed(const ClusterNodeProcess &observer, int count)
{
    const QJsonObject s = observer.clusterStatus();
    int up = 0;
    for (const QJsonValue &v : s.value(QStringLiteral("nodes")).toArray())
        up += v.toObject().value(QStringLiteral("state")).toString() == QLatin1String("up") && v.toObject().value(QStringLiteral("ready")).toBool();
    return up == count && !s.value(QStringLiteral("coordinator")).toString().isEmpty();
}

// Every node sees every node up, and a coordinator is elected.
inline bool formed(const Nodes &nodes)
{
    for (const auto &n : nodes) {
        const QJsonObject s = n->clusterStatus();
        if (s.value(QStringLiteral("coordinator")).toString().isEmpty() || !s.value(QStringLiteral("registered")).toBool())
            return false;
        for (const auto &other : nodes) {
            const QJsonObject seen = nodeIn(s, other->id);
            if (seen.value(QStringLiteral("state")).toString() != QLatin1String("up") || !seen.value(QStringLiteral("ready")).toBool())
                return false;
        }
    }
    return true;
}

inline double versionOf(const ClusterNodeProcess &node)
{
    HttpTestClient http("127.0.0.1", node.port);
    return http.get("/v1/service/status").json().value(QStringLiteral("version")).toDouble();
}

inline QJsonObject journalNode(const QJsonObject &journal, const QString &id)
{
    for (const QJsonValue &v : journal.value(QStringLiteral("nodes")).toArray()) {
        if (v.toObject().value(QStringLiteral("id")).toString() == id)
            return v.toObject();
    }
    return {};
}

inline QJsonObject finishedRestart(const ClusterNodeProcess &node, double id)
{
    const QJsonObject last = node.clusterStatus().value(QStringLiteral("last_restart")).toObject();
    return last.value(QStringLiteral("id")).toString() == QString::number(qint64(id)) ? last : QJsonObject();
}

} // namespace shardscope::test
