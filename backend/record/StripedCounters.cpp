#include "backend/record/StripedCounters.h"

namespace shardscope {

std::size_t threadCounterStripe()
{
    static std::atomic<std::size_t> next{0};
    // Trivially initialised, so reading it costs no guard check.
    thread_local std::size_t stripe = kCounterStripes;
    if (stripe == kCounterStripes) [[unlikely]]
        stripe = next.fetch_add(1, std::memory_order_relaxed) % kCounterStripes;
    return stripe;
}

} // namespace shardscope
