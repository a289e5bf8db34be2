#include "model/shards/SkewAnalysis.h"

#include <algorithm>
#include <map>

namespace shardscope {

bool hasLiveActor(ShardState state)
{
    return state != ShardState::Canceled && state != ShardState::Stopped && state != ShardState::Failed;
}

static double median(std::vector<std::uint32_t> values)
{
    if (values.empty())
        return 0;
    const std::size_t mid = values.size() / 2;
    std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(mid), values.end());
    const double upper = values[mid];
    if (values.size() % 2 == 1)
        return upper;
    const double lower = *std::max_element(values.begin(), values.begin() + std::ptrdiff_t(mid));
    return (lower + upper) / 2.0;
}

SkewReport analyseSkew(const std::vector<ShardSnapshot> &shards)
{
    SkewReport r;
    r.versionSkew.assign(shards.size(), false);
    r.queueSkew.assign(shards.size(), false);

    std::map<Version, int, std::greater<>> counts;
    std::vector<std::uint32_t> queues;
    queues.reserve(shards.size());
    for (const ShardSnapshot &s : shards) {
        queues.push_back(s.queueDepth);
        if (hasLiveActor(s.state))
            ++counts[s.version];
    }
    r.liveVersions.assign(counts.begin(), counts.end());
    // Majority: most shards; on a tie the newer version (map is newest first).
    int best = 0;
    for (const auto &[version, n] : counts) {
        if (n > best) {
            best = n;
            r.majorityVersion = version;
        }
    }
    r.medianQueueDepth = median(std::move(queues));

    for (std::size_t i = 0; i < shards.size(); ++i) {
        const ShardSnapshot &s = shards[i];
        r.versionSkew[i] = counts.size() > 1 && hasLiveActor(s.state) && s.version != r.majorityVersion;
        r.queueSkew[i] = s.queueDepth > kQueueSkewFloor && s.queueDepth > kQueueSkewFactor * r.medianQueueDepth;
    }
    return r;
}

} // namespace shardscope
