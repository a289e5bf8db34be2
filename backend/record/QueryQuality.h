#pragma once

#include "backend/record/LatencyBuckets.h"
#include "backend/types/ProcedureLatency.h"
#include "backend/types/ShardTypes.h"

#include <QStringView>

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace shardscope {

// What clients saw of /v1/query, per second for the last kSeconds seconds: per procedure
// the replies, server errors (5xx), client errors (4xx) and a latency histogram from
// arrival to reply; and the replies per serving version. The ring is allocated once
// (memoryBytes(), about 0.7 MB) and never grows. Also keeps the same counts since start,
// for /metrics. Any thread; one mutex, held for a few array increments per record().
class QueryQuality
{
public:
    static constexpr int kSeconds = 300;
    // kLatencyProcedures in their order, then "other" (unknown names, unparsable bodies).
    static constexpr int kProcedures = kLatencyProcedureCount + 1;
    static constexpr int kOtherSlot = kProcedures - 1;
    // Distinct versions counted per second; more (never in practice) go to untracked.
    static constexpr int kVersionsPerSecond = 4;

    struct Figures {
        std::uint64_t requests = 0;
        std::uint64_t serverErrors = 0;
        std::uint64_t clientErrors = 0;
        std::array<std::uint64_t, LatencyBuckets::kCount> latency{};
        double latencySumUs = 0; // since start only (Prometheus _sum); 0 in windows
        void add(const Figures &other);
    };
    struct Window {
        std::int64_t coveredFromMs = 0; // start of the earliest second kept inside the window
        Figures total;
        std::array<Figures, kProcedures> byProcedure;
        std::map<Version, std::uint64_t> versions;
        std::uint64_t untrackedVersions = 0;
    };

    // `startMs`: epoch ms of the first second that can be recorded (nothing is known before).
    explicit QueryQuality(std::int64_t startMs);

    // One reply sent at `nowMs` (epoch), `micros` after its request arrived. `slot` is
    // slotOf(procedure); `version` the version that served it (or the node's).
    void record(std::int64_t nowMs, int slot, int httpStatus, std::uint64_t micros, Version version);

    // Epoch ms of the oldest second still kept at `nowMs`.
    std::int64_t keptFromMs(std::int64_t nowMs) const;
    // Sums the seconds that overlap [fromMs, toMs] and are still kept at `nowMs`.
    Window window(std::int64_t fromMs, std::int64_t toMs, std::int64_t nowMs) const;
    // Per procedure since start.
    std::array<Figures, kProcedures> sinceStart() const;

    static int slotOf(QStringView procedure);
    static const char *nameOf(int slot);
    // Bytes held by the ring and the totals: fixed at construction.
    std::size_t memoryBytes() const;

private:
    struct ProcedureSecond {
        std::uint32_t requests = 0;
        std::uint32_t serverErrors = 0;
        std::uint32_t clientErrors = 0;
        LatencyBuckets::Counts latency{};
    };
    struct VersionCount {
        Version version = 0;
        std::uint32_t replies = 0;
    };
    struct Second {
        std::int64_t second = -1; // epoch second held, -1: none
        std::array<ProcedureSecond, kProcedures> procedures{};
        std::array<VersionCount, kVersionsPerSecond> versions{};
        std::uint32_t untrackedVersions = 0;
    };

    Second &secondFor(std::int64_t second);
    static void countVersion(Second &s, Version version);
    static void addSecond(const Second &s, Window &w);

    mutable std::mutex m_mutex;
    const std::int64_t m_startSecond;
    std::int64_t m_latestSecond; // recording never goes back, whatever the wall clock does
    std::vector<Second> m_ring;  // kSeconds entries; second s lives at s % kSeconds
    std::array<Figures, kProcedures> m_sinceStart{};
};

} // namespace shardscope
