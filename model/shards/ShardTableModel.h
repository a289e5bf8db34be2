#pragma once

#include "model/shards/QueuePeak.h"
#include "model/shards/ShardRow.h"
#include "model/shards/StateStyle.h"

#include <QAbstractListModel>

#include <vector>

namespace shardscope {

struct ServiceSnapshot;
struct SkewReport;

// One row per shard. Updated once per frame from a snapshot; emits dataChanged only for
// the rows and roles that changed, widening to one full-range signal when more than half
// of the rows changed (as qBittorrent's transfer list does), so 1024 shards stay cheap.
class ShardTableModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        StateRole,      // int state index
        StateNameRole,  // "serving", ...
        StateSymbolRole,
        ColourRole,     // QColor of the state
        TextColourRole, // QColor readable on ColourRole
        VersionRole,
        GenerationRole,
        QueueDepthRole,
        QueueFractionRole, // QueuePeakRole / the grid's queue scale, in [0, 1]
        InFlightRole,
        OldestInFlightRole, // ms, age of the oldest request in flight (0 when none)
        OldestShownRole,    // that age as tiles show it ("4 s"), empty below kOldestRequestShownMs
        ProcessedRole,
        FailedRole,
        LatencyP50Role, // microseconds
        LatencyP99Role,
        VersionSkewRole,
        QueueSkewRole,
        UnhealthyRole, // SeverityRole > 0: what "only unhealthy or skewed" shows
        SeverityRole,  // 0 fine or as a running restart expects .. 6 failed; for sorting
        ArmedFaultsRole, // "crash next, slow 50 ms"; empty when no fault drill is armed
        FaultChipRole,   // the same for a tile's chip: "crash", "3 faults"
        StalledRole,     // bool: the shard is drawn stalled (StateRole is then kStalledStateIndex)
        LatencyTextRole, // "p99 3.20 ms" over the chosen latency view, "p99 -" without samples
        ViewP50Role,     // microseconds over the chosen latency view; 0 without samples
        ViewP99Role,
        ViewSamplesRole,
        QueuePeakRole, // the deepest queue in the last kQueuePeakWindowMs: what tiles draw
    };
    Q_ENUM(Role)

    // How much a shard needs an operator: canceled or failed shards first, then shards
    // stopped while the service runs, shards left in a restart state with no restart
    // running, stragglers (requests still in flight in a restart state), then skew and a
    // request in flight past kOldestRequestShownMs. A shard
    // that is only where a running restart expects it scores 0.
    static int severity(const ShardRow &row);
    // "4 s", "2 min 05 s": an old request's age as tiles and the drain list show it (whole
    // seconds, so a tile repaints once a second, not every frame); empty below the threshold.
    static QString oldestText(quint32 ms);
    // "2 now, 7 at most in the last second": the depth and the peak that tiles draw.
    static QString queueText(const ShardRow &row);
    // A live actor (serving, gated, draining, verifying) whose oldest request in flight is
    // at least `thresholdMs` old.
    static bool isStalled(const ShardRow &row, quint32 thresholdMs);
    // The state index a row is drawn with: its own, or kStalledStateIndex.
    static int shownState(const ShardRow &row) { return row.stalled ? kStalledStateIndex : row.state; }
    // "work (no sleep)", "echo", ...: what latency view i is over.
    static QString latencyViewName(int view);
    // "3.20 ms", "1505 ms"; "-" without samples or without a live actor.
    static QString latencyText(const ShardRow &row, int view, bool p99 = true);

    explicit ShardTableModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Version skew comes from `skew`; queue skew is judged here, on the queue peaks.
    void apply(const ServiceSnapshot &snapshot, const SkewReport &skew);
    // Replaces every row as given (skew flags included); used by tests. `takenAtMs` is the snapshot's time,
    // which the queue peaks' window runs on; 0 (unknown) makes each row's peak its depth.
    void applyRows(std::vector<ShardRow> rows, qint64 takenAtMs = 0);

    const ShardRow *row(int r) const;
    int rowOfShard(int shardId) const;
    // Queue depth that fills a tile's bar: a power of two at or above the deepest peak.
    quint32 queueScale() const { return m_queueScale; }

    // Settable: how old a request in flight makes its shard stalled (default 2 s).
    void setStallThresholdMs(quint32 ms);
    quint32 stallThresholdMs() const { return m_stallThresholdMs; }
    // Which latency the tiles show: 0 the shard's work, 1.. a procedure (latencyViewName()).
    void setLatencyView(int view);
    int latencyView() const { return m_latencyView; }

private:
    void takePeaks(std::vector<ShardRow> &rows, qint64 takenAtMs);
    void replaceRows(std::vector<ShardRow> rows);

    std::vector<ShardRow> m_rows;
    std::vector<QueuePeak> m_queuePeaks; // by row
    quint32 m_queueScale = 16;
    quint32 m_stallThresholdMs = kDefaultStallThresholdMs;
    int m_latencyView = 0;
};

} // namespace shardscope
