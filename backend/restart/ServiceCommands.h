#pragma once

#include "backend/types/CommandOutcome.h"

namespace shardscope {

class ServiceCore;

// Stop and start of every shard at once. Coordinator thread only (RestartCoordinator::
// startNow() runs a start on the starting thread, before the service is reachable).
class ServiceCommands
{
public:
    explicit ServiceCommands(ServiceCore &core) : m_core(core) {}

    // Closes the gate and cancels every shard's actor; the service answers 503 until a start.
    RestartResult stopAll();
    // Creates every shard's actor on the current version (v1 at first) and opens the gate,
    // waiting up to ServiceConfig::kShardCallTimeout per shard. A shard that fails is left
    // to its supervisor, which retries with backoff.
    RestartResult startAll();

private:
    ServiceCore &m_core;
};

} // namespace shardscope
