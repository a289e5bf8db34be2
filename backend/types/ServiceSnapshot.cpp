#include "backend/types/ServiceSnapshot.h"

#include <algorithm>

namespace shardscope {

bool ServiceSnapshot::ready() const
{
    if (shards.empty())
        return false;
    return std::all_of(shards.begin(), shards.end(), [&](const ShardSnapshot &s) {
        return s.state == ShardState::Serving && s.version == shards.front().version;
    });
}

int ServiceSnapshot::distinctVersions() const
{
    std::vector<Version> seen;
    for (const ShardSnapshot &s : shards) {
        if (s.state == ShardState::Canceled || s.state == ShardState::Stopped || s.state == ShardState::Failed)
            continue;
        if (std::find(seen.begin(), seen.end(), s.version) == seen.end())
            seen.push_back(s.version);
    }
    return static_cast<int>(seen.size());
}

} // namespace shardscope
