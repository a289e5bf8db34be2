#pragma once

#include <QColor>

class QPalette;

namespace shardscope {

// The console's colours by what they mean, with a value for the light and the dark theme,
// so one meaning has one colour everywhere, in the single-node and the cluster windows.
enum class Meaning {
    Good,        // ready, a step done: the serving green
    GoodText,    // the same meaning as text on the window's background
    Running,     // a step under way: the restarting blue
    Failure,     // a fill for not ready, shards down, a failed step: the canceled red
    FailureText, // the same meaning as text on the window's background
    Warning,     // a fill for something to look at (versions differ): amber
    WarningText, // the same meaning as text on the window's background
    // The header's bands and the charts' lines (single-node console).
    WarningBand,     // the version line while more than one version serves: a calm amber band
    WarningBandText, // text on that band
    FailureBand,     // the "shards down" banner: red, deeper in the dark theme so it does not glare
    SeriesAll,       // a chart's line for all shards (and a latency sparkline's p50)
    SeriesSelected,  // a chart's line for the selected shard: the selected tile's outline colour
    Stalled,     // the stalled state's brown
    Fault,       // an armed fault drill: hazard yellow
    Inactive,    // not live: grey
    NoData,      // a span of a chart without data
    Veil,        // translucent grey over what is not live (the single-node grid, a gone node's band)
};

QColor colourFor(Meaning meaning, bool dark);
// A shard state's fill (StateStyle index, stalled included) and the text drawn on it. The
// dark theme's fills are a little deeper so tiles do not glare on a dark window, and its
// stalled brown is lighter so a stalled shard does not sink into the background.
QColor stateFill(int stateIndex, bool dark);
QColor stateInk(int stateIndex, bool dark);
// Black or white, whichever reads on `fill`.
QColor inkOn(const QColor &fill);
// The colour a restart step is shaded with in the charts: the state its shards pass
// through (prepare gated, drain draining, ..., resume serving, rollback failed).
QColor restartStepColour(int step, bool dark);
// Whether a palette is the dark theme's (its base is darker than mid-grey).
bool isDarkPalette(const QPalette &palette);

} // namespace shardscope
