#include "model/fleet/FleetModel.h"

#include "model/cluster/ClusterModel.h"
#include "model/cluster/NodeFollower.h"
#include "model/fleet/FleetFormat.h"
#include "model/cluster/NaturalOrder.h"
#include "model/shards/ShardTableModel.h"

#include <QDateTime>

#include <algorithm>

namespace shardscope {
namespace {

FleetContext contextOf(const ClusterModel &cluster)
{
    FleetContext c;
    const std::map<std::int64_t, int> versions = cluster.versions();
    int most = 0;
    for (const auto &[version, count] : versions) { // ties go to the newer version
        if (count >= most) {
            most = count;
            c.majorityVersion = version;
        }
    }
    c.versionsApart = versions.size() > 1;
    c.restartRunning = cluster.restartRunning();
    return c;
}

} // namespace

FleetModel::FleetModel(ClusterModel &cluster, Clock clock, QObject *parent)
    : QAbstractTableModel(parent)
    , m_cluster(cluster)
    , m_clock(clock ? std::move(clock) : Clock([] { return QDateTime::currentMSecsSinceEpoch(); }))
{
    connect(&m_cluster, &ClusterModel::changed, this, &FleetModel::refresh);
    connect(&m_cluster, &ClusterModel::nodeFrame, this, &FleetModel::refreshNode);
    // A lost node's "since" is its node_lost event's time, which may come after the status.
    connect(&m_cluster.events(), &QAbstractItemModel::rowsInserted, this, &FleetModel::refresh);
    refresh();
}

int FleetModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int FleetModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const FleetRow *FleetModel::row(int r) const
{
    return r >= 0 && r < int(m_rows.size()) ? &m_rows[std::size_t(r)] : nullptr;
}

int FleetModel::rowOf(const QString &nodeId) const
{
    auto it = std::find_if(m_rows.begin(), m_rows.end(), [&](const FleetRow &r) { return r.id == nodeId; });
    return it == m_rows.end() ? -1 : int(it - m_rows.begin());
}

ShardTableModel *FleetModel::shardsOf(const QString &nodeId) const
{
    auto it = m_recorded.find(nodeId);
    if (it != m_recorded.end())
        return it->second.shards.data();
    return m_cluster.shardsOf(nodeId);
}

bool FleetModel::reachable(const QString &nodeId) const
{
    auto it = m_recorded.find(nodeId);
    return it != m_recorded.end() ? it->second.reachable : m_cluster.followingLive(nodeId);
}

void FleetModel::setRecordedShards(const QString &nodeId, ShardTableModel *shards, bool reachable)
{
    m_recorded[nodeId] = Recorded{shards, reachable};
    refreshNode(nodeId);
    Q_EMIT shardsChanged(nodeId);
}

// Recorded shard rows change without a follower's frame: their own signals stand in.
void FleetModel::watch(const QString &nodeId, ShardTableModel *shards)
{
    if (!shards || !m_recorded.count(nodeId) || m_watched[nodeId] == shards)
        return;
    m_watched[nodeId] = shards;
    const auto again = [this, nodeId] { refreshNode(nodeId); };
    connect(shards, &QAbstractItemModel::dataChanged, this, again);
    connect(shards, &QAbstractItemModel::modelReset, this, again);
    connect(shards, &QAbstractItemModel::rowsInserted, this, again);
}

void FleetModel::refresh()
{
    m_context = contextOf(m_cluster);
    for (const ClusterNodeRow &n : m_cluster.nodes()) {
        if (rowOf(n.id) >= 0)
            continue;
        auto at = std::lower_bound(m_rows.begin(), m_rows.end(), n.id,
                                   [](const FleetRow &r, const QString &id) { return naturalLess(r.id, id); });
        const int r = int(at - m_rows.begin());
        beginInsertRows({}, r, r);
        FleetRow fresh;
        fresh.id = n.id;
        m_rows.insert(at, fresh);
        endInsertRows();
    }
    for (int r = 0; r < int(m_rows.size()); ++r)
        update(r, false);
}

void FleetModel::refreshNode(const QString &nodeId)
{
    const int r = rowOf(nodeId);
    if (r < 0)
        return refresh(); // a node the table has not seen yet
    update(r, true);
    Q_EMIT shardsChanged(nodeId);
}

void FleetModel::update(int r, bool reading)
{
    FleetRow &current = m_rows[std::size_t(r)];
    const ClusterNodeRow *node = m_cluster.node(current.id);
    if (!node)
        return; // recorded before the cluster listed it
    ShardTableModel *shards = shardsOf(current.id);
    watch(current.id, shards);
    const bool live = reachable(current.id);
    const QString why = m_recorded.count(current.id) ? QString() : unreachableText(m_cluster.linkOf(current.id));
    // A follower still making its first connection knows nothing yet: etcd's view stands
    // (it is not "not reachable" before anything failed).
    const bool connecting = !m_recorded.count(current.id) && !live && why.isEmpty() && m_cluster.linkOf(current.id).has_value();
    ClusterNodeRow dated = *node;
    if (const std::int64_t eventMs = dated.up() ? 0 : m_cluster.events().goneEventMs(dated.id, dated.state); eventMs > 0)
        dated.goneSinceMs = eventMs;
    FleetRow next = summarise(dated, shards, live || connecting, m_context, why);
    if (shards && shards->rowCount() > 0 && node->up() && live) {
        quint64 processed = 0;
        quint64 failed = 0;
        if (const NodeFigures *figures = m_cluster.figuresOf(current.id)) {
            // A node followed by its summary has no per-shard counters: its totals say it.
            processed = figures->processed;
            failed = figures->failed;
            if (figures->latencyP99Us > 0)
                next.p99Us = figures->latencyP99Us;
        } else {
            for (int s = 0; s < shards->rowCount(); ++s) { // recorded rows, no follower
                processed += shards->row(s)->processed;
                failed += shards->row(s)->failed;
            }
        }
        RateWindow &rates = m_rates[current.id];
        if (reading)
            rates.add(processed, failed, m_clock());
        next.requestsPerSec = rates.requestsPerSec();
        next.errorsPerSec = rates.errorsPerSec();
    } else {
        m_rates.erase(current.id); // counted again from its next reading
    }
    if (next == current)
        return;
    current = std::move(next);
    Q_EMIT dataChanged(index(r, 0), index(r, ColumnCount - 1));
}

QVariant FleetModel::data(const QModelIndex &index, int role) const
{
    const FleetRow *r = index.isValid() ? row(index.row()) : nullptr;
    if (!r)
        return {};
    switch (role) {
    case Qt::DisplayRole: return fleetCellText(*r, index.column());
    case Qt::ToolTipRole: return fleetCellToolTip(*r, index.column());
    case SortRole: return fleetSortValue(*r, index.column());
    case NodeIdRole: return r->id;
    case SeverityRole: return r->severity;
    case UnhealthyRole: return r->unhealthy();
    case SkewedRole: return r->skewed();
    case FleetStateRole: return int(r->state);
    case FilterTextRole: return QStringLiteral("%1 %2 v%3").arg(r->id, r->stateText).arg(r->version);
    case Qt::TextAlignmentRole:
        return index.column() >= RequestsColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    default: return {};
    }
}

QVariant FleetModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole)
        return fleetColumnTitle(section);
    if (role == Qt::ToolTipRole)
        return fleetColumnToolTip(section);
    return {};
}

} // namespace shardscope
