#pragma once

#include "model/events/EventEntry.h"

#include <QAbstractTableModel>

#include <deque>
#include <vector>

namespace shardscope {

struct ServiceEvent;

// The console's event log: service events and the app's own log lines in time order,
// bounded (the oldest rows are removed in one batch).
class EventListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TimeColumn, LevelColumn, SourceColumn, ShardColumn, MessageColumn, ColumnCount };
    enum Role { LevelRole = Qt::UserRole + 1, ShardRole, TimeMsRole };

    explicit EventListModel(std::size_t capacity = 5000, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void appendEntries(std::vector<EventEntry> entries);
    void appendServiceEvents(const std::vector<ServiceEvent> &events);
    // Timestamps in UTC instead of local time (tests and golden images).
    void setUtc(bool utc) { m_utc = utc; }

    static EventEntry toEntry(const ServiceEvent &event);

private:
    std::size_t m_capacity;
    std::deque<EventEntry> m_entries;
    bool m_utc = false;
};

} // namespace shardscope
