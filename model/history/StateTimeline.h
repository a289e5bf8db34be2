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
    const std::deque<StateRun> &runs(int row) const { return m_runs[std::size_t(row)]; }
    qint64 firstMs() const { return m_firstMs; }
    qint64 lastMs() const { return m_lastMs; }

private:
    std::vector<std::deque<StateRun>> m_runs;
    qint64 m_firstMs = 0;
    qint64 m_lastMs = 0;
};

} // namespace shardscope
