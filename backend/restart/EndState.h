#pragma once

#include "backend/types/CommandOutcome.h"
#include "backend/types/ServiceSnapshot.h"

#include <QString>

namespace shardscope {

// What a restart, stop or start must leave behind. A command's outcome is decided from
// the shards once it ends, not from its steps: a legacy restart whose steps all
// "succeeded" but left 7 of 8 shards canceled has failed.
enum class ExpectedEnd {
    ServingOneVersion, // every shard serves, all on one version (restart, start)
    Stopped,           // every shard stopped (stop)
};

// Empty when `snapshot` is what `expected` asks for; otherwise one line for operators,
// naming how many shards are off, in which state, which ones, and what that means:
// "7 of 8 shards canceled after a legacy restart (shards 1-7): requests to them get 503".
// `after` names the command ("a legacy restart").
QString endStateProblem(const ServiceSnapshot &snapshot, ExpectedEnd expected, const QString &after);

// `result` as the shards judge it: unchanged when they are as expected; otherwise failed,
// with the end state's problem first and what the steps said after it.
RestartResult judgedByEndState(RestartResult result, const ServiceSnapshot &snapshot, ExpectedEnd expected,
                               const QString &after);

} // namespace shardscope
