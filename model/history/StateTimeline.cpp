#include "model/history/StateTimeline.h"

#include "backend/types/ServiceSnapshot.h"

namespace shardscope {

bool StateTimeline::apply(const ServiceSnapshot &snapshot)
{
    std::vector<int> states;
    states.reserve(snapshot.shards.size());
    for (const ShardSnapshot &s : snapshot.shards)
        states.push_back(int(s.state));
    return applyStates(snapshot.takenAtMs, states);
}

bool StateTimeline::applyStates(qint64 nowMs, const std::vector<int> &states)
{
    if (states.size() != m_runs.size()) {
        m_runs.assign(states.size(), {});
        m_firstMs = nowMs;
    }
    m_lastMs = nowMs;
    bool changed = false;
    for (std::size_t i = 0; i < states.size(); ++i) {
        std::deque<StateRun> &runs = m_runs[i];
        if (!runs.empty() && runs.back().state == states[i])
            continue;
        runs.push_back({nowMs, states[i]});
        if (runs.size() > kMaxRunsPerShard)
            runs.pop_front();
        changed = true;
    }
    return changed;
}

} // namespace shardscope
