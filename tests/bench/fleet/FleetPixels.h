#pragma once
// State change to pixel in the cluster console's fleet view, for bench_fleet: when each
// node's restart (every shard serving again on a newer version) first reached a painted
// frame. A frame counts for a node only if the fleet view's paint in it covered the node's
// row while the model held the restarted state; its time is when the window's update had
// been handled (the backing store holds the pixels), as bench_console times its tiles.

#include <QRegion>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <map>

namespace shardscope {
class ClusterWindow;
class ShardTableModel;
} // namespace shardscope

namespace shardscope::bench {

class PaintTapApplication;

// Every shard row serving on a version above `before` (false with no rows).
bool servingAbove(const ShardTableModel *shards, quint64 before);
// The version of a node's first shard row (0 with none).
quint64 firstShardVersion(const ShardTableModel *shards);

class FleetPixels
{
public:
    FleetPixels(PaintTapApplication &app, ClusterWindow &window, const QStringList &nodes);
    ~FleetPixels();
    FleetPixels(const FleetPixels &) = delete;
    FleetPixels &operator=(const FleetPixels &) = delete;

    quint64 before(const QString &id) const { return m_before.at(id); }
    // Epoch ms of the first frame that showed the node restarted; absent when none has.
    const std::map<QString, std::int64_t> &paintedMs() const { return m_painted; }
    // Nodes whose row was out of view (filtered or scrolled) at a frame that would have shown them.
    int outOfView() const { return int(m_outOfView.size()); }

private:
    void onPainted(const QRegion &fleetRegion);

    PaintTapApplication &m_app;
    ClusterWindow &m_window;
    std::map<QString, quint64> m_before;
    std::map<QString, std::int64_t> m_painted;
    std::map<QString, bool> m_outOfView;
};

} // namespace shardscope::bench
