#include "views/TileDelegate.h"
#include "views/ColourTable.h"

#include "model/shards/ShardTableModel.h"

#include <QPainter>
#include <QPainterPath>

namespace shardscope {

namespace {

// A full 1024-shard grid of small tiles is about 8 MB of renders; past this the cache
// starts over (a user scrolling through large tiles of 1024 shards).
constexpr qint64 kCacheBytesLimit = 16 * 1024 * 1024;
// An armed fault drill's chip: hazard yellow, the header's colour for the same thing.
const QColor kFaultChipColour = colourFor(Meaning::Fault, false);
// Narrower than a small tile: a heat-map cell.
constexpr int kSmallestTileWidth = 44;
constexpr qsizetype kMostHeatLooks = 64; // states x marks in use at once are far fewer

// Where things go on a tile of a given size.
struct TileGeometry {
    explicit TileGeometry(const QRect &rect)
        : tile(rect.adjusted(1, 1, -1, -1))
        , large(tile.width() >= 100)
        , medium(!large && tile.width() >= 64)
    {
        const int pad = large ? 7 : 4;
        inner = tile.adjusted(pad, pad - 2, -pad, -pad);
        const int barH = large ? 8 : medium ? 6 : 4;
        bar = QRect(inner.left(), inner.bottom() - barH + 1, inner.width(), barH);
    }
    QRect tile, inner, bar;
    bool large, medium;
};

} // namespace

TileDelegate::TileDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
{
}

void TileDelegate::setTileSize(QSize size)
{
    if (size == m_size)
        return;
    m_size = size;
    Q_EMIT sizeHintChanged({});
}

QSize TileDelegate::sizeHint(const QStyleOptionViewItem &, const QModelIndex &) const
{
    return m_size;
}

TileDelegate::Content TileDelegate::contentOf(const QStyleOptionViewItem &option, const QModelIndex &index)
{
    using R = ShardTableModel;
    Content c;
    c.size = option.rect.size();
    c.font = option.font;
    // The state's colour for this theme (the cache key holds the fill, so a theme change redraws).
    const int state = index.data(R::StateRole).toInt();
    const bool dark = isDarkPalette(option.palette);
    c.fill = stateFill(state, dark).rgba();
    c.text = stateInk(state, dark).rgba();
    c.base = option.palette.color(QPalette::Base).rgba();
    c.highlight = option.palette.color(QPalette::Highlight).rgba();
    c.outline = option.palette.color(QPalette::Text).rgba();
    c.id = index.data(R::IdRole).toInt();
    c.version = index.data(R::VersionRole).toULongLong();
    c.queue = index.data(R::QueuePeakRole).toUInt();
    c.fraction = index.data(R::QueueFractionRole).toDouble();
    c.versionSkew = index.data(R::VersionSkewRole).toBool();
    c.queueSkew = index.data(R::QueueSkewRole).toBool();
    c.selected = option.state.testFlag(QStyle::State_Selected);
    c.serving = index.data(R::StateRole).toInt() == 0;
    c.oldest = index.data(R::OldestShownRole).toString();
    c.faultChip = index.data(R::FaultChipRole).toString();
    if (option.rect.width() < kSmallestTileWidth) {
        // A heat-map cell draws none of the counters: leaving them out of its content keeps
        // 1024 cached cells valid while every shard's counters change each frame.
        c.version = 0;
        c.queue = 0;
        c.fraction = 0;
        c.stateText = index.data(R::StateSymbolRole).toString();
        return c;
    }
    const TileGeometry g(option.rect);
    // Large and medium tiles spell the state out; a medium tile too narrow for the word
    // falls back to the symbol at paint time.
    c.stateText = index.data((g.large || g.medium) ? R::StateNameRole : R::StateSymbolRole).toString();
    if (g.medium)
        c.stateShort = index.data(R::StateSymbolRole).toString();
    if (g.large) {
        c.inFlight = index.data(R::InFlightRole).toUInt();
        c.latency = index.data(R::LatencyTextRole).toString();
    }
    return c;
}

const QList<int> &TileDelegate::drawnRoles(QSize size)
{
    using R = ShardTableModel;
    // Heat-map cells draw the state, skew, an old request and armed faults; tiles add the
    // version and queue, and large tiles the in-flight count and p99.
    static const QList<int> heat = {R::IdRole, R::StateRole, R::StateSymbolRole, R::ColourRole, R::TextColourRole,
                                    R::VersionSkewRole, R::QueueSkewRole, R::OldestShownRole, R::FaultChipRole};
    static const QList<int> tile = heat + QList<int>{R::StateNameRole, R::VersionRole, R::QueueDepthRole, R::QueueFractionRole};
    static const QList<int> large = tile + QList<int>{R::InFlightRole, R::LatencyTextRole};
    if (size.width() < kSmallestTileWidth)
        return heat;
    return TileGeometry(QRect(QPoint(0, 0), size)).large ? large : tile;
}

bool TileDelegate::drawsAsPainted(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const auto it = m_cache.constFind(index.data(ShardTableModel::IdRole).toInt());
    if (it == m_cache.constEnd())
        return false;
    Content c = contentOf(option, index);
    c.dpr = it->content.dpr; // the device's, set at paint time; a change of screen repaints everything anyway
    return !c.selected && c == it->content;
}

void TileDelegate::paint(QPainter *p, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    Content c = contentOf(option, index);
    if (c.selected) {
        // The selection outline reaches half a pixel past the tile: drawn in place.
        paintTile(p, option.rect, c);
        return;
    }
    if (const auto *device = p->device())
        c.dpr = device->devicePixelRatio();
    p->drawPixmap(option.rect.topLeft(), tilePixmap(c));
}

const QPixmap &TileDelegate::tilePixmap(const Content &c) const
{
    auto it = m_cache.find(c.id);
    if (it != m_cache.end() && it->content == c)
        return it->pixmap;
    QPixmap pixmap = c.size.width() < kSmallestTileWidth ? heatCellPixmap(c) : renderTile(c);
    const qint64 bytes = qint64(pixmap.width()) * pixmap.height() * 4;
    if (it == m_cache.end() && m_cacheBytes + bytes > kCacheBytesLimit) {
        m_cache.clear();
        m_cacheBytes = 0;
    }
    if (it == m_cache.end()) {
        it = m_cache.insert(c.id, {});
        m_cacheBytes += bytes;
    }
    it->content = c;
    it->pixmap = std::move(pixmap);
    return it->pixmap;
}

QPixmap TileDelegate::renderTile(const Content &c) const
{
    QPixmap pixmap(c.size * c.dpr);
    pixmap.setDevicePixelRatio(c.dpr);
    pixmap.fill(QColor::fromRgba(c.base)); // the viewport's background, as under a tile drawn in place
    {
        QPainter painter(&pixmap);
        paintTile(&painter, QRect(QPoint(0, 0), c.size), c);
    }
    ++m_renders;
    return pixmap;
}

QPixmap TileDelegate::heatCellPixmap(const Content &c) const
{
    // A cell draws neither its id nor the words of its age or fault: only whether they exist.
    Content look = c;
    look.id = 0;
    look.oldest = c.oldest.isEmpty() ? QString() : QStringLiteral("old");
    look.faultChip = c.faultChip.isEmpty() ? QString() : QStringLiteral("fault");
    for (const Cached &known : std::as_const(m_heatLooks)) {
        if (known.content == look)
            return known.pixmap; // implicitly shared: no copy of the pixels
    }
    if (m_heatLooks.size() >= kMostHeatLooks)
        m_heatLooks.clear();
    m_heatLooks.append({look, renderTile(look)});
    return m_heatLooks.constLast().pixmap;
}

void TileDelegate::paintBadge(QPainter *p, const QRect &r, const QString &text, const QColor &fg, const QColor &bg)
{
    p->setPen(Qt::NoPen);
    p->setBrush(bg);
    p->drawRoundedRect(r, 3, 3);
    p->setPen(fg);
    p->drawText(r, Qt::AlignCenter, text);
}

namespace {

void paintBackground(QPainter *p, const TileGeometry &g, const TileDelegate::Content &c)
{
    p->setPen(Qt::NoPen);
    p->setBrush(QColor::fromRgba(c.fill));
    p->drawRoundedRect(g.tile, 5, 5);
    if (c.selected) {
        p->setBrush(Qt::NoBrush);
        p->setPen(QPen(QColor::fromRgba(c.highlight), 3));
        p->drawRoundedRect(g.tile.adjusted(1, 1, -1, -1), 5, 5);
        p->setPen(QPen(QColor::fromRgba(c.outline), 1));
        p->drawRoundedRect(g.tile.adjusted(-1, -1, 1, 1), 6, 6);
    }
}

// First line: id (and the state's name or symbol on large and medium tiles). Returns the
// line's rect.
QRect paintFirstLine(QPainter *p, const TileGeometry &g, const TileDelegate::Content &c, QFont font)
{
    font.setPixelSize(g.large ? 13 : g.medium ? 11 : 10);
    font.setBold(true);
    p->setFont(font);
    p->setPen(QColor::fromRgba(c.text));
    const QRect line1(g.inner.left(), g.inner.top(), g.inner.width(), QFontMetrics(font).height());
    p->drawText(line1, Qt::AlignLeft | Qt::AlignVCenter, g.large ? QStringLiteral("#%1").arg(c.id) : QString::number(c.id));
    const int idWidth = QFontMetrics(font).horizontalAdvance(g.large ? QStringLiteral("#%1").arg(c.id) : QString::number(c.id));
    font.setBold(false);
    p->setFont(font);
    if (g.large || g.medium) {
        const bool fits = QFontMetrics(font).horizontalAdvance(c.stateText) + idWidth + 4 <= line1.width();
        p->drawText(line1, Qt::AlignRight | Qt::AlignVCenter, fits || c.stateShort.isEmpty() ? c.stateText : c.stateShort);
    }
    return line1;
}

void paintQueue(QPainter *p, const TileGeometry &g, const TileDelegate::Content &c, QFont font)
{
    font.setPixelSize(g.large ? 11 : 9);
    font.setBold(false);
    p->setFont(font);
    const QString queueText = g.large ? QStringLiteral("queue %1").arg(c.queue) : QString::number(c.queue);
    const int numW = (g.large || g.medium) ? QFontMetrics(font).horizontalAdvance(queueText) + 4 : 0;
    const QRect track = g.bar.adjusted(0, 0, -numW, 0);
    // An empty track is an outline only, so it never reads as a full bar; the fill is
    // solid in the tile's text colour.
    QColor text = QColor::fromRgba(c.text);
    QColor outline = text;
    outline.setAlpha(150);
    p->setPen(QPen(outline, 1));
    p->setBrush(Qt::NoBrush);
    p->drawRect(QRectF(track).adjusted(0.5, 0.5, -0.5, -0.5));
    p->setPen(Qt::NoPen);
    p->setBrush(text);
    const int filled = c.queue > 0 ? std::max(2, int(track.width() * c.fraction + 0.5)) : 0;
    p->drawRect(QRect(track.left(), track.top(), filled, track.height()));
    if (numW > 0) {
        p->setPen(QColor::fromRgba(c.text));
        p->drawText(QRect(g.bar.right() - numW + 1, g.bar.top() - 4, numW, g.bar.height() + 8),
                    Qt::AlignRight | Qt::AlignVCenter, queueText);
    }
}

} // namespace

void TileDelegate::paintHeatCell(QPainter *p, const QRect &rect, const Content &c)
{
    // A square of the state's colour. Colour is never the only signal: every cell that is
    // not serving carries its state's symbol (fitted to the cell), so a calm grid is plain
    // and trouble is marked; the tooltip names the state of any cell.
    p->save();
    p->fillRect(rect, QColor::fromRgba(c.fill));
    if (!c.serving && rect.width() >= 10) {
        QFont font = c.font;
        font.setBold(true);
        int px = std::max(6, rect.height() * 2 / 3);
        font.setPixelSize(px);
        while (px > 6 && QFontMetrics(font).horizontalAdvance(c.stateText) > rect.width() - 2)
            font.setPixelSize(--px);
        // Still too wide at the smallest size: as many letters as fit, not a clipped middle.
        QString text = c.stateText;
        while (text.size() > 1 && QFontMetrics(font).horizontalAdvance(text) > rect.width() - 2)
            text.chop(1);
        p->setFont(font);
        p->setPen(QColor::fromRgba(c.text));
        p->drawText(rect, Qt::AlignCenter, text);
    }
    if (c.versionSkew || c.queueSkew) {
        p->setPen(QPen(QColor(0xc0, 0x10, 0x30), 2)); // a skewed cell's corner mark
        p->drawLine(rect.topRight() + QPoint(-3, 1), rect.topRight() + QPoint(0, 1));
    }
    if (!c.oldest.isEmpty() && rect.height() >= 8) // an old request in flight: too small for its age in words
        p->fillRect(QRect(rect.left(), rect.bottom() - 2, rect.width(), 3), Qt::black);
    if (!c.faultChip.isEmpty() && rect.width() >= 10) { // an armed fault drill: a yellow corner
        const int side = std::max(4, rect.width() / 3);
        const QPoint corner = rect.bottomRight() - QPoint(0, c.oldest.isEmpty() ? 0 : 3);
        const QPolygon triangle({corner, corner - QPoint(side, 0), corner - QPoint(0, side)});
        p->setPen(QPen(Qt::black, 1));
        p->setBrush(kFaultChipColour);
        p->drawPolygon(triangle);
    }
    if (c.selected) {
        p->setBrush(Qt::NoBrush);
        p->setPen(QPen(QColor::fromRgba(c.outline), 2));
        p->drawRect(rect.adjusted(1, 1, -1, -1));
    }
    p->restore();
}

void TileDelegate::paintTile(QPainter *p, const QRect &rect, const Content &c)
{
    if (rect.width() < kSmallestTileWidth) {
        paintHeatCell(p, rect, c);
        return;
    }
    const TileGeometry g(rect);
    p->save();
    p->setRenderHint(QPainter::Antialiasing, true);
    paintBackground(p, g, c);
    const QRect line1 = paintFirstLine(p, g, c, c.font);

    // Second line: version (and state symbol on small tiles), badges on the right.
    QFont font = c.font;
    font.setPixelSize(g.large ? 12 : 10);
    font.setBold(false);
    p->setFont(font);
    const QRect line2(g.inner.left(), line1.bottom() + (g.large ? 4 : 1), g.inner.width(), QFontMetrics(font).height());
    p->drawText(line2, Qt::AlignLeft | Qt::AlignVCenter,
                (g.large || g.medium) ? QStringLiteral("v%1").arg(c.version) : c.stateText);
    QFont badgeFont = font;
    badgeFont.setPixelSize(g.large ? 10 : 9);
    badgeFont.setBold(true);
    p->setFont(badgeFont);
    const QFontMetrics bfm(badgeFont);
    int right = line2.right();
    auto badge = [&](const QString &label, const QColor &fg) {
        const int w = bfm.horizontalAdvance(label) + 6;
        paintBadge(p, QRect(right - w + 1, line2.top() + 1, w, line2.height() - 2), label, fg);
        right -= w + 3;
    };
    if (c.queueSkew)
        badge(g.large ? QStringLiteral("QUEUE") : QStringLiteral("Q"), QColor(0xb0, 0x40, 0x00));
    if (c.versionSkew)
        badge(g.large ? QStringLiteral("SKEW") : QStringLiteral("V"), QColor(0xc0, 0x10, 0x30));
    if (!c.faultChip.isEmpty()) {
        const QString label = g.large ? c.faultChip : QStringLiteral("F");
        const int w = bfm.horizontalAdvance(label) + 6;
        paintBadge(p, QRect(right - w + 1, line2.top() + 1, w, line2.height() - 2), label, Qt::black, kFaultChipColour);
        right -= w + 3;
    }
    if (!c.oldest.isEmpty()) {
        // Black reads on every state colour: the request that holds a drain stands out.
        const QString label = g.large ? QStringLiteral("oldest ") + c.oldest : c.oldest;
        const int w = bfm.horizontalAdvance(label) + 6;
        paintBadge(p, QRect(right - w + 1, line2.top() + 1, w, line2.height() - 2), label, Qt::white, Qt::black);
        right -= w + 3;
    }

    // Third line on large tiles: the counters an operator watches during a drain.
    if (g.large) {
        QFont small = font;
        small.setPixelSize(10);
        p->setFont(small);
        p->setPen(QColor::fromRgba(c.text));
        const QRect line3(g.inner.left(), line2.bottom() + 3, g.inner.width(), QFontMetrics(small).height());
        p->drawText(line3, Qt::AlignLeft | Qt::AlignVCenter,
                    QStringLiteral("in flight %1 \u00B7 %2").arg(c.inFlight).arg(c.latency));
    }
    paintQueue(p, g, c, font);
    p->restore();
}

} // namespace shardscope
