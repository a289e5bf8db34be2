#pragma once

#include "backend/actors/QueryActor.h"
#include "backend/types/ShardTypes.h"

#include <QString>

#include <chrono>

namespace shardscope {

class Router;
class Shard;

// How replacing one shard's actor ended.
enum class ReplaceOutcome {
    Replaced, // the shard serves `spec`'s actor and the router sends to its generation
    Failed,   // creation failed (the shard is Failed, without an actor) or the shard is shut down
    NoAnswer, // no answer by the deadline; the call was abandoned and will not run later
};

// Replaces a shard's actor and waits: posts Shard::replaceActor(spec, stateAfter) on the
// shard's control lane, waits until `deadline`, abandons an unanswered call, and on
// success points the router at the new generation. The one way restarts, rollbacks and
// starts re-create an actor. Coordinator thread only (it blocks on the shard).
struct ActorReplacement {
    using Clock = std::chrono::steady_clock;

    ReplaceOutcome outcome = ReplaceOutcome::NoAnswer;
    QString error; // the shard's reason when Failed

    bool replaced() const { return outcome == ReplaceOutcome::Replaced; }

    static ActorReplacement run(Shard &shard, Router &router, const ActorSpec &spec, ShardState stateAfter,
                                Clock::time_point deadline);
};

} // namespace shardscope
