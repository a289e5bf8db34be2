#pragma once

#include "backend/types/Query.h"

#include <QString>

#include <vector>

namespace shardscope {

// What the built-in workload does besides its procedure mix, so an operator (and a
// screenshot test) sees the same thing every time. Pinned shards wrap around the shard
// count; with one shard nothing is pinned.
enum class WorkloadScenario { HotAndSlow, Uniform, HotShard, SlowShard, StalledShard };
inline constexpr int kWorkloadScenarioCount = 5;

// The shards a scenario singles out.
inline constexpr int kHotShard = 0;
inline constexpr int kSlowShard = 1;
inline constexpr int kStalledShard = 2;

QString scenarioName(WorkloadScenario s);   // "hot and slow shards", "uniform", ...
QString scenarioKey(WorkloadScenario s);    // "hot-slow", "uniform", ... (command line, settings)
bool parseScenario(const QString &key, WorkloadScenario &out);
// One or two sentences for the workload panel: what the operator should see.
QString scenarioDescription(WorkloadScenario s);

// The scenario's own requests, paced by elapsed time: a burst to the hot shard every 2 s,
// a steady stream of heavier work to the slow shard, one long wait on the stalled shard.
// Lives on the workload thread; not thread-safe.
class ScenarioPacer
{
public:
    // The requests due after `elapsedMs` more milliseconds. `stalledOutstanding`: the
    // stalled shard's long request is still in flight (it is re-sent when it ends).
    std::vector<QueryRequest> due(WorkloadScenario s, int shardCount, double elapsedMs, bool stalledOutstanding);
    // Share of the mix that goes to the hot shard (0 when the scenario has none).
    static double hotShare(WorkloadScenario s);

    static constexpr int kBurstEveryMs = 2000;
    static constexpr int kBurstSize = 40;
    static constexpr int kBurstSpinMs = 5;
    static constexpr double kSlowPerSecond = 6;
    static constexpr int kSlowSpinMs = 40;
    static constexpr int kStallSleepMs = 60000;

private:
    double m_sinceBurstMs = kBurstEveryMs / 2; // the first burst a second after the start
    double m_slowBudget = 0;
    double m_sinceStallMs = 1000; // the first long wait goes out at once
};

// Whether a scenario request is the stalled shard's long wait (the driver tracks it).
bool isStallRequest(const QueryRequest &r);

} // namespace shardscope
