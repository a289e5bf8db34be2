#pragma once

#include "backend/ShardTypes.h"

#include <QString>

namespace shardscope {

// How a coordinator operation ended. `outcome` is one word for events and metrics.
struct RestartResult {
    QString outcome; // completed, aborted, rolled_back, rollback_failed, failed
    QString message; // what happened, for operators
    Version finalVersion = 0;
};

// The answer to a command request, in HTTP terms.
struct CommandTicket {
    int httpStatus = 202;      // 202 accepted, 409 busy, 400 bad options, 503 shutting down
    std::uint64_t restartId = 0;
    QString error;
    bool accepted() const { return httpStatus == 202; }
};

} // namespace shardscope
