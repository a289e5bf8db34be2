#pragma once

#include "model/client/ClusterStatus.h"

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

} // namespace shardscope
