#pragma once

#include "backend/cluster/EtcdCodec.h"

#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <map>

namespace shardscope {

// One node as the others see it through etcd.
struct NodeView {
    QString id;
    QString url;
    int shards = 0;
    std::int64_t version = 0;
    bool ready = false;
    QString phase;
    QString state = QStringLiteral("up"); // "up", "lost" (its lease expired) or "left" (it said goodbye)
    std::int64_t lastSeenMs = 0;          // local steady ms of the last read that found it up
    std::int64_t statusRevision = 0;
    QString run;             // members/<id>'s run: a report from another run is not this node's
    std::int64_t lease = 0;  // members/<id>'s lease
    QString tokenDigest;     // members/<id>'s token_digest (never the token)
    // It runs with another bearer token than this node: a commit pushed to it gets 403,
    // so cluster restarts should be refused while any node that is up has this set.
    bool tokenMismatch = false;
};

// The cluster as one node last read it from etcd: a value, copied to the HTTP thread.
struct ClusterView {
    QString cluster;
    QString self;
    bool etcdOk = false;
    QString etcdError;           // why not, while !etcdOk
    bool registered = false;     // this node holds a live lease with its keys on it
    QString idHeldBy;            // while not registered because another run holds our id: who
    QString tokenDigest;         // this node's, to compare the others' with
    bool watchUp = false;        // the restart/ watch stream is open and created
    std::int64_t fence = 0;      // this run's coordinator fence, 0 when it is not the coordinator
    QString coordinator;         // the elected node, empty when none
    std::map<QString, NodeView> nodes;
    QJsonObject restart;         // restart/current, empty when none runs
    QJsonObject lastRestart;     // the newest restart/history entry
    QJsonObject lastEnded;       // restart/last: id, request_id, strategy, target and state of the newest ended restart
    std::int64_t readAtMs = 0;   // local steady ms of the last successful read
    // For the coordinator's fences and steps.
    std::int64_t leaderCreateRevision = 0;
    std::int64_t leaderLease = 0; // the leader key's lease: leadership belongs to that run
    std::int64_t restartModRevision = 0;
    QString abortRequested;      // restart/abort names this restart id
    std::map<QString, QJsonObject> progress; // restart/node/<id>: a node's own report
    std::map<QString, std::int64_t> progressRevision; // restart/node/<id>'s mod revision

    // Folds one read of the cluster's prefix into the view: nodes that vanished
    // without a goodbye become "lost", ones with one become "left".
    void apply(const QByteArray &prefix, const std::vector<etcd::KeyValue> &kvs, std::int64_t nowMs);
    // GET /v1/cluster/status's document.
    QJsonObject toJson(std::int64_t nowMs) const;
    // Nodes that are up with another bearer token than this node's.
    bool anyTokenMismatch() const;
    // Nodes that are up, by version.
    std::map<std::int64_t, int> versions() const;
};

} // namespace shardscope
