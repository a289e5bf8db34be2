#include "views/ShardGridView.h"

#include "views/TileDelegate.h"

#include <QPainter>

namespace shardscope {

namespace {
constexpr QSize kLarge{140, 84};
constexpr QSize kMedium{84, 54};
constexpr QSize kSmall{50, 40};
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
    setSpacing(3);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setDragEnabled(false);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setItemDelegate(m_delegate);
    setAccessibleName(QStringLiteral("Shard grid"));
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
    QSize size = kLarge;
    switch (m_mode) {
    case TileSize::Auto:
        size = shardCount <= 32 ? kLarge : shardCount <= 160 ? kMedium : kSmall;
        break;
    case TileSize::Large: size = kLarge; break;
    case TileSize::Medium: size = kMedium; break;
    case TileSize::Small: size = kSmall; break;
    }
    if (size == m_delegate->tileSize())
        return;
    m_delegate->setTileSize(size);
    scheduleDelayedItemsLayout();
}

} // namespace shardscope
