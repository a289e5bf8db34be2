#include "backend/runtime/ActorReplacement.h"

#include "backend/runtime/Router.h"
#include "backend/runtime/Shard.h"
#include "backend/runtime/ShardCall.h"

namespace shardscope {

ActorReplacement ActorReplacement::run(Shard &shard, Router &router, const ActorSpec &spec, ShardState stateAfter,
                                       Clock::time_point deadline, IfLate ifLate)
{
    return wait(post(shard, router, spec, stateAfter), deadline, ifLate);
}

ActorReplacement::Posted ActorReplacement::post(Shard &shard, Router &router, const ActorSpec &spec, ShardState stateAfter)
{
    auto late = std::make_shared<std::atomic<bool>>(false);
    auto call = ShardCall::post(shard, [spec, stateAfter, late, &router](Shard &s, QString *error) {
        if (!s.replaceActor(spec, stateAfter, error))
            return false;
        router.setGeneration(s.id(), spec.generation);
        // The caller set `late` before it moved on, so either it sees this actor live when
        // it reopens, or this sees `late`.
        if (late->load())
            s.setStateIfLive(ShardState::Serving);
        return true;
    });
    return {std::move(call), std::move(late)};
}

ActorReplacement ActorReplacement::wait(const Posted &posted, Clock::time_point deadline, IfLate ifLate)
{
    if (!posted.call->wait(deadline)) {
        posted.late->store(true);
        if (ifLate == IfLate::Abandon)
            posted.call->abandon();
        return {ReplaceOutcome::NoAnswer, {}};
    }
    if (!posted.call->ok())
        return {ReplaceOutcome::Failed, posted.call->error()};
    return {ReplaceOutcome::Replaced, {}};
}

} // namespace shardscope
