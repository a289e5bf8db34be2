#pragma once

#include "backend/actors/QueryActor.h"
#include "backend/types/ShardTypes.h"

#include <QString>

#include <atomic>
#include <chrono>
#include <memory>

namespace shardscope {

class Router;
class Shard;
class ShardCall;

// How replacing one shard's actor ended.
enum class ReplaceOutcome {
    Replaced, // the shard serves `spec`'s actor and the router sends to its generation
    Failed,   // creation failed (the shard is Failed, without an actor) or the shard is shut down
    NoAnswer, // no answer by the deadline (see IfLate for what becomes of the call)
};

// What becomes of a replacement the shard has not answered by the deadline.
enum class IfLate {
    Abandon, // not run if it has not started: it would undo what the caller does next
    Finish,  // runs when the shard is free: the caller does nothing after it (a rollback)
};

// Replaces a shard's actor and waits: posts Shard::replaceActor(spec, stateAfter) on the
// shard's control lane, where success also points the router at the new generation,
// and waits until `deadline`. A replacement that finishes after its caller stopped
// waiting leaves the shard serving (the caller's restart may have ended meanwhile, and
// nobody else would say so). The one way restarts, rollbacks and starts re-create an
// actor. Coordinator thread only (it blocks on the shard).
struct ActorReplacement {
    using Clock = std::chrono::steady_clock;

    ReplaceOutcome outcome = ReplaceOutcome::NoAnswer;
    QString error; // the shard's reason when Failed

    bool replaced() const { return outcome == ReplaceOutcome::Replaced; }

    static ActorReplacement run(Shard &shard, Router &router, const ActorSpec &spec, ShardState stateAfter,
                                Clock::time_point deadline, IfLate ifLate = IfLate::Abandon);

    // run() in two halves, so that a restart posts every shard's replacement before it
    // waits for the first: the shards re-create their actors side by side.
    struct Posted {
        std::shared_ptr<ShardCall> call;
        std::shared_ptr<std::atomic<bool>> late;
    };
    static Posted post(Shard &shard, Router &router, const ActorSpec &spec, ShardState stateAfter);
    static ActorReplacement wait(const Posted &posted, Clock::time_point deadline, IfLate ifLate = IfLate::Abandon);
};

} // namespace shardscope
