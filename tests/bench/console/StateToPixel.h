#pragma once
// State-change-to-pixel latency: matches each shard state change the service logged
// (with its time) to the first painted frame in which the shard's tile shows the new
// state's colour.

#include "PixelProbe.h"

#include <array>
#include <cstdint>
#include <vector>

namespace shardscope::bench {

struct StateChange {
    std::int64_t atMs = 0; // the service's event time (epoch ms, whole milliseconds)
    int state = 0;
};

// How each state change ended up on screen.
struct StateToPixel {
    std::vector<double> latencyMs; // observed ones: frame time - event time
    // The same split in two, where the frame's snapshot time is known: from the state
    // change to the snapshot that carried it (the pump's 50 ms period), and from that
    // snapshot to the painted frame.
    std::vector<double> toSnapshotMs, snapshotToPixelMs;
    int observed = 0;
    int brief = 0;     // never drawn, but the state lasted < briefMs (gone before a frame could show it)
    int unchanged = 0; // the tile already showed this colour (the states between were too brief)
    int missed = 0;    // lasted >= briefMs (or is the last state) and was never drawn
    // Per state index: observed and not observed (brief + missed) counts.
    std::array<int, 8> observedByState{}, unseenByState{};

    void add(const StateToPixel &other);
};

// One shard: its state changes in order, and its tile's colour changes (the first entry is
// the tile before any of the changes).
StateToPixel matchStateChanges(const std::vector<StateChange> &changes, const std::vector<ChangePoint> &pixels,
                               int briefMs);

} // namespace shardscope::bench
