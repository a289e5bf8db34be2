#pragma once

#include <QtGlobal>

#include <deque>
#include <vector>

namespace shardscope {

struct ServiceSnapshot;

// A shard entered `state` at `startMs` (epoch ms) and stayed until the next run.
struct StateRun {
    qint64 startMs = 0;
    int state = 0; // StateStyle index
};

// Per shard, the runs of states it went through, so the timeline can show afterwards
// which shard was in which state when. Bounded per shard; the oldest runs fall off.
class StateTimeline
{
public:
    static constexpr std::size_t kMaxRunsPerShard = 512;

    // Records state changes; true if any shard changed state.
    bool apply(const ServiceSnapshot &snapshot);
    // For tests and scripted views.
    bool applyStates(qint64 nowMs, const std::vector<int> &states);

    int shardCount() const { return int(m_runs.size()); }
    // The rows a timeline draws, in order: all of them, or only those whose state changed
    // in the history kept; with `troubleFirst`, rows now stalled, failed or canceled lead
    // (ids ascending within each part).
    std::vector<int> rowOrder(bool changedOnly, bool troubleFirst) const;
    // Whether a shard is now stalled, failed or canceled: the rows a timeline pins.
    bool inTrouble(int row) const;
    // How many shards are in each state now, by StateStyle index.
    std::vector<int> currentCounts(int stateCount) const;
    const std::deque<StateRun> &runs(int row) const { return m_runs[std::size_t(row)]; }
    qint64 firstMs() const { return m_firstMs; }
    qint64 lastMs() const { return m_lastMs; }

private:
    std::vector<std::deque<StateRun>> m_runs;
    qint64 m_firstMs = 0;
    qint64 m_lastMs = 0;
};

} // namespace shardscope
