#include "TileSampler.h"

#include "model/StateStyle.h"

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

QList<int> TileSampler::sample(QAbstractItemView &view)
{
    const QImage image = view.viewport()->grab().toImage();
    QList<int> states;
    const int rows = view.model()->rowCount();
    for (int r = 0; r < rows; ++r) {
        const QRect rect = view.visualRect(view.model()->index(r, 0));
        const QPoint p(rect.left() + 3, rect.top() + rect.height() / 2);
        states << (image.rect().contains(p) ? stateOfColour(image.pixel(p)) : -1);
    }
    return states;
}

} // namespace shardscope::test
