#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace shardscope {

// Log-spaced latency buckets: bound k is 50 us x 1.2^k, up to the first bound past 60 s.
// Bucket 0 holds [0, 50 us), bucket i (1..kBounds-1) [bound i-1, bound i), the last one
// everything from bound kBounds-1 on. Fixed bounds, so histograms of different seconds,
// procedures or nodes add up bucket by bucket.
class LatencyBuckets
{
public:
    static constexpr double kFirstBoundUs = 50.0;
    static constexpr double kFactor = 1.2;
    static constexpr std::size_t kBounds = 78; // bound 77: 50 us x 1.2^77 = 62.5 s
    static constexpr std::size_t kCount = kBounds + 1;
    using Counts = std::array<std::uint32_t, kCount>;

    // The bucket of a latency in microseconds: a binary search over the bounds (no log).
    static std::size_t indexOf(std::uint64_t micros);
    // Upper bound of bucket i in microseconds (bucket kCount-1 has none: +inf).
    static double upperBoundUs(std::size_t i);
    static double lowerBoundUs(std::size_t i);

    // The q-quantile (0 < q <= 1) of the latencies counted in `counts`, in ms; none when empty.
    // Estimate: the rank ceil(q x n) is found by walking the buckets, and the bucket that
    // holds it is reported by its geometric middle (lower x sqrt(1.2)). Any latency inside
    // that bucket is within a factor sqrt(1.2) of it, so the estimate is off by at most
    // +-9.6% (relative), plus nothing else: the counts are exact. Below 50 us it reports
    // 0.05 ms, past the last bound that bound (62.5 s): there the error is not bounded.
    template<typename Count, std::size_t N>
    static std::optional<double> quantileMs(const std::array<Count, N> &counts, double q)
    {
        static_assert(N == kCount);
        std::uint64_t total = 0;
        for (Count c : counts)
            total += c;
        if (total == 0)
            return std::nullopt;
        return quantileMsOf(rankOf(total, q), [&counts](std::size_t i) { return std::uint64_t(counts[i]); });
    }

private:
    static std::uint64_t rankOf(std::uint64_t total, double q);
    template<typename CountAt>
    static double quantileMsOf(std::uint64_t rank, CountAt countAt)
    {
        std::uint64_t seen = 0;
        for (std::size_t i = 0; i < kCount; ++i) {
            seen += countAt(i);
            if (seen >= rank)
                return middleMs(i);
        }
        return middleMs(kCount - 1);
    }
    static double middleMs(std::size_t i);
};

} // namespace shardscope
