#pragma once

#include <QSortFilterProxyModel>

namespace shardscope {

// Sort and filter over FleetModel: by any column (node ids in natural order, ties by id)
// or by severity (most urgent first, then id); `/` text on id, state and version, and
// "only unhealthy or skewed".
class FleetFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit FleetFilterProxy(QObject *parent = nullptr);

    void setText(const QString &text);
    QString text() const { return m_text; }
    void setOnlyUnhealthy(bool only);
    bool onlyUnhealthy() const { return m_onlyUnhealthy; }
    void sortBySeverity();
    bool sortedBySeverity() const { return m_bySeverity; }
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

Q_SIGNALS:
    void filterChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    QString m_text;
    bool m_onlyUnhealthy = false;
    bool m_bySeverity = false;
};

} // namespace shardscope
