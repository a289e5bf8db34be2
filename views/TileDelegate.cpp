#include "views/TileDelegate.h"

#include "model/ShardTableModel.h"

#include <QPainter>
#include <QPainterPath>

namespace shardscope {

namespace {
// "0.42", "3.1", "1500": three significant digits without an exponent.
QString formatMs(quint32 us)
{
    const double ms = us / 1000.0;
    return ms >= 100 ? QString::number(qRound(ms)) : QString::number(ms, 'f', ms >= 10 ? 1 : 2);
}
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

void TileDelegate::paintBadge(QPainter *p, const QRect &r, const QString &text, const QColor &fg) const
{
    p->setPen(Qt::NoPen);
    p->setBrush(QColor(255, 255, 255, 235));
    p->drawRoundedRect(r, 3, 3);
    p->setPen(fg);
    p->drawText(r, Qt::AlignCenter, text);
}

void TileDelegate::paint(QPainter *p, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    using R = ShardTableModel;
    const QColor fill = index.data(R::ColourRole).value<QColor>();
    const QColor text = index.data(R::TextColourRole).value<QColor>();
    const int id = index.data(R::IdRole).toInt();
    const quint64 version = index.data(R::VersionRole).toULongLong();
    const quint32 queue = index.data(R::QueueDepthRole).toUInt();
    const double fraction = index.data(R::QueueFractionRole).toDouble();
    const bool versionSkew = index.data(R::VersionSkewRole).toBool();
    const bool queueSkew = index.data(R::QueueSkewRole).toBool();
    const bool selected = option.state.testFlag(QStyle::State_Selected);

    p->save();
    p->setRenderHint(QPainter::Antialiasing, true);
    const QRect tile = option.rect.adjusted(1, 1, -1, -1);
    p->setPen(Qt::NoPen);
    p->setBrush(fill);
    p->drawRoundedRect(tile, 5, 5);
    if (selected) {
        p->setBrush(Qt::NoBrush);
        p->setPen(QPen(option.palette.color(QPalette::Highlight), 3));
        p->drawRoundedRect(tile.adjusted(1, 1, -1, -1), 5, 5);
        p->setPen(QPen(option.palette.color(QPalette::Text), 1));
        p->drawRoundedRect(tile.adjusted(-1, -1, 1, 1), 6, 6);
    }

    const bool large = tile.width() >= 100;
    const bool medium = !large && tile.width() >= 64;
    QFont font = option.font;
    const int pad = large ? 7 : 4;
    const QRect inner = tile.adjusted(pad, pad - 2, -pad, -pad);
    const int barH = large ? 8 : medium ? 6 : 4;
    const QRect bar(inner.left(), inner.bottom() - barH + 1, inner.width(), barH);

    font.setPixelSize(large ? 13 : medium ? 11 : 10);
    font.setBold(true);
    p->setFont(font);
    p->setPen(text);
    const QString idText = large ? QStringLiteral("#%1").arg(id) : QString::number(id);
    const QString stateText = large ? index.data(R::StateNameRole).toString() : index.data(R::StateSymbolRole).toString();
    const int lineH = QFontMetrics(font).height();
    QRect line1(inner.left(), inner.top(), inner.width(), lineH);
    p->drawText(line1, Qt::AlignLeft | Qt::AlignVCenter, idText);
    font.setBold(false);
    p->setFont(font);
    if (large || medium) {
        p->drawText(line1, Qt::AlignRight | Qt::AlignVCenter, stateText);
    }

    // Second line: version (and state symbol on small tiles), badges on the right.
    font.setPixelSize(large ? 12 : 10);
    p->setFont(font);
    const QRect line2(inner.left(), line1.bottom() + (large ? 4 : 1), inner.width(), QFontMetrics(font).height());
    if (large || medium) {
        p->drawText(line2, Qt::AlignLeft | Qt::AlignVCenter, QStringLiteral("v%1").arg(version));
    } else {
        p->drawText(line2, Qt::AlignLeft | Qt::AlignVCenter, stateText);
    }
    QFont badgeFont = font;
    badgeFont.setPixelSize(large ? 10 : 9);
    badgeFont.setBold(true);
    p->setFont(badgeFont);
    const QFontMetrics bfm(badgeFont);
    int right = line2.right();
    auto badge = [&](const QString &label, const QColor &fg) {
        const int w = bfm.horizontalAdvance(label) + 6;
        const QRect r(right - w + 1, line2.top() + 1, w, line2.height() - 2);
        paintBadge(p, r, label, fg);
        right -= w + 3;
    };
    if (queueSkew)
        badge(large ? QStringLiteral("QUEUE") : QStringLiteral("Q"), QColor(0xb0, 0x40, 0x00));
    if (versionSkew)
        badge(large ? QStringLiteral("SKEW") : QStringLiteral("V"), QColor(0xc0, 0x10, 0x30));

    // Third line on large tiles: the counters an operator watches during a drain.
    if (large) {
        QFont small = font;
        small.setPixelSize(10);
        small.setBold(false);
        p->setFont(small);
        p->setPen(text);
        const QRect line3(inner.left(), line2.bottom() + 3, inner.width(), QFontMetrics(small).height());
        p->drawText(line3, Qt::AlignLeft | Qt::AlignVCenter,
                    QStringLiteral("in flight %1 \u00B7 p99 %2 ms")
                        .arg(index.data(R::InFlightRole).toUInt())
                        .arg(formatMs(index.data(R::LatencyP99Role).toUInt())));
    }

    // Queue bar and number.
    font.setPixelSize(large ? 11 : 9);
    font.setBold(false);
    p->setFont(font);
    const QString queueText = large ? QStringLiteral("queue %1").arg(queue) : QString::number(queue);
    const int numW = (large || medium) ? QFontMetrics(font).horizontalAdvance(queueText) + 4 : 0;
    QRect track = bar.adjusted(0, 0, -numW, 0);
    p->setPen(Qt::NoPen);
    p->setBrush(QColor(0, 0, 0, 70));
    p->drawRect(track);
    p->setBrush(QColor(255, 255, 255, 220));
    p->drawRect(QRect(track.left(), track.top(), int(track.width() * fraction + 0.5), track.height()));
    if (numW > 0) {
        p->setPen(text);
        p->drawText(QRect(bar.right() - numW + 1, bar.top() - 4, numW, bar.height() + 8),
                    Qt::AlignRight | Qt::AlignVCenter, queueText);
    }
    p->restore();
}

} // namespace shardscope
