#pragma once

#include <QColor>

class QPalette;

namespace shardscope {

// The console's colours by what they mean, with a value for the light and the dark theme,
// so one meaning has one colour everywhere (the shard states' colours come from
// StateStyle and are the same in both themes: they carry the state).
enum class Meaning {
    Good,        // ready, a step done: the serving green
    Running,     // a step under way: the restarting blue
    Failure,     // a fill for not ready, shards down, a failed step: the canceled red
    FailureText, // the same meaning as text on the window's background
    Stalled,     // the stalled state's brown
    Fault,       // an armed fault drill: hazard yellow
    Inactive,    // not live: grey
    NoData,      // a span of a chart without data
};

QColor colourFor(Meaning meaning, bool dark);
// Whether a palette is the dark theme's (its base is darker than mid-grey).
bool isDarkPalette(const QPalette &palette);

} // namespace shardscope
