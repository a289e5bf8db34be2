#include "backend/runtime/ActorReplacement.h"

#include "backend/runtime/Router.h"
#include "backend/runtime/Shard.h"
#include "backend/runtime/ShardCall.h"

namespace shardscope {

ActorReplacement ActorReplacement::run(Shard &shard, Router &router, const ActorSpec &spec, ShardState stateAfter,
                                       Clock::time_point deadline)
{
    auto call = ShardCall::post(shard, [spec, stateAfter](Shard &s, QString *error) {
        return s.replaceActor(spec, stateAfter, error);
    });
    if (!call->wait(deadline)) {
        // Not left to run later: it would cancel whatever the caller does next on this shard.
        call->abandon();
        return {ReplaceOutcome::NoAnswer, {}};
    }
    if (!call->ok())
        return {ReplaceOutcome::Failed, call->error()};
    router.setGeneration(shard.id(), spec.generation);
    return {ReplaceOutcome::Replaced, {}};
}

} // namespace shardscope
