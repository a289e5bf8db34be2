#pragma once

#include <QJsonObject>
#include <QMetaType>
#include <QString>

#include <cstdint>
#include <vector>

namespace shardscope {

// One entry of a node's GET /v1/cluster/events: something that node saw happen in the
// cluster. Each node keeps its own log: `seq` counts from 1 in that node's process only,
// and `timeMs` is that node's clock, so the same change seen by two nodes is two entries
// with different numbers a few ms apart.
struct ClusterEventRecord {
    std::uint64_t seq = 0;
    std::int64_t timeMs = 0;
    QString kind;      // node_up, node_lost, node_left, coordinator, cluster_restart, ...
    QString node;      // the node it is about, empty for the whole cluster
    QString restartId; // the cluster restart it belongs to, empty when none
    QString message;
    QString state;     // cluster_restart(_finished): the journal's state
    QString reason;    // cluster_restart_finished: why it failed or stopped
    QString step;      // cluster_restart_step: the node's step, and its outcome when it has one
    QString outcome;
};

// One answer: the events after the `since` asked, oldest first, and the node's newest seq.
struct ClusterEventPage {
    std::vector<ClusterEventRecord> events;
    std::uint64_t lastSeq = 0;
};

ClusterEventPage decodeClusterEvents(const QJsonObject &json);

} // namespace shardscope

Q_DECLARE_METATYPE(shardscope::ClusterEventPage)
