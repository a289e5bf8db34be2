#include "model/shards/ShardFilterProxy.h"

#include "model/shards/ShardTableModel.h"

namespace shardscope {

ShardFilterProxy::ShardFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true);
    // The proxy re-filters only when a dataChanged carries the filter role: point it at
    // the role the model emits whenever "unhealthy" flips.
    setFilterRole(ShardTableModel::UnhealthyRole);
    setSortRole(ShardTableModel::IdRole);
    sort(0, Qt::AscendingOrder);
}

void ShardFilterProxy::setUnhealthyOnly(bool on)
{
    if (on == m_unhealthyOnly)
        return;
    // Qt 6.4 has no beginFilterChange(); invalidateFilter() re-runs filterAcceptsRow.
    m_unhealthyOnly = on;
    invalidateFilter();
}

void ShardFilterProxy::setSortKey(SortKey key, Qt::SortOrder order)
{
    m_sortKey = key;
    switch (key) {
    case SortKey::Id: setSortRole(ShardTableModel::IdRole); break;
    case SortKey::QueueDepth: setSortRole(ShardTableModel::QueuePeakRole); break; // the bars' figure: no flicker
    case SortKey::Version: setSortRole(ShardTableModel::VersionRole); break;
    case SortKey::Severity: setSortRole(ShardTableModel::SeverityRole); break;
    case SortKey::InFlight: setSortRole(ShardTableModel::InFlightRole); break;
    case SortKey::OldestRequest: setSortRole(ShardTableModel::OldestInFlightRole); break;
    case SortKey::Failed: setSortRole(ShardTableModel::FailedRole); break;
    }
    invalidate();
    sort(0, order);
}

bool ShardFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (!m_unhealthyOnly)
        return true;
    const QModelIndex idx = sourceModel()->index(sourceRow, 0, sourceParent);
    return idx.data(ShardTableModel::UnhealthyRole).toBool();
}

bool ShardFilterProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const int role = sortRole();
    if (role != ShardTableModel::IdRole) {
        const quint64 a = left.data(role).toULongLong();
        const quint64 b = right.data(role).toULongLong();
        if (a != b)
            return a < b;
    }
    if (role == ShardTableModel::SeverityRole) {
        const quint32 a = left.data(ShardTableModel::OldestInFlightRole).toUInt();
        const quint32 b = right.data(ShardTableModel::OldestInFlightRole).toUInt();
        if (a != b)
            return a < b;
    }
    return left.data(ShardTableModel::IdRole).toInt() < right.data(ShardTableModel::IdRole).toInt();
}

} // namespace shardscope
