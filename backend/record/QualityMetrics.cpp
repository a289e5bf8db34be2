#include "backend/record/QualityMetrics.h"

#include "backend/record/QueryQuality.h"

#include <cstdio>

namespace shardscope {
namespace {

constexpr std::size_t kEveryNthBound = 4;

std::string number(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

void appendRequests(const char *procedure, const QueryQuality::Figures &f, std::string &out)
{
    const std::uint64_t ok = f.requests - f.serverErrors - f.clientErrors;
    const std::pair<const char *, std::uint64_t> classes[] = {{"2xx", ok}, {"4xx", f.clientErrors}, {"5xx", f.serverErrors}};
    for (const auto &[cls, n] : classes)
        out += std::string("shardscope_query_requests_total{procedure=\"") + procedure + "\",class=\"" + cls + "\"} "
            + std::to_string(n) + '\n';
}

void appendDuration(const char *procedure, const QueryQuality::Figures &f, std::string &out)
{
    const std::string name = "shardscope_query_duration_seconds";
    const std::string label = std::string("procedure=\"") + procedure + "\"";
    std::uint64_t below = 0;
    for (std::size_t i = 0; i < LatencyBuckets::kBounds; ++i) {
        below += f.latency[i];
        if (i % kEveryNthBound == 0)
            out += name + "_bucket{" + label + ",le=\"" + number(LatencyBuckets::upperBoundUs(i) / 1e6) + "\"} "
                + std::to_string(below) + '\n';
    }
    out += name + "_bucket{" + label + ",le=\"+Inf\"} " + std::to_string(f.requests) + '\n';
    out += name + "_sum{" + label + "} " + number(f.latencySumUs / 1e6) + '\n';
    out += name + "_count{" + label + "} " + std::to_string(f.requests) + '\n';
}

} // namespace

void appendQualityMetrics(const QueryQuality &quality, std::string &out)
{
    const auto figures = quality.sinceStart();
    out += "# HELP shardscope_query_requests_total Replies to POST /v1/query by procedure and status class.\n"
           "# TYPE shardscope_query_requests_total counter\n";
    for (int slot = 0; slot < QueryQuality::kProcedures; ++slot) {
        if (figures[std::size_t(slot)].requests)
            appendRequests(QueryQuality::nameOf(slot), figures[std::size_t(slot)], out);
    }
    out += "# HELP shardscope_query_duration_seconds Time from a query's arrival to its reply, by procedure.\n"
           "# TYPE shardscope_query_duration_seconds histogram\n";
    for (int slot = 0; slot < QueryQuality::kProcedures; ++slot) {
        if (figures[std::size_t(slot)].requests)
            appendDuration(QueryQuality::nameOf(slot), figures[std::size_t(slot)], out);
    }
}

} // namespace shardscope
