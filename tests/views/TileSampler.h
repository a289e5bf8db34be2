#pragma once

#include <QImage>
#include <QList>

class QAbstractItemView;

namespace shardscope::test {

// Reads the state of each tile back from the pixels of a grabbed grid: the colour at the
// tile's left edge, matched to the nearest state colour (-1 when none is close).
class TileSampler
{
public:
    static int stateOfColour(QRgb colour);
    // One entry per proxy row of the view, in row order.
    static QList<int> sample(QAbstractItemView &view);
};

} // namespace shardscope::test
