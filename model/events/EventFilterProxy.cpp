#include "model/events/EventFilterProxy.h"

#include "model/events/EventListModel.h"

namespace shardscope {

EventFilterProxy::EventFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setFilterKeyColumn(EventListModel::MessageColumn);
    setFilterCaseSensitivity(Qt::CaseInsensitive);
}

void EventFilterProxy::setMinimumLevel(int level)
{
    if (level == m_minimumLevel)
        return;
    m_minimumLevel = level;
    invalidateFilter();
}

void EventFilterProxy::setShard(int shard)
{
    if (shard == m_shard)
        return;
    m_shard = shard;
    invalidateFilter();
}

bool EventFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex idx = sourceModel()->index(sourceRow, 0, sourceParent);
    if (idx.data(EventListModel::LevelRole).toInt() < m_minimumLevel)
        return false;
    if (m_shard >= 0 && idx.data(EventListModel::ShardRole).toInt() != m_shard)
        return false;
    return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent);
}

} // namespace shardscope
