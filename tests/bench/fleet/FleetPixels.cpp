#include "FleetPixels.h"

#include "tests/bench/console/PaintTap.h"

#include "model/fleet/FleetModel.h"
#include "model/shards/ShardTableModel.h"
#include "views/ClusterWindow.h"
#include "views/fleet/FleetPanel.h"
#include "views/fleet/FleetView.h"

#include <QDateTime>

namespace shardscope::bench {

namespace {

QVariant cell(const ShardTableModel &shards, int row, int role)
{
    return shards.data(shards.index(row), role);
}

} // namespace

bool servingAbove(const ShardTableModel *shards, quint64 before)
{
    if (!shards || shards->rowCount() == 0)
        return false;
    // Row 0 first: before the restart reaches a node, most checks end at one read.
    for (int r = 0; r < shards->rowCount(); ++r) {
        if (cell(*shards, r, ShardTableModel::VersionRole).toULongLong() <= before
            || cell(*shards, r, ShardTableModel::StateRole).toInt() != 0)
            return false;
    }
    return true;
}

quint64 firstShardVersion(const ShardTableModel *shards)
{
    return shards && shards->rowCount() ? cell(*shards, 0, ShardTableModel::VersionRole).toULongLong() : 0;
}

FleetPixels::FleetPixels(PaintTapApplication &app, ClusterWindow &window, const QStringList &nodes)
    : m_app(app), m_window(window)
{
    for (const QString &id : nodes)
        m_before[id] = firstShardVersion(window.fleetModel()->shardsOf(id));
    m_app.watchPaints(&window, window.fleetPanel()->view(), [this](const QRegion &region) { onPainted(region); });
}

FleetPixels::~FleetPixels()
{
    m_app.watchPaints(nullptr, nullptr, {});
}

void FleetPixels::onPainted(const QRegion &fleetRegion)
{
    if (fleetRegion.isEmpty())
        return;
    const FleetView &view = *m_window.fleetPanel()->view();
    const FleetModel &fleet = *m_window.fleetModel();
    const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
    for (const auto &[id, before] : m_before) {
        if (m_painted.count(id) || !servingAbove(fleet.shardsOf(id), before))
            continue;
        const QRect row = view.rowRect(view.proxyRowOf(id));
        if (row.isEmpty())
            m_outOfView[id] = true;
        else if (fleetRegion.intersects(row))
            m_painted[id] = now;
    }
}

} // namespace shardscope::bench
