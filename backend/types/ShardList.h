#pragma once

#include "backend/types/ShardTypes.h"

#include <QString>

#include <vector>

namespace shardscope {

// Shard ids as an operator reads them: "3", "1, 4, 9" or "1-7" (ascending ids); past
// `limit` ids the first few and "+k more".
QString shardList(const std::vector<ShardId> &ids, int limit = 8);

} // namespace shardscope
