#include "model/cluster/ClusterNodes.h"

#include <algorithm>

namespace shardscope {
namespace {

ClusterNodeRow &rowFor(std::vector<ClusterNodeRow> &rows, const QString &id)
{
    auto it = std::lower_bound(rows.begin(), rows.end(), id, [](const ClusterNodeRow &r, const QString &key) { return r.id < key; });
    if (it == rows.end() || it->id != id) {
        ClusterNodeRow fresh;
        fresh.id = id;
        fresh.state.clear(); // neither up nor gone yet: the caller decides
        it = rows.insert(it, fresh);
    }
    return *it;
}

void setState(ClusterNodeRow &row, const QString &state, std::int64_t sinceMs)
{
    if (state == QLatin1String("up"))
        row.goneSinceMs = 0;
    else if (row.state != state || row.goneSinceMs == 0)
        row.goneSinceMs = sinceMs;
    row.state = state;
}

} // namespace

void foldStatus(std::vector<ClusterNodeRow> &rows, const ClusterStatus &status, std::int64_t nowMs)
{
    for (const ClusterNodeStatus &n : status.nodes) {
        ClusterNodeRow &row = rowFor(rows, n.id);
        if (!n.url.isEmpty())
            row.url = n.url;
        if (n.shards > 0)
            row.shards = n.shards;
        row.version = n.version;
        row.ready = n.ready && n.state == QLatin1String("up");
        row.phase = n.phase;
        row.coordinator = n.coordinator;
        row.step = n.step;
        row.outcome = n.outcome;
        if (n.lastSeenAtMs > 0)
            row.lastSeenAtMs = n.lastSeenAtMs;
        setState(row, n.state, row.lastSeenAtMs > 0 ? std::min(row.lastSeenAtMs, nowMs) : nowMs);
    }
}

void foldMembers(std::vector<ClusterNodeRow> &rows, const std::vector<ClusterMember> &members,
                 const ClusterStatus &lastStatus, std::int64_t nowMs)
{
    for (const ClusterMember &m : members) {
        ClusterNodeRow &row = rowFor(rows, m.id);
        row.url = m.url;
        row.shards = m.shards;
        if (row.state.isEmpty())
            setState(row, QStringLiteral("up"), nowMs);
    }
    for (ClusterNodeRow &row : rows) {
        const auto inEtcd = std::any_of(members.begin(), members.end(), [&](const ClusterMember &m) { return m.id == row.id; });
        const auto listed = std::any_of(lastStatus.nodes.begin(), lastStatus.nodes.end(),
                                        [&](const ClusterNodeStatus &n) { return n.id == row.id; });
        if (!inEtcd && !listed && row.up()) {
            setState(row, QStringLiteral("lost"), nowMs);
            row.ready = false;
            row.coordinator = false;
        }
    }
}

} // namespace shardscope
