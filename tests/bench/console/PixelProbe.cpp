#include "PixelProbe.h"

#include "ProcStats.h"
#include "TileSampler.h"

#include "model/shards/ShardTableModel.h"
#include "tests/bench/BenchCommon.h"

#include <QAbstractItemView>
#include <QPixmap>
#include <QScreen>
#include <QWidget>

namespace shardscope::bench {

using test::TileSampler;

PixelProbe::PixelProbe(QWidget &window, QAbstractItemView &grid)
    : m_window(window)
    , m_grid(grid)
{
}

bool PixelProbe::prepare()
{
    const QRect viewport = m_grid.viewport()->rect();
    const QList<QRect> all = TileSampler::tileRects(m_grid);
    m_rects.clear();
    m_shards.clear();
    for (int row = 0; row < all.size(); ++row) {
        const QModelIndex index = m_grid.model()->index(row, 0);
        // A selected tile's outline covers the probe pixel: it is left out.
        if (!viewport.contains(all[row]) || m_grid.selectionModel()->isSelected(index))
            continue;
        m_rects << all[row];
        m_shards.push_back(index.data(ShardTableModel::IdRole).toInt());
    }
    m_history.assign(m_shards.size(), {});
    record(TileSampler::sample(grabBackingStore(), m_rects), epochUs(), 0);
    return !m_shards.empty();
}

QImage PixelProbe::grabBackingStore() const
{
    const QWidget *viewport = m_grid.viewport();
    const QPoint origin = viewport->mapTo(&m_window, QPoint(0, 0));
    return m_window.screen()
        ->grabWindow(m_window.winId(), origin.x(), origin.y(), viewport->width(), viewport->height())
        .toImage();
}

void PixelProbe::onWindowPainted(bool gridPainted, std::int64_t tickUs)
{
    if (!m_enabled || !gridPainted || m_shards.empty())
        return;
    const std::int64_t paintedUs = epochUs();
    const std::int64_t started = nowNs();
    record(TileSampler::sample(grabBackingStore(), m_rects), paintedUs, tickUs);
    m_grabMs += double(nowNs() - started) / 1e6;
    ++m_grabs;
}

void PixelProbe::record(const QList<int> &states, std::int64_t atUs, std::int64_t tickUs)
{
    for (std::size_t slot = 0; slot < m_history.size(); ++slot) {
        const int state = states[qsizetype(slot)];
        auto &h = m_history[slot];
        if (h.empty() || h.back().state != state)
            h.push_back({atUs, state, tickUs});
    }
}

bool PixelProbe::allShowing(int state) const
{
    for (const auto &h : m_history)
        if (h.empty() || h.back().state != state)
            return false;
    return true;
}

int PixelProbe::agreeingWithRender()
{
    const QList<int> stored = TileSampler::sample(grabBackingStore(), m_rects);
    const QList<int> rendered = TileSampler::sample(m_grid.viewport()->grab().toImage(), m_rects);
    int agree = 0;
    for (qsizetype i = 0; i < stored.size(); ++i)
        agree += stored[i] == rendered[i] && stored[i] >= 0;
    return agree;
}

} // namespace shardscope::bench
