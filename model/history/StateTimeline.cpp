#include "model/history/StateTimeline.h"

#include "backend/types/ServiceSnapshot.h"
#include "model/shards/StateStyle.h"

#include <algorithm>

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

namespace shardscope {

namespace {
bool trouble(int state)
{
    return state == kStalledStateIndex || state == int(ShardState::Failed) || state == int(ShardState::Canceled);
}
} // namespace

std::vector<int> StateTimeline::rowOrder(bool changedOnly, bool troubleFirst) const
{
    std::vector<int> rows;
    for (std::size_t i = 0; i < m_runs.size(); ++i)
        if (!changedOnly || m_runs[i].size() > 1)
            rows.push_back(int(i));
    if (troubleFirst)
        std::stable_partition(rows.begin(), rows.end(), [this](int r) { return inTrouble(r); });
    return rows;
}

bool StateTimeline::inTrouble(int row) const
{
    const auto &runs = m_runs[std::size_t(row)];
    return !runs.empty() && trouble(runs.back().state);
}

std::vector<int> StateTimeline::currentCounts(int stateCount) const
{
    std::vector<int> counts(std::size_t(std::max(0, stateCount)), 0);
    for (const auto &runs : m_runs)
        if (!runs.empty() && runs.back().state >= 0 && runs.back().state < stateCount)
            ++counts[std::size_t(runs.back().state)];
    return counts;
}

} // namespace shardscope
