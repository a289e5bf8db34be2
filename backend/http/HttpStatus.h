#pragma once

#include "backend/types/CommandOutcome.h"
#include "backend/types/Query.h"

namespace shardscope {

// The one place that chooses HTTP status codes for the core's typed answers.
int httpStatus(QueryStatus status);
// 202 for an accepted command; a refusal's fitting 4xx/5xx otherwise.
int httpStatus(Refusal refusal);

} // namespace shardscope
