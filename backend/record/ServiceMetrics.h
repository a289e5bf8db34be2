#pragma once

#include "backend/record/StripedCounters.h"
#include "backend/types/Query.h"
#include "backend/types/ServiceEvent.h"

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <string>

namespace shardscope {

// Counters and histograms that snapshots do not carry: restarts by mode and outcome,
// phase durations, failures by cause. Fed by the event stream and the ledger's replies;
// any thread may update or read.
class ServiceMetrics
{
public:
    static constexpr std::array<double, 12> kPhaseBucketsMs = {1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000};

    void observe(const ServiceEvent &event);
    void countReply(QueryStatus status);

    // Appends the Prometheus text of everything above.
    void write(std::string &out) const;

private:
    struct Histogram {
        std::array<std::uint64_t, kPhaseBucketsMs.size()> buckets{};
        std::uint64_t count = 0;
        double sumMs = 0;
    };
    mutable std::mutex m_mutex;
    std::map<std::pair<std::string, std::string>, std::uint64_t> m_restarts; // (mode, outcome)
    std::map<std::uint64_t, std::string> m_modeOf; // restart id -> mode, until it finishes
    std::map<std::string, Histogram> m_phases;
    static constexpr std::size_t kReplyCauses = std::size_t(QueryStatus::DeadlineExceeded) + 1;
    StripedCounters<kReplyCauses> m_replies; // by QueryStatus
};

} // namespace shardscope
