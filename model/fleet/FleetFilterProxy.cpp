#include "model/fleet/FleetFilterProxy.h"

#include "model/fleet/FleetModel.h"
#include "model/cluster/NaturalOrder.h"

namespace shardscope {
namespace {

QString idAt(const QModelIndex &i)
{
    return i.siblingAtColumn(0).data(FleetModel::NodeIdRole).toString();
}

} // namespace

FleetFilterProxy::FleetFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(FleetModel::SortRole);
    setDynamicSortFilter(true);
}

void FleetFilterProxy::setText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    invalidateRowsFilter();
    Q_EMIT filterChanged();
}

void FleetFilterProxy::setOnlyUnhealthy(bool only)
{
    if (only == m_onlyUnhealthy)
        return;
    m_onlyUnhealthy = only;
    invalidateRowsFilter();
    Q_EMIT filterChanged();
}

void FleetFilterProxy::sortBySeverity()
{
    m_bySeverity = true;
    QSortFilterProxyModel::sort(0, Qt::AscendingOrder);
    invalidate(); // same column and order as before: sort() alone would not re-sort
}

void FleetFilterProxy::sort(int column, Qt::SortOrder order)
{
    const bool was = m_bySeverity;
    m_bySeverity = false;
    QSortFilterProxyModel::sort(column, order);
    if (was)
        invalidate();
}

bool FleetFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex i = sourceModel()->index(sourceRow, 0, sourceParent);
    if (m_onlyUnhealthy && !i.data(FleetModel::UnhealthyRole).toBool())
        return false;
    const QStringList words = m_text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    const QString haystack = i.data(FleetModel::FilterTextRole).toString();
    return std::all_of(words.begin(), words.end(), [&](const QString &w) { return haystack.contains(w, Qt::CaseInsensitive); });
}

bool FleetFilterProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    if (m_bySeverity) {
        const int a = left.siblingAtColumn(0).data(FleetModel::SeverityRole).toInt();
        const int b = right.siblingAtColumn(0).data(FleetModel::SeverityRole).toInt();
        if (a != b)
            return a > b; // most urgent first
        return naturalLess(idAt(left), idAt(right));
    }
    if (left.column() != 0) {
        const QVariant a = left.data(FleetModel::SortRole);
        const QVariant b = right.data(FleetModel::SortRole);
        const QPartialOrdering c = QVariant::compare(a, b);
        if (c == QPartialOrdering::Less || c == QPartialOrdering::Greater)
            return c == QPartialOrdering::Less;
    }
    return naturalLess(idAt(left), idAt(right));
}

} // namespace shardscope
