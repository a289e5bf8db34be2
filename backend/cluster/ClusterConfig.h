#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace shardscope {

// What a node needs to join a cluster (shardscope --headless --etcd URL --cluster NAME).
struct ClusterConfig {
    QUrl etcd;              // the etcd client URL, e.g. http://127.0.0.1:2379
    QString cluster;        // every key lives under /shardscope/<cluster>/
    QString nodeId;         // default: the node's host:port
    QString nodeUrl;        // where other nodes and consoles reach its HTTP API
    int leaseTtlSeconds = 5; // a node that stops renewing is lost this long after
    int pollMs = 250;       // how often the node reads the cluster's keys
    // ... while a cluster restart runs: every step of it waits for some node's next read.
    int activePollMs = 40;
    // The most operations etcd takes in one transaction (its --max-txn-ops, 128 unless
    // raised): a restart ends in one transaction over its nodes, a lockstep commit pins
    // every vote and lease in one, so a restart that could not end is refused at the start.
    int maxTxnOps = 128;
    // The node's bearer token (--token-file): its coordinator sends it with the commit it
    // pushes to the other nodes, so a cluster's nodes share one token.
    QByteArray token;
    // This process's run of the node (random, new at every start). Reports and
    // leadership belong to a run, not to an id: a node restarted within the lease TTL
    // is a new run, and nothing its predecessor said counts for it.
    QString run;

    QByteArray prefix() const { return QByteArray("/shardscope/") + cluster.toUtf8() + '/'; }
    QByteArray key(const QString &rest) const { return prefix() + rest.toUtf8(); }
};

} // namespace shardscope
