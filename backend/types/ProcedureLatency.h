#pragma once

#include <QStringView>

#include <array>
#include <cstdint>
#include <string_view>

namespace shardscope {

// The procedures whose latency a shard keeps apart, in a fixed order (the wire and the
// console's latency picker use it). A request for any other name is not recorded by name.
inline constexpr std::array<std::string_view, 6> kLatencyProcedures = {"echo", "degree", "neighbors", "khop", "spin", "sleep"};
inline constexpr int kLatencyProcedureCount = int(kLatencyProcedures.size());
// `sleep` is a deliberate wait, not the shard's work: the work figure leaves it out.
inline constexpr int kSleepProcedureSlot = 5;

// The slot of a procedure name in kLatencyProcedures, -1 when it has none.
int latencyProcedureSlot(QStringView name);

// Percentiles over a shard's recent successful requests. samples == 0: none yet, and the
// percentiles mean nothing.
struct LatencyFigures {
    std::uint32_t p50Us = 0;
    std::uint32_t p99Us = 0;
    std::uint32_t samples = 0;
    friend bool operator==(const LatencyFigures &, const LatencyFigures &) = default;
};

} // namespace shardscope
