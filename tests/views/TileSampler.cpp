#include "TileSampler.h"

#include "model/shards/StateStyle.h"

#include <QAbstractItemView>
#include <QPixmap>

#include <cstdlib>

namespace shardscope::test {

int TileSampler::stateOfColour(QRgb c)
{
    for (int s = 0; s < kStateStyleCount; ++s) {
        const QRgb want = stateColour(s).rgb();
        if (std::abs(qRed(c) - qRed(want)) < 30 && std::abs(qGreen(c) - qGreen(want)) < 30
            && std::abs(qBlue(c) - qBlue(want)) < 30)
            return s;
    }
    return -1;
}

QList<QRect> TileSampler::tileRects(QAbstractItemView &view)
{
    QList<QRect> rects;
    const int rows = view.model()->rowCount();
    rects.reserve(rows);
    for (int r = 0; r < rows; ++r)
        rects << view.visualRect(view.model()->index(r, 0));
    return rects;
}

QList<int> TileSampler::sample(const QImage &image, const QList<QRect> &tiles)
{
    QList<int> states;
    states.reserve(tiles.size());
    for (const QRect &tile : tiles) {
        const QPoint p = probePoint(tile);
        states << (image.rect().contains(p) ? stateOfColour(image.pixel(p)) : -1);
    }
    return states;
}

QList<int> TileSampler::sample(QAbstractItemView &view)
{
    return sample(view.viewport()->grab().toImage(), tileRects(view));
}

} // namespace shardscope::test
