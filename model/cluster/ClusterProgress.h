#pragma once

#include "model/cluster/ClusterNodes.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace shardscope {

// Where a cluster restart is, from what the journal says (its state, each node's step)
// and the nodes' own phases: what the cluster stepper draws and the header's line adds.
struct ClusterProgress {
    enum class Mark { Pending, Running, Done, Failed };
    struct Stage {
        QString name;
        Mark mark = Mark::Pending;
    };
    struct NodeStep {
        QString id;
        QString step; // in words: "in grace", "restarting", "settling", or the journal's word
        Mark mark = Mark::Pending;
        QString blocker; // a node still to restart that etcd shows lost, left or not ready
    };
    bool seen = false;    // a restart is known (running or finished)
    bool running = false;
    QString strategy;     // "rolling" or "lockstep"
    QString state;        // the journal's state word, as written
    std::vector<Stage> stages; // lockstep: prepare .. resume (rollback when it rolls back)
    std::vector<NodeStep> nodes; // each node in the restart, natural order
    int done = 0, total = 0;     // nodes done of the nodes in the restart
    int reverted = 0;            // rolling: nodes a guarded restart took back to their version
    // "nodes done 3 of 12; n4 in grace, n5 restarting" (rolling) or
    // "drain; 5 of 12 voted" (lockstep); empty when none was seen.
    QString detail() const;
};

// `restart` null: none seen. Unknown journal states and node steps are kept by their name.
ClusterProgress clusterProgress(const std::vector<ClusterNodeRow> &rows, const ClusterRestartStatus *restart);

// A node step in words: "unready" is its grace period ("in grace"), others as written.
QString nodeStepWords(const QString &step);

} // namespace shardscope
