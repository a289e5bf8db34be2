#pragma once

#include "backend/types/CommandOutcome.h"

#include <cstdint>

namespace shardscope {

class ServiceCore;

// The seed's restart, kept on purpose to show its failure (DESIGN.md, "Restart"): cancels
// every shard's actor, then re-creates shard 0's only. Coordinator thread only.
class LegacyRestart
{
public:
    LegacyRestart(ServiceCore &core, std::uint64_t restartId);
    RestartResult run();

private:
    ServiceCore &m_core;
    const std::uint64_t m_id;
};

} // namespace shardscope
