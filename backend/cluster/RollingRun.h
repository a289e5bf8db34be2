#pragma once

#include "backend/cluster/JournalWriter.h"

#include <QJsonObject>

namespace shardscope {

// The coordinator's side of a rolling cluster restart. Level-triggered: on every read of
// the cluster it looks at the journal (restart/current) and the nodes' reports and makes
// at most one fenced write that moves the restart on, so a coordinator elected after
// another one died continues from what the journal says. At most `max_unavailable`
// nodes restart at once; at the first failed node (error threshold 1) or an abort no
// further node starts, and the restart ends once the nodes already restarting are done.
class RollingRun
{
public:
    explicit RollingRun(ClusterContext context) : m_journal(std::move(context)) {}

    void onView(const ClusterView &view);

private:
    // The journal's next state, or an empty object when nothing is to be written now.
    QJsonObject next(const ClusterView &view, std::int64_t nowMs) const;

    JournalWriter m_journal;
};

} // namespace shardscope
