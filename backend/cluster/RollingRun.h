#pragma once

#include "backend/cluster/ClusterContext.h"
#include "backend/cluster/ClusterView.h"

#include <QJsonObject>

namespace shardscope {


// The coordinator's side of a rolling cluster restart. Level-triggered: on every read of
// the cluster it looks at the journal (restart/current) and the nodes' reports and makes
// at most one fenced write that moves the restart on, so a coordinator elected after
// another one died continues from what the journal says. One node at a time; the
// restart stops at the first failed node (error threshold 1) with the reason.
class RollingRun
{
public:
    explicit RollingRun(ClusterContext context) : m_node(std::move(context)) {}

    void onView(const ClusterView &view);

private:
    // The journal's next state, or an empty object when nothing is to be written now.
    QJsonObject next(const ClusterView &view, std::int64_t nowMs) const;
    void write(const ClusterView &view, const QJsonObject &journal);
    void finish(const ClusterView &view, const QJsonObject &journal);

    ClusterContext m_node;
    bool m_writing = false;
};

} // namespace shardscope
