#include "views/ShardGridView.h"

#include "views/TileDelegate.h"

#include <QAccessible>
#include <QPainter>
#include <QScrollBar>
#include <QStyle>

#include <algorithm>

namespace shardscope {

namespace {
constexpr QSize kLarge{140, 84};
constexpr QSize kMedium{84, 54};
constexpr QSize kSmall{50, 40};
constexpr int kTileSpacing = 3;
constexpr int kHeatSpacing = 1;
constexpr int kHeatMin = 6;  // below this a cell is too small to point at
constexpr int kHeatMax = 40;
constexpr int kHeatAbove = 256; // Auto: small tiles up to here, the heat map beyond
constexpr int kMostDirtyRects = 64; // past this many changed tiles, repaint the whole viewport
}

ShardGridView::ShardGridView(QWidget *parent)
    : QListView(parent)
    , m_delegate(new TileDelegate(this))
{
    setViewMode(QListView::IconMode);
    setMovement(QListView::Static);
    setFlow(QListView::LeftToRight);
    setWrapping(true);
    setResizeMode(QListView::Adjust);
    setUniformItemSizes(true);
    setLayoutMode(QListView::Batched); // lay out 1024 tiles in slices, not one long pass
    setBatchSize(256);
    setSpacing(kTileSpacing);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setDragEnabled(false);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setItemDelegate(m_delegate);
    setAccessibleName(QStringLiteral("Shard grid"));
}

void ShardGridView::dataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles)
{
    // Every shard's counters change each frame, so the model sends one signal over all
    // rows, for which QListView repaints the whole viewport: 1024 heat-map cells at 20 Hz
    // although few draw anything new. Repaint only the tiles whose drawn content changed.
    if (!isVisible() || !topLeft.isValid() || QAccessible::isActive() || state() == EditingState) {
        QListView::dataChanged(topLeft, bottomRight, roles);
        return;
    }
    const QList<int> &drawn = TileDelegate::drawnRoles(m_delegate->tileSize());
    if (!roles.isEmpty() && std::none_of(roles.begin(), roles.end(), [&](int r) { return drawn.contains(r); }))
        return; // only counters this tile size does not draw
    QStyleOptionViewItem option;
    initViewItemOption(&option);
    const QRect visible = viewport()->rect();
    QList<QRect> dirty;
    for (int row = topLeft.row(); row <= bottomRight.row(); ++row) {
        const QModelIndex index = topLeft.siblingAtRow(row);
        option.rect = visualRect(index);
        if (!option.rect.intersects(visible))
            continue; // painted when scrolled into view
        option.state.setFlag(QStyle::State_Selected, selectionModel() && selectionModel()->isSelected(index));
        if (!m_delegate->drawsAsPainted(option, index))
            dirty << option.rect;
        if (dirty.size() > kMostDirtyRects)
            break; // a restart changes every tile: no need to compare the rest
    }
    m_tilesInvalidated += dirty.size();
    if (dirty.size() > kMostDirtyRects) { // a region of that many rects costs more than one repaint
        viewport()->update();
        return;
    }
    for (const QRect &rect : std::as_const(dirty))
        viewport()->update(rect);
}

int ShardGridView::tileRenders() const
{
    return m_delegate->cachedRenders();
}

void ShardGridView::setEmptyText(const QString &text)
{
    if (text == m_emptyText)
        return;
    m_emptyText = text;
    viewport()->update();
}

void ShardGridView::paintEvent(QPaintEvent *event)
{
    QListView::paintEvent(event);
    if (m_emptyText.isEmpty() || (model() && model()->rowCount() > 0))
        return;
    QPainter p(viewport());
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(viewport()->rect().adjusted(24, 24, -24, -24), Qt::AlignCenter | Qt::TextWordWrap, m_emptyText);
}

void ShardGridView::setTileSize(TileSize size)
{
    m_mode = size;
    updateTileSize(m_lastCount);
}

void ShardGridView::updateTileSize(int shardCount)
{
    m_lastCount = shardCount;
    m_effective = m_mode;
    if (m_mode == TileSize::Auto) {
        m_effective = shardCount <= 32 ? TileSize::Large
            : shardCount <= 160        ? TileSize::Medium
            : shardCount <= kHeatAbove ? TileSize::Small
                                       : TileSize::HeatMap;
    }
    QSize size = kLarge;
    switch (m_effective) {
    case TileSize::Auto:
    case TileSize::Large: size = largeTileSize(shardCount); break;
    case TileSize::Medium: size = kMedium; break;
    case TileSize::Small: size = kSmall; break;
    case TileSize::HeatMap: size = heatCellSize(shardCount); break;
    }
    const int spacing = m_effective == TileSize::HeatMap ? kHeatSpacing : kTileSpacing;
    if (size == m_delegate->tileSize() && spacing == this->spacing())
        return;
    setSpacing(spacing);
    m_delegate->setTileSize(size);
    scheduleDelayedItemsLayout();
}

QSize ShardGridView::heatCellSize(int shardCount) const
{
    // The largest square for which every shard fits the viewport without scrolling.
    const QSize area = viewport()->size();
    const int n = std::max(1, shardCount);
    for (int side = kHeatMax; side > kHeatMin; --side) {
        const int pitch = side + 2 * kHeatSpacing;
        const int columns = (area.width() - 2 * kHeatSpacing) / pitch;
        const int rows = (area.height() - 2 * kHeatSpacing) / pitch;
        if (columns * rows >= n)
            return {side, side};
    }
    return {kHeatMin, kHeatMin};
}

QSize ShardGridView::largeTileSize(int shardCount) const
{
    // Large tiles grow to share the viewport out between them, width and height, so 16
    // shards fill the grid instead of leaving its lower third empty. Of the column counts
    // for which every shard fits without scrolling, the one with the largest tiles wins.
    const int s = kTileSpacing;
    // QListView wraps a left-to-right flow inside the viewport less a scroll bar's width,
    // shown or not: lay out for that width, or the last column wraps to a new row.
    const QSize area = maximumViewportSize()
        - QSize(style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, verticalScrollBar()), 0);
    const int n = std::max(1, shardCount);
    QSize best;
    for (int columns = 1; columns <= n; ++columns) {
        const int rows = (n + columns - 1) / columns;
        const int w = (area.width() - s) / columns - s - 1;
        const int h = (area.height() - s) / rows - s - 1;
        if (w < kLarge.width() || h < kLarge.height())
            continue;
        // Never taller than wide, nor more than twice the base size: the text keeps its size.
        const QSize tile(std::min(w, kLarge.width() * 2), std::min({h, kLarge.height() * 2, w * 4 / 5}));
        if (!best.isValid() || tile.width() * tile.height() > best.width() * best.height())
            best = tile;
    }
    if (best.isValid())
        return best;
    // Too many to fit: share the row's width out (up to half again as wide) and scroll.
    const int pitch = kLarge.width() + 2 * s;
    const int usable = area.width() - 2 * s;
    const int columns = std::max(1, usable / pitch);
    const int width = std::clamp(usable / columns - 2 * s, kLarge.width(), kLarge.width() * 3 / 2);
    return {width, kLarge.height()};
}

void ShardGridView::resizeEvent(QResizeEvent *event)
{
    QListView::resizeEvent(event);
    if (m_effective == TileSize::HeatMap || m_effective == TileSize::Large)
        updateTileSize(m_lastCount);
}

} // namespace shardscope
