#pragma once

#include <QImage>
#include <QList>
#include <QRect>

class QAbstractItemView;

namespace shardscope::test {

// Reads the state of each tile back from the pixels of a grabbed grid: the colour at the
// tile's left edge, matched to the nearest state colour (-1 when none is close). Used by
// the console restart test (frames rendered with QWidget::grab) and by bench_console
// (frames read back from the window's backing store).
class TileSampler
{
public:
    static int stateOfColour(QRgb colour);
    // Each proxy row's tile, in viewport coordinates, in row order.
    static QList<QRect> tileRects(QAbstractItemView &view);
    // The pixel of a tile that carries its state colour (left edge, middle).
    // Heat-map cells (narrower than a small tile) carry their state's symbol in the middle:
    // probe their top-left corner, which is always the state colour.
    static QPoint probePoint(const QRect &tile)
    {
        return tile.width() < 44 ? QPoint(tile.left() + 2, tile.top() + 2) : QPoint(tile.left() + 3, tile.top() + tile.height() / 2);
    }
    // States read from `viewportImage` at each rect's probe point; -1 off the image.
    static QList<int> sample(const QImage &viewportImage, const QList<QRect> &tiles);
    // One entry per proxy row of the view, in row order, from a fresh render of its viewport.
    static QList<int> sample(QAbstractItemView &view);
};

} // namespace shardscope::test
