#include "backend/record/LatencyBuckets.h"

#include <algorithm>
#include <cmath>

namespace shardscope {
namespace {

struct Bounds {
    std::array<double, LatencyBuckets::kBounds> us{};
    Bounds()
    {
        double b = LatencyBuckets::kFirstBoundUs;
        for (double &bound : us) {
            bound = b;
            b *= LatencyBuckets::kFactor;
        }
    }
};

const Bounds &bounds()
{
    static const Bounds b;
    return b;
}

} // namespace

std::size_t LatencyBuckets::indexOf(std::uint64_t micros)
{
    const auto &us = bounds().us;
    // First bound above the latency: its index is the bucket (bucket i ends at bound i).
    return std::size_t(std::upper_bound(us.begin(), us.end(), double(micros)) - us.begin());
}

double LatencyBuckets::upperBoundUs(std::size_t i)
{
    return i < kBounds ? bounds().us[i] : INFINITY;
}

double LatencyBuckets::lowerBoundUs(std::size_t i)
{
    return i == 0 ? 0.0 : bounds().us[std::min(i, kBounds) - 1];
}

std::uint64_t LatencyBuckets::rankOf(std::uint64_t total, double q)
{
    const double r = std::ceil(q * double(total));
    return std::clamp<std::uint64_t>(std::uint64_t(r), 1, total);
}

double LatencyBuckets::middleMs(std::size_t i)
{
    if (i == 0)
        return kFirstBoundUs / 1000.0;
    if (i >= kBounds)
        return lowerBoundUs(i) / 1000.0;
    return lowerBoundUs(i) * std::sqrt(kFactor) / 1000.0;
}

} // namespace shardscope
