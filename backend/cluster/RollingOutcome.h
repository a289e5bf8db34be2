#pragma once

#include "backend/cluster/ClusterView.h"

#include <QJsonObject>
#include <QString>

namespace shardscope {

// How a rolling restart ended, judged by where its nodes ended (as on one node), not by
// what went wrong on the way: completed when every node serves the target version and
// is ready; aborted or rolled_back when every node is back on the version it started
// from; aborted when an abort left some nodes on the target and the rest untouched;
// failed when the cluster is left split by a failure, or a node is gone. The reason says
// what happened on the way (a node briefly lost, a lost report, the stop's cause).
struct RollingEnd {
    QString state;
    QString reason;
};

RollingEnd judgeRolling(const QJsonObject &journal, const ClusterView &view);

} // namespace shardscope
