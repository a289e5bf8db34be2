#pragma once

#include <string>

namespace shardscope {

class QueryQuality;

// Appends, since start: shardscope_query_requests_total{procedure,class} (class 2xx, 4xx,
// 5xx) and the histogram shardscope_query_duration_seconds{procedure} (arrival to reply),
// for every procedure that has had a request. The histogram's le bounds are every fourth
// bound of LatencyBuckets (factor 1.2^4, 50 us to 52 s), so its counts are exact.
void appendQualityMetrics(const QueryQuality &quality, std::string &out);

} // namespace shardscope
