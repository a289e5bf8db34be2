#include "model/fleet/FleetSummary.h"

#include "model/cluster/ClusterNodes.h"
#include "model/shards/ShardTableModel.h"

#include <QDateTime>

#include <algorithm>

namespace shardscope {
namespace {

QString clock(std::int64_t ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss"));
}

bool quietStep(const QString &step)
{
    return step.isEmpty() || step == QLatin1String("waiting") || step == QLatin1String("done");
}

// "not reachable: no answer (stopped or cut off)" -> "no answer"; fits the state column
// (the tooltip and the node's drill-down say it whole).
QString shortCause(const QString &why)
{
    const QString cause = why.section(QStringLiteral(": "), 1).section(QStringLiteral(" ("), 0, 0);
    return cause == QLatin1String("connection refused") ? QStringLiteral("refused") : cause;
}

// `why`: "not reachable: no answer (stopped or cut off)" and the like, empty while live.
void judgeState(FleetRow &out, const ClusterNodeRow &node, bool followed, bool reachable, const QString &why)
{
    if (!node.up()) {
        out.state = node.state == QLatin1String("left") ? FleetState::Left : FleetState::Lost;
        out.stateText = node.goneSinceMs > 0 ? QStringLiteral("%1 since %2").arg(node.state, clock(node.goneSinceMs)) : node.state;
        // A stopped process and a killed one are both lost to etcd; the console's link tells them apart.
        const QString cause = shortCause(why);
        if (out.state == FleetState::Lost && !cause.isEmpty())
            out.stateText += QStringLiteral(", ") + cause;
        return;
    }
    if (followed && !reachable)
        out.state = FleetState::NotReachable;
    else if (node.phase == QLatin1String("stopped"))
        out.state = FleetState::Stopped;
    else if (node.step == QLatin1String("unready"))
        out.state = FleetState::OutOfBalancer;
    else if (!quietStep(node.step))
        out.state = FleetState::RestartStep;
    else
        out.state = node.ready ? FleetState::Ready : FleetState::NotReady;
    out.stateText = out.state == FleetState::RestartStep ? QStringLiteral("restart: %1").arg(node.step)
                    : out.state == FleetState::NotReachable && !why.isEmpty() ? QStringLiteral("not reachable: %1").arg(shortCause(why))
                                                                               : fleetStateName(out.state);
}

int stateSeverity(FleetState state)
{
    switch (state) {
    case FleetState::Lost: return 6;
    case FleetState::NotReachable: return 5;
    case FleetState::Stopped: return 4;
    case FleetState::NotReady: return 3;
    case FleetState::OutOfBalancer:
    case FleetState::RestartStep: return 1;
    case FleetState::Ready:
    case FleetState::Left: return 0;
    }
    return 0;
}

// Figures from the shard rows: the console's last view of them, even for a gone node.
void readShards(FleetRow &out, const ShardTableModel &shards)
{
    quint64 queue = 0;
    std::optional<quint32> p99;
    int worstShard = 0;
    for (int r = 0; r < shards.rowCount(); ++r) {
        const ShardRow &s = *shards.row(r);
        queue += s.queueDepth;
        if (s.latency[0].samples > 0)
            p99 = std::max(p99.value_or(0), s.latency[0].p99Us);
        const int severity = ShardTableModel::severity(s);
        out.shardsUnhealthy += severity > 0;
        worstShard = std::max(worstShard, severity);
        out.shardSkew = out.shardSkew || s.versionSkew || s.queueSkew;
    }
    out.queue = queue;
    out.p99Us = p99;
    out.shards = shards.rowCount();
    out.severity = std::max(out.severity, worstShard);
}

} // namespace

QString fleetStateName(FleetState state)
{
    switch (state) {
    case FleetState::Ready: return QStringLiteral("ready");
    case FleetState::OutOfBalancer: return QStringLiteral("out of balancer");
    case FleetState::RestartStep: return QStringLiteral("restart step");
    case FleetState::NotReady: return QStringLiteral("not ready");
    case FleetState::Stopped: return QStringLiteral("stopped");
    case FleetState::NotReachable: return QStringLiteral("not reachable");
    case FleetState::Lost: return QStringLiteral("lost");
    case FleetState::Left: return QStringLiteral("left");
    }
    return {};
}

FleetRow summarise(const ClusterNodeRow &node, const ShardTableModel *shards, bool reachable, const FleetContext &context,
                   const QString &unreachableWhy)
{
    FleetRow out;
    out.id = node.id;
    out.version = node.version;
    out.coordinator = node.coordinator;
    out.shards = node.shards;
    judgeState(out, node, shards != nullptr, reachable, unreachableWhy);
    out.severity = stateSeverity(out.state);
    // Versions apart while a cluster restart runs are what the restart does, not skew.
    out.versionSkew = node.up() && context.versionsApart && !context.restartRunning && node.version != context.majorityVersion;
    // The tiles of a node gone or out of reach are its last state seen: no figure now.
    if (shards && shards->rowCount() > 0 && node.up() && reachable)
        readShards(out, *shards);
    if (out.skewed())
        out.severity = std::max(out.severity, 2);
    return out;
}

} // namespace shardscope
