#pragma once

#include "backend/types/ShardTypes.h"

#include <QString>

#include <cstdint>
#include <string_view>

namespace shardscope {

// How a restart, stop or start ended. Events, the audit and metrics carry toString()'s word.
enum class CommandOutcome {
    Completed,      // every shard ended as asked
    Aborted,        // stopped before any shard changed: reopened on the old version
    RolledBack,     // a shard failed; every shard went back to the old version
    RollbackFailed, // a shard failed and so did going back: shards may differ
    Failed,         // did not do what was asked (a stop or start that left shards behind)
};
inline constexpr int kCommandOutcomeCount = 5;

std::string_view toString(CommandOutcome outcome);
bool parseCommandOutcome(std::string_view text, CommandOutcome &out);

// Why a command was not accepted. The HTTP layer chooses each one's status code
// (backend/http/HttpStatus.h); the console shows the message.
enum class Refusal {
    None,           // accepted
    Busy,           // another restart, stop or start is running
    AlreadyRunning, // start while the service runs
    ServiceStopped, // restart or stop while the service is stopped
    NothingToAbort, // abort while no restart runs
    ShuttingDown,   // the service is going away
    BadRequest,     // malformed options or fault
    FaultsDisabled, // fault drills without --enable-faults
    CoordinationUnavailable, // cluster command while etcd or a node cannot be reached
    VersionSkew,    // cluster restart while nodes' versions are more than one apart
    Stale,          // a pushed cluster commit this node is not waiting for (other restart or fence)
};
inline constexpr int kRefusalCount = 11;

std::string_view toString(Refusal refusal);
bool parseRefusal(std::string_view text, Refusal &out);

// How a coordinator operation ended.
struct RestartResult {
    CommandOutcome outcome = CommandOutcome::Failed;
    QString message; // what happened, for operators
    Version finalVersion = 0;

    bool completed() const { return outcome == CommandOutcome::Completed; }
};

// The answer to a command request: accepted with an id, or refused with a reason.
struct CommandTicket {
    Refusal refusal = Refusal::None;
    std::uint64_t restartId = 0; // the new command's id, or the running one's when Busy
    QString error;               // why, for operators; empty when accepted

    bool accepted() const { return refusal == Refusal::None; }
    static CommandTicket refused(Refusal why, QString error, std::uint64_t runningId = 0)
    {
        return {why, runningId, std::move(error)};
    }
};

} // namespace shardscope
