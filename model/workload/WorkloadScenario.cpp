#include "model/workload/WorkloadScenario.h"

#include <QJsonObject>

#include <algorithm>

namespace shardscope {

namespace {
struct Info {
    WorkloadScenario scenario;
    const char *key;
    const char *name;
    const char *description;
};
constexpr Info kInfo[kWorkloadScenarioCount] = {
    {WorkloadScenario::HotAndSlow, "hot-slow", "hot and slow shards",
     "Shard 0 is hot: it gets 30% of the queries and a burst of 40 every 2 s, so its queue fills and empties. "
     "Shard 1 is slow: 6 queries a second that each take 40 ms of work, so its latency stands out."},
    {WorkloadScenario::Uniform, "uniform", "uniform",
     "Every shard gets the same share of the mix below; no shard stands out."},
    {WorkloadScenario::HotShard, "hot", "hot shard",
     "Shard 0 gets 30% of the queries and a burst of 40 every 2 s: its queue fills and empties."},
    {WorkloadScenario::SlowShard, "slow", "slow shard",
     "Shard 1 gets 6 queries a second that each take 40 ms of work: its latency stands out."},
    {WorkloadScenario::StalledShard, "stalled", "stalled shard",
     "Shard 2 holds one query that waits 60 s (sent again when it ends): the shard is drawn stalled, "
     "and a restart's drain waits for it."},
};

const Info &info(WorkloadScenario s)
{
    return kInfo[std::clamp(int(s), 0, kWorkloadScenarioCount - 1)];
}

QueryRequest spin(int ms, int shard)
{
    QueryRequest r;
    r.procedure = QStringLiteral("spin");
    r.args = {{QStringLiteral("ms"), ms}};
    r.pinnedShard = shard;
    return r;
}

bool hasHot(WorkloadScenario s) { return s == WorkloadScenario::HotAndSlow || s == WorkloadScenario::HotShard; }
bool hasSlow(WorkloadScenario s) { return s == WorkloadScenario::HotAndSlow || s == WorkloadScenario::SlowShard; }
} // namespace

QString scenarioName(WorkloadScenario s) { return QString::fromLatin1(info(s).name); }
QString scenarioKey(WorkloadScenario s) { return QString::fromLatin1(info(s).key); }
QString scenarioDescription(WorkloadScenario s) { return QString::fromLatin1(info(s).description); }

bool parseScenario(const QString &key, WorkloadScenario &out)
{
    for (const Info &i : kInfo)
        if (key == QLatin1String(i.key)) {
            out = i.scenario;
            return true;
        }
    return false;
}

double ScenarioPacer::hotShare(WorkloadScenario s)
{
    return hasHot(s) ? 0.3 : 0.0;
}

bool isStallRequest(const QueryRequest &r)
{
    return r.procedure == QLatin1String("sleep") && r.args.value(QStringLiteral("ms")).toInt() == ScenarioPacer::kStallSleepMs;
}

std::vector<QueryRequest> ScenarioPacer::due(WorkloadScenario s, int shardCount, double elapsedMs, bool stalledOutstanding)
{
    std::vector<QueryRequest> out;
    if (shardCount < 2)
        return out; // one shard: nothing to single out
    if (hasHot(s)) {
        m_sinceBurstMs += elapsedMs;
        if (m_sinceBurstMs >= kBurstEveryMs) {
            m_sinceBurstMs = 0;
            for (int i = 0; i < kBurstSize; ++i)
                out.push_back(spin(kBurstSpinMs, kHotShard % shardCount));
        }
    }
    if (hasSlow(s)) {
        // Never bank more than a second's worth: a paused thread must not fire a flood.
        m_slowBudget = std::min(m_slowBudget + kSlowPerSecond * elapsedMs / 1000.0, kSlowPerSecond);
        while (m_slowBudget >= 1.0) {
            m_slowBudget -= 1.0;
            out.push_back(spin(kSlowSpinMs, kSlowShard % shardCount));
        }
    }
    m_sinceStallMs += elapsedMs;
    // At most once a second: a shard that refuses at once must not get a stream of them.
    if (s == WorkloadScenario::StalledShard && !stalledOutstanding && m_sinceStallMs >= 1000) {
        m_sinceStallMs = 0;
        QueryRequest r;
        r.procedure = QStringLiteral("sleep");
        r.args = {{QStringLiteral("ms"), kStallSleepMs}};
        r.pinnedShard = kStalledShard % shardCount;
        r.deadlineMs = kStallSleepMs + 5000; // answered when its wait ends, not cut by the default deadline
        out.push_back(r);
    }
    return out;
}

} // namespace shardscope
