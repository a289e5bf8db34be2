#include "views/ColourTable.h"

#include "model/shards/StateStyle.h"

#include <QPalette>

namespace shardscope {

QColor colourFor(Meaning meaning, bool dark)
{
    switch (meaning) {
    case Meaning::Good: return stateColour(0);
    case Meaning::Running: return stateColour(3);
    case Meaning::Failure: return stateColour(5);
    // Text on the dark window needs a lighter red to be read at all.
    case Meaning::FailureText: return dark ? QColor(0xff, 0x8a, 0x80) : stateColour(5);
    case Meaning::Stalled: return stateColour(kStalledStateIndex);
    case Meaning::Fault: return {0xff, 0xd6, 0x00};
    case Meaning::Inactive: return {0x75, 0x75, 0x75};
    case Meaning::NoData: return dark ? QColor(0xb0, 0xb0, 0xb0) : QColor(0x61, 0x61, 0x61);
    }
    return Qt::black;
}

bool isDarkPalette(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

} // namespace shardscope
