#pragma once

#include "model/fleet/FleetRow.h"
#include "model/fleet/FleetSummary.h"
#include "model/fleet/RateWindow.h"

#include <QAbstractTableModel>
#include <QPointer>

#include <functional>
#include <map>
#include <vector>

namespace shardscope {

class ClusterModel;
class ShardTableModel;

// The fleet table: a row per node ever seen, in natural id order (n2 before n10), with
// its state in words, version, coordinator mark, rates, p99, queue and shards, read from
// ClusterModel and each node's shard rows. Rows are never removed (ClusterModel keeps
// gone nodes). Sorting and filtering are FleetFilterProxy's.
class FleetModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        NodeColumn = FleetColumn::Node, StateColumn = FleetColumn::State, VersionColumn = FleetColumn::Version,
        CoordinatorColumn = FleetColumn::Coordinator, RequestsColumn = FleetColumn::Requests,
        ErrorsColumn = FleetColumn::Errors, P99Column = FleetColumn::P99, QueueColumn = FleetColumn::Queue,
        ShardsColumn = FleetColumn::Shards, ColumnCount = FleetColumn::Count
    };
    enum Role {
        NodeIdRole = Qt::UserRole + 1,
        SortRole,       // a column's raw value (numbers as numbers, a dash as -1)
        SeverityRole,   // 0 fine .. 6 lost
        UnhealthyRole,  // severity above 0 or skewed: "only unhealthy or skewed" keeps it
        SkewedRole,     // the node's version or a shard of it is skewed
        FleetStateRole, // int FleetState
        FilterTextRole, // what `/` matches: id, state in words, "v<version>"
    };
    Q_ENUM(Role)

    using Clock = std::function<std::int64_t()>;

    // `clock` (epoch ms) times the rate windows; tests pass their own.
    explicit FleetModel(ClusterModel &cluster, Clock clock = {}, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const FleetRow *row(int r) const;
    int rowOf(const QString &nodeId) const;
    // The node's shard rows: recorded ones if set, else its follower's; null when none.
    ShardTableModel *shardsOf(const QString &nodeId) const;
    // Shard rows for a node that no follower feeds (recorded snapshots in tests and golden
    // images); `reachable` stands for the follower's liveness. The model is not owned.
    void setRecordedShards(const QString &nodeId, ShardTableModel *shards, bool reachable = true);

    // Re-reads every node (ClusterModel::changed does this); refreshNode reads one.
    void refresh();
    void refreshNode(const QString &nodeId);

Q_SIGNALS:
    // The node's shard rows changed (its strip repaints), whether or not its row did.
    void shardsChanged(const QString &nodeId);

private:
    struct Recorded {
        QPointer<ShardTableModel> shards;
        bool reachable = true;
    };
    bool reachable(const QString &nodeId) const;
    void watch(const QString &nodeId, ShardTableModel *shards);
    // `reading`: the node's shard rows were just updated (a frame): its counters count.
    void update(int r, bool reading);

    ClusterModel &m_cluster;
    Clock m_clock;
    std::vector<FleetRow> m_rows;
    FleetContext m_context;
    std::map<QString, RateWindow> m_rates;
    std::map<QString, Recorded> m_recorded;
    std::map<QString, ShardTableModel *> m_watched; // shard models whose changes refresh a row
};

} // namespace shardscope
