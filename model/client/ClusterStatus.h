#pragma once

#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <map>
#include <vector>

namespace shardscope {

// One node as a node's GET /v1/cluster/status lists it. Plain values: views may hold it.
struct ClusterNodeStatus {
    QString id;
    QString url;
    int shards = 0;
    std::int64_t version = 0;
    bool ready = false;
    QString phase;
    QString state;            // "up", "lost" (its lease expired) or "left" (it said goodbye)
    bool coordinator = false;
    std::int64_t lastSeenAtMs = 0; // epoch ms when its status last changed, 0 if never
    QString step;             // its step in the running cluster restart, empty when none
    QString outcome;          // its outcome in that restart, empty until it has one
};

// The running (or the newest finished) cluster restart as the journal says it.
struct ClusterRestartStatus {
    QString id;
    QString strategy;
    // "pending", "running", lockstep's "committed" and "rolling_back"; once over
    // "completed", "rolled_back", "failed" or "aborted".
    QString state;
    QString reason; // why it failed or stopped, empty otherwise
    std::int64_t createdMs = 0; // wall clock, when a node accepted the request
    QString acceptedBy;         // that node
    bool running = false;       // restart/current, not history
};

// GET /v1/cluster/status decoded for the console.
struct ClusterStatus {
    QString cluster;
    QString reportedBy;       // the node that answered ("self")
    bool etcdOk = false;
    QString etcdError;
    QString coordinator;      // empty when none is elected
    std::vector<ClusterNodeStatus> nodes;
    std::map<std::int64_t, int> versions; // nodes up, by version
    ClusterRestartStatus restart;         // the running restart, else the last finished one
    bool hasRestart = false;
};

// `receivedAtMs` is the console's clock when the document arrived: the status gives ages
// (last_seen_ms), the console keeps instants.
ClusterStatus decodeClusterStatus(const QJsonObject &json, std::int64_t receivedAtMs);

// A node's registration as etcd's JSON gateway returns it for a range over
// /shardscope/<cluster>/members/ (keys and values base64, values JSON {"url", "shards"}).
struct ClusterMember {
    QString id;
    QString url;
    int shards = 0;
};
std::vector<ClusterMember> decodeEtcdMembers(const QJsonObject &rangeReply, const QByteArray &prefix);
// The body of that range request: the prefix and its end (last byte + 1), base64.
QJsonObject etcdPrefixRange(const QByteArray &prefix);

} // namespace shardscope

Q_DECLARE_METATYPE(shardscope::ClusterStatus)
