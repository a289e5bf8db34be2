#pragma once

#include "model/cluster/NaturalOrder.h"

#include "model/client/BackendClient.h"
#include "model/client/ClusterStatus.h"

#include <optional>

#include <QString>

#include <cstdint>
#include <vector>

namespace shardscope {

// One node's band as the cluster console draws it: plain values, no backend types.
struct ClusterNodeRow {
    QString id;
    QString url;
    int shards = 0;
    std::int64_t version = 0;
    bool ready = false;
    QString phase;
    QString state = QStringLiteral("up"); // "up", "lost" or "left"
    bool coordinator = false;
    QString step;    // its step in the running cluster restart, empty when none runs
    QString outcome;
    std::int64_t lastSeenAtMs = 0; // epoch ms its status last changed, 0 if never
    std::int64_t goneSinceMs = 0;  // epoch ms it was first shown lost or left, 0 while up

    bool up() const { return state == QLatin1String("up"); }
    friend bool operator==(const ClusterNodeRow &, const ClusterNodeRow &) = default;
};

// Folds one cluster status into `rows` (kept sorted by id; a node is never dropped):
// every node listed takes the status' values; a node that goes from up to lost or left
// keeps the instant it was last seen as its "since". A node the status no longer lists
// (the answering node restarted and never saw it) keeps its row: it is still in etcd
// (foldMembers) or it is shown lost.
void foldStatus(std::vector<ClusterNodeRow> &rows, const ClusterStatus &status, std::int64_t nowMs);
// Adds nodes registered in etcd that no status listed yet, as up, and marks rows that
// neither etcd nor the last status know anymore as lost since `nowMs`.
void foldMembers(std::vector<ClusterNodeRow> &rows, const std::vector<ClusterMember> &members,
                 const ClusterStatus &lastStatus, std::int64_t nowMs);

// The nodes behind one version: those up, and the lost ones whose last known version it
// is (their last status; they may have changed since). Left nodes are not counted.
struct VersionGroup {
    std::int64_t version = 0;
    QStringList up;       // natural order
    QStringList lastSeen; // lost nodes, as last seen
};
// Newest version first.
std::vector<VersionGroup> versionTally(const std::vector<ClusterNodeRow> &rows);

// Why the nodes would refuse a cluster restart now, empty when they would accept it. They
// refuse without etcd and while a node is lost (RestartRequest.cpp); versions apart are
// accepted: every node goes to one target above the highest.
QString restartRefusal(const std::vector<ClusterNodeRow> &rows, bool etcdOk, const QString &etcdText, bool restartRunning);

// How the console's own link to a node reads: empty while live (or still connecting, with
// nothing to show yet); else "not reachable: ..." telling a refusal (nothing listens: the
// process is gone) from a silence (it took the connection and said nothing: stopped, or
// cut off).
QString unreachableText(const std::optional<ConnectionStatus> &link);
bool silent(const std::optional<ConnectionStatus> &link);

// "LOST since 04:48:14 (last heard 04:48:08)": the since is the time of the event that says
// so (`eventMs`, 0 while the log has none: then no since is claimed); last heard is the
// console's newest frame from the node (`lastHeardMs`, 0 if none).
QString goneText(const ClusterNodeRow &row, std::int64_t eventMs, std::int64_t lastHeardMs, bool utc = false);

} // namespace shardscope
