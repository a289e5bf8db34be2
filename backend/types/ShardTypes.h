#pragma once

#include <cstdint>
#include <string_view>

// Vocabulary shared by backend, model, views and tests (DESIGN.md, "Shard states").
namespace shardscope {

using ShardId = int;
using Version = std::uint64_t;
using Generation = std::uint64_t;

enum class ShardState : std::uint8_t {
    Serving,    // actor live, gate open
    Gated,      // restart prepared: new requests held or refused
    Draining,   // waiting for in-flight requests to finish
    Restarting, // old actor cancelled, new actor being created
    Verifying,  // probe round-trip on the new actor
    Canceled,   // actor cancelled and not re-created: requests get 503
    Stopped,    // service stopped on purpose
    Failed,     // actor crashed or creation failed
};
inline constexpr int kShardStateCount = 8;

enum class ServicePhase : std::uint8_t {
    Serving,    // no restart running
    Preparing,
    Draining,
    Restarting,
    Verifying,
    Resuming,
    RollingBack,
    Stopped,
};

enum class RestartMode : std::uint8_t { Phased, Legacy };
enum class AdmissionPolicy : std::uint8_t { Hold, Reject };
enum class DrainTimeoutPolicy : std::uint8_t { Abort, Force };

std::string_view toString(ShardState s);
std::string_view toString(ServicePhase p);
std::string_view toString(RestartMode m);
std::string_view toString(AdmissionPolicy p);
std::string_view toString(DrainTimeoutPolicy p);

// Parsers accept the lower-case names that toString() yields; false if unknown.
bool parseShardState(std::string_view text, ShardState &out);
bool parseRestartMode(std::string_view text, RestartMode &out);
bool parseAdmissionPolicy(std::string_view text, AdmissionPolicy &out);
bool parseDrainTimeoutPolicy(std::string_view text, DrainTimeoutPolicy &out);

// The exact text the seed's service returned for a message to a cancelled actor.
inline constexpr std::string_view kCanceledActorMessage =
    "Unable to send message, the target actor has been canceled";

} // namespace shardscope
