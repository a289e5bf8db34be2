#pragma once

#include <chrono>

namespace shardscope {

// How a shard's supervisor treats a crashed actor: re-create it on the same version with
// exponential backoff, and give up (the shard stays Failed) after too many crashes.
struct SupervisionPolicy {
    bool restart = true;
    int maxRestarts = 5;                          // within `window`
    std::chrono::milliseconds window{30000};
    std::chrono::milliseconds initialBackoff{50};
    std::chrono::milliseconds maxBackoff{2000};
};

} // namespace shardscope
