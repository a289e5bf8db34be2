#pragma once

#include "model/cluster/ClusterEventFeed.h"
#include "model/cluster/ClusterEventStyle.h"

#include <QAbstractTableModel>

#include <deque>
#include <map>

namespace shardscope {

// The cluster console's event log: what the node the console talks to saw happen in the
// cluster (nodes up, lost or left, coordinators, every cluster restart's states, steps and
// outcome), newest last like the single-node log, bounded (the oldest rows go in one
// batch). Rows come from ClusterEventFeed, which joins the logs of successive nodes.
class ClusterEventLog : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { TimeColumn, KindColumn, NodeColumn, RestartColumn, MessageColumn, ColumnCount };
    enum Role { ToneRole = Qt::UserRole + 1, KindRole, SeenByRole, TimeMsRole, NodeRole };

    explicit ClusterEventLog(std::size_t capacity = 5000, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    std::uint64_t sinceFor(const QString &nodeUrl) const { return m_feed.sinceFor(nodeUrl); }
    // A page of `nodeUrl`'s events answered for `since` (ClusterClient::eventsReceived).
    void applyPage(const QString &nodeUrl, const QString &nodeId, std::uint64_t since, const ClusterEventPage &page,
                   std::int64_t nowMs);
    // The node whose log the newest rows come from, empty before any.
    QString sourceNode() const { return m_feed.sourceNode(); }
    const ClusterEventFeed::Item &item(int row) const { return m_items[std::size_t(row)]; }
    // When the log last said node `node` went `state` ("lost", "left"), 0 when it has not
    // said so since it last said the node is up.
    std::int64_t goneEventMs(const QString &node, const QString &state) const;
    // Timestamps in UTC instead of local time (tests and golden images).
    void setUtc(bool utc) { m_utc = utc; }

Q_SIGNALS:
    void sourceChanged(const QString &nodeId);

private:
    void append(std::vector<ClusterEventFeed::Item> items);
    QVariant display(const ClusterEventFeed::Item &item, int column) const;
    QVariant decoration(const ClusterEventFeed::Item &item, int column, int role) const;

    std::size_t m_capacity;
    ClusterEventFeed m_feed;
    std::deque<ClusterEventFeed::Item> m_items;
    bool m_utc = false;
    std::map<std::pair<QString, QString>, std::int64_t> m_newest; // (kind, node) -> newest time
};

} // namespace shardscope
