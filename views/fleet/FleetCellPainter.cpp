#include "views/fleet/FleetCellPainter.h"

#include "model/shards/ShardTableModel.h"
#include "views/ColourTable.h"

#include <QPainter>
#include <QPainterPath>

namespace shardscope {
namespace {

// The skew mark: black or white, whichever the state's fill does not hide.
QColor markColour(int state, bool dark)
{
    return stateInk(state, dark) == QColor(Qt::black) ? QColor(Qt::black) : QColor(Qt::white);
}

void corner(QPainter &p, const QRectF &r, const QColor &c, qreal size)
{
    QPainterPath path;
    path.moveTo(r.topRight());
    path.lineTo(r.topRight() + QPointF(-size, 0));
    path.lineTo(r.topRight() + QPointF(0, size));
    path.closeSubpath();
    p.fillPath(path, c);
}

} // namespace

FleetCellPainter::Detail FleetCellPainter::detailFor(const QSizeF &cell)
{
    if (cell.width() >= 30 && cell.height() >= 14)
        return Detail::Symbol;
    if (cell.width() >= 5 && cell.height() >= 5)
        return Detail::Fill;
    return Detail::Speck;
}

void FleetCellPainter::paint(QPainter &p, const QRectF &cell, const ShardRow &shard, bool dark)
{
    const int state = ShardTableModel::shownState(shard);
    const bool skewed = shard.versionSkew || shard.queueSkew;
    const Detail detail = detailFor(cell.size());
    // A gap between cells once they are big enough to spare one.
    const QRectF r = detail == Detail::Speck ? cell : cell.adjusted(0, 0, -1, -1);
    p.fillRect(r, stateFill(state, dark));
    if (!skewed && detail != Detail::Symbol)
        return;
    const QColor mark = markColour(state, dark);
    switch (detail) {
    case Detail::Speck:
        p.fillRect(QRectF(r.left(), r.top(), r.width(), r.height() / 2), mark);
        return;
    case Detail::Fill:
        corner(p, r, mark, std::min(r.width(), r.height()) * 0.8);
        return;
    case Detail::Symbol: {
        if (skewed) {
            p.setPen(QPen(mark, 2));
            p.drawRect(r.adjusted(1, 1, -1, -1));
        }
        QFont f = p.font();
        f.setPixelSize(int(std::clamp(r.height() * 0.5, 8.0, 12.0)));
        f.setBold(true);
        p.setFont(f);
        p.setPen(stateInk(state, dark));
        p.drawText(r, Qt::AlignCenter, stateSymbol(state));
        return;
    }
    }
}

void FleetCellPainter::veil(QPainter &p, const QRectF &cells, bool dark)
{
    p.fillRect(cells, colourFor(Meaning::Veil, dark));
}

} // namespace shardscope
