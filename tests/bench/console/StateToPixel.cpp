#include "StateToPixel.h"

#include <algorithm>
#include <limits>

namespace shardscope::bench {
namespace {

constexpr std::int64_t kForever = std::numeric_limits<std::int64_t>::max();

// The colour the tile showed just before `atUs`.
int shownBefore(const std::vector<ChangePoint> &pixels, std::int64_t atUs)
{
    int state = -1;
    for (const ChangePoint &p : pixels) {
        if (p.atUs >= atUs)
            break;
        state = p.state;
    }
    return state;
}

// True when the tile, at `p`, shows the state of a change after `k` that had happened by
// then: the display has moved past change k.
bool movedPast(const std::vector<StateChange> &changes, std::size_t k, const ChangePoint &p)
{
    for (std::size_t j = k + 1; j < changes.size(); ++j)
        if (changes[j].atMs * 1000 <= p.atUs && changes[j].state == p.state)
            return true;
    return false;
}

// The frame at which change k first shows, or null.
const ChangePoint *firstShown(const std::vector<StateChange> &changes, std::size_t k, const std::vector<ChangePoint> &pixels)
{
    const std::int64_t atUs = changes[k].atMs * 1000;
    for (const ChangePoint &p : pixels) {
        if (p.atUs < atUs)
            continue;
        if (p.state == changes[k].state)
            return &p;
        if (movedPast(changes, k, p))
            return nullptr;
    }
    return nullptr;
}

void count(std::array<int, 8> &byState, int state)
{
    if (state >= 0 && state < int(byState.size()))
        ++byState[std::size_t(state)];
}

void addObserved(StateToPixel &out, const StateChange &c, const ChangePoint &shown)
{
    const std::int64_t atUs = c.atMs * 1000;
    out.latencyMs.push_back(double(shown.atUs - atUs) / 1000.0);
    if (shown.tickUs > 0) {
        out.toSnapshotMs.push_back(std::max(0.0, double(shown.tickUs - atUs) / 1000.0));
        out.snapshotToPixelMs.push_back(double(shown.atUs - shown.tickUs) / 1000.0);
    }
    ++out.observed;
    count(out.observedByState, c.state);
}

} // namespace

void StateToPixel::add(const StateToPixel &o)
{
    latencyMs.insert(latencyMs.end(), o.latencyMs.begin(), o.latencyMs.end());
    toSnapshotMs.insert(toSnapshotMs.end(), o.toSnapshotMs.begin(), o.toSnapshotMs.end());
    snapshotToPixelMs.insert(snapshotToPixelMs.end(), o.snapshotToPixelMs.begin(), o.snapshotToPixelMs.end());
    observed += o.observed;
    brief += o.brief;
    unchanged += o.unchanged;
    missed += o.missed;
    for (std::size_t s = 0; s < observedByState.size(); ++s) {
        observedByState[s] += o.observedByState[s];
        unseenByState[s] += o.unseenByState[s];
    }
}

StateToPixel matchStateChanges(const std::vector<StateChange> &changes, const std::vector<ChangePoint> &pixels,
                               int briefMs)
{
    StateToPixel out;
    for (std::size_t k = 0; k < changes.size(); ++k) {
        const StateChange &c = changes[k];
        if (shownBefore(pixels, c.atMs * 1000) == c.state) {
            ++out.unchanged;
            continue;
        }
        if (const ChangePoint *shown = firstShown(changes, k, pixels)) {
            addObserved(out, c, *shown);
            continue;
        }
        const std::int64_t heldMs = k + 1 < changes.size() ? changes[k + 1].atMs - c.atMs : kForever;
        ++(heldMs < briefMs ? out.brief : out.missed);
        count(out.unseenByState, c.state);
    }
    return out;
}

} // namespace shardscope::bench
