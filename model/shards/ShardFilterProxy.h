#pragma once

#include <QSortFilterProxyModel>

namespace shardscope {

// Filter and sort over ShardTableModel for the grid: "only unhealthy or skewed" and
// sorting by id, queue depth, version, severity, in flight, oldest request or failed
// requests (ties broken by id so tiles do not jump; equal severities by the oldest request,
// so the shard holding a drain longest leads).
class ShardFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    enum class SortKey { Id, QueueDepth, Version, Severity, InFlight, OldestRequest, Failed };
    Q_ENUM(SortKey)

    explicit ShardFilterProxy(QObject *parent = nullptr);

    void setUnhealthyOnly(bool on);
    bool unhealthyOnly() const { return m_unhealthyOnly; }
    void setSortKey(SortKey key, Qt::SortOrder order = Qt::AscendingOrder);
    SortKey sortKey() const { return m_sortKey; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    bool m_unhealthyOnly = false;
    SortKey m_sortKey = SortKey::Id;
};

} // namespace shardscope
