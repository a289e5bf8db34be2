#include "views/ColourTable.h"

#include "model/shards/StateStyle.h"

#include <QPalette>

#include <array>

namespace shardscope {

namespace {
// By StateStyle index: serving, gated, draining, restarting, verifying, canceled, stopped,
// failed, stalled. The light values are StateStyle's own.
constexpr std::array<QRgb, kStateStyleCount> kDarkFills = {
    0x2a8a42, 0xd9a300, 0xdb6e00, 0x3a6cc8, 0x118587, 0xc62828, 0x767676, 0xad1b8a, 0x9c7a6c};
} // namespace

QColor stateFill(int i, bool dark)
{
    if (i < 0 || i >= kStateStyleCount)
        return Qt::black;
    return dark ? QColor::fromRgb(kDarkFills[std::size_t(i)]) : stateColour(i);
}

QColor inkOn(const QColor &c)
{
    const double lum = 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF();
    return lum > 0.6 ? QColor(Qt::black) : QColor(Qt::white);
}

QColor stateInk(int i, bool dark)
{
    return inkOn(stateFill(i, dark));
}

QColor restartStepColour(int step, bool dark)
{
    // By RestartStep: prepare, drain, restart, verify, resume, rollback.
    // The StateStyle indices of gated, draining, restarting, verifying, serving, failed.
    static constexpr std::array<int, 6> kStepStates = {1, 2, 3, 4, 0, 7};
    if (step < 0 || step >= int(kStepStates.size()))
        return colourFor(Meaning::Inactive, dark);
    return stateFill(kStepStates[std::size_t(step)], dark);
}

QColor colourFor(Meaning meaning, bool dark)
{
    switch (meaning) {
    case Meaning::Good: return stateFill(0, dark);
    case Meaning::GoodText: return dark ? QColor(0x81, 0xc7, 0x84) : QColor(0x2e, 0x7d, 0x32);
    case Meaning::Running: return stateFill(3, dark);
    case Meaning::Failure: return stateFill(5, dark);
    // Text on the dark window needs a lighter red to be read at all.
    case Meaning::FailureText: return dark ? QColor(0xff, 0x8a, 0x80) : stateFill(5, false);
    case Meaning::Warning: return dark ? QColor(0xd9, 0x9a, 0x00) : QColor(0xff, 0xb3, 0x00);
    case Meaning::WarningText: return dark ? QColor(0xff, 0xb7, 0x4d) : QColor(0xe6, 0x51, 0x00);
    case Meaning::WarningBand: return dark ? QColor(0x4a, 0x3a, 0x10) : QColor(0xff, 0xe0, 0x8a);
    case Meaning::WarningBandText: return dark ? QColor(0xff, 0xd5, 0x4f) : QColor(0x5a, 0x3a, 0x00);
    case Meaning::FailureBand: return dark ? QColor(0x9b, 0x1c, 0x1c) : stateFill(5, false);
    case Meaning::SeriesAll: return dark ? QColor(0x6a, 0xa7, 0xff) : stateFill(3, false);
    case Meaning::SeriesSelected: return dark ? QColor(0xf0, 0xf0, 0xf0) : QColor(0x21, 0x21, 0x21);
    case Meaning::Stalled: return stateFill(kStalledStateIndex, dark);
    case Meaning::Fault: return {0xff, 0xd6, 0x00};
    case Meaning::Inactive: return {0x75, 0x75, 0x75};
    case Meaning::Veil: return {0x80, 0x80, 0x80, 150};
    case Meaning::NoData: return dark ? QColor(0xb0, 0xb0, 0xb0) : QColor(0x61, 0x61, 0x61);
    }
    return Qt::black;
}

bool isDarkPalette(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

} // namespace shardscope
