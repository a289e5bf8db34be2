#pragma once

#include <QSortFilterProxyModel>

namespace shardscope {

// Filters the event log by minimum level, by shard (-1: all) and by text.
class EventFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit EventFilterProxy(QObject *parent = nullptr);

    void setMinimumLevel(int level);
    int minimumLevel() const { return m_minimumLevel; }
    // Only events about this shard; -1 shows every event.
    void setShard(int shard);
    int shard() const { return m_shard; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    int m_minimumLevel = 0;
    int m_shard = -1;
};

} // namespace shardscope
