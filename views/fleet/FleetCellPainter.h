#pragma once

#include <QRectF>

class QPainter;

namespace shardscope {

struct ShardRow;

// One paint routine for a shard's cell in the fleet matrix, whose detail follows the cell
// size (as Qt's chip example does with its level of detail): the state's name symbol on
// large cells, a fill with a skew corner on small ones, a plain fill with a skew half on
// cells a few pixels wide. Colours are the single-node tiles' (ColourTable's stateFill).
class FleetCellPainter
{
public:
    enum class Detail { Speck, Fill, Symbol };

    static Detail detailFor(const QSizeF &cell);
    static void paint(QPainter &p, const QRectF &cell, const ShardRow &shard, bool dark);
    // Grey over cells that show a last state seen (a node gone or out of reach).
    static void veil(QPainter &p, const QRectF &cells, bool dark);
};

} // namespace shardscope
