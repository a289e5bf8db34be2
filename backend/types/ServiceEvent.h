#pragma once

#include "backend/types/ShardTypes.h"

#include <QString>

#include <cstdint>

namespace shardscope {

enum class EventKind : std::uint8_t {
    RestartRequested,
    PhaseStarted,
    PhaseEnded,
    RestartFinished,
    ShardStateChanged,
    ServiceStarted,
    ServiceStopped,
    Warning,
};
std::string_view toString(EventKind k);

enum class Severity : std::uint8_t { Info, Warning, Error };
std::string_view toString(Severity s);

// One entry of the service's event stream. `seq` grows by one per event.
struct ServiceEvent {
    std::uint64_t seq = 0;
    std::int64_t timeMs = 0;          // epoch ms
    EventKind kind = EventKind::Warning;
    Severity severity = Severity::Info;
    std::uint64_t restartId = 0;      // 0 when not part of a restart
    ServicePhase phase = ServicePhase::Serving;
    ShardId shard = -1;               // -1 when about the whole service
    ShardState state = ShardState::Serving; // for ShardStateChanged
    Version version = 0;
    QString outcome;                  // "ok", "timeout", "aborted", "rolled_back", ...
    std::int64_t durationMs = -1;     // for *Ended / *Finished, else -1
    std::int64_t durationUs = -1;     // the same in microseconds (phases often take well under 1 ms)
    QString message;
};

} // namespace shardscope
