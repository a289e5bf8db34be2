#pragma once

#include <cstdint>

namespace shardscope {

// Wall-clock time in milliseconds since the Unix epoch: what events, snapshots and the
// audit carry. Durations use std::chrono::steady_clock instead.
std::int64_t nowEpochMs();

} // namespace shardscope
