#include "backend/record/PrometheusText.h"

#include "backend/record/ServiceMetrics.h"

#include <cstdio>
#include <string>

namespace shardscope {
namespace {

void family(std::string &out, const char *name, const char *type, const char *help)
{
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

template <typename Field>
void perShard(std::string &out, const ServiceSnapshot &s, const char *name, const char *type, const char *help, Field field)
{
    family(out, name, type, help);
    for (const ShardSnapshot &shard : s.shards)
        out += std::string(name) + "{shard=\"" + std::to_string(shard.id) + "\"} " + std::to_string(field(shard)) + '\n';
}

} // namespace

QByteArray prometheusText(const ServiceSnapshot &s, bool restartRunning, const ServiceMetrics *metrics)
{
    std::string out;
    out.reserve(256 + s.shards.size() * 400);
    family(out, "shardscope_service_version", "gauge", "Version the service means to serve.");
    out += "shardscope_service_version " + std::to_string(s.version) + '\n';
    family(out, "shardscope_service_ready", "gauge", "1 when every shard serves one version.");
    out += std::string("shardscope_service_ready ") + (s.ready() ? "1" : "0") + '\n';
    family(out, "shardscope_version_skew", "gauge", "Number of distinct versions among shards with a live actor.");
    out += "shardscope_version_skew " + std::to_string(s.distinctVersions()) + '\n';
    family(out, "shardscope_restart_running", "gauge", "1 while a restart, stop or start runs.");
    out += std::string("shardscope_restart_running ") + (restartRunning ? "1" : "0") + '\n';
    family(out, "shardscope_held_requests", "gauge", "Requests held at the closed admission gate.");
    out += "shardscope_held_requests " + std::to_string(s.heldRequests) + '\n';

    family(out, "shardscope_requests_total", "counter", "Requests by ledger column: accepted, answered, refused.");
    out += "shardscope_requests_total{ledger=\"accepted\"} " + std::to_string(s.accepted) + '\n';
    out += "shardscope_requests_total{ledger=\"answered\"} " + std::to_string(s.answered) + '\n';
    out += "shardscope_requests_total{ledger=\"refused\"} " + std::to_string(s.refused) + '\n';

    family(out, "shardscope_shard_state", "gauge", "1 for the state each shard is in.");
    for (const ShardSnapshot &shard : s.shards) {
        out += "shardscope_shard_state{shard=\"" + std::to_string(shard.id) + "\",state=\"" +
               std::string(toString(shard.state)) + "\"} 1\n";
    }
    perShard(out, s, "shardscope_shard_version", "gauge", "Version of the shard's actor.", [](const ShardSnapshot &x) { return x.version; });
    perShard(out, s, "shardscope_shard_queue_depth", "gauge", "Messages waiting in the shard's mailbox.", [](const ShardSnapshot &x) { return x.queueDepth; });
    perShard(out, s, "shardscope_shard_in_flight", "gauge", "Requests routed to the shard and not yet answered.", [](const ShardSnapshot &x) { return x.inFlight; });
    perShard(out, s, "shardscope_shard_processed_total", "counter", "Requests the shard answered successfully.", [](const ShardSnapshot &x) { return x.processed; });
    perShard(out, s, "shardscope_shard_failed_total", "counter", "Requests the shard answered with an error.", [](const ShardSnapshot &x) { return x.failed; });
    family(out, "shardscope_shard_oldest_in_flight_seconds", "gauge",
           "Age of the oldest request routed to the shard and not yet answered (0 when none).");
    for (const ShardSnapshot &shard : s.shards) {
        char value[32];
        std::snprintf(value, sizeof value, "%g", shard.oldestInFlightMs / 1e3);
        out += "shardscope_shard_oldest_in_flight_seconds{shard=\"" + std::to_string(shard.id) + "\"} " + value + '\n';
    }
    family(out, "shardscope_shard_latency_p99_seconds", "gauge", "p99 latency over the shard's recent requests.");
    for (const ShardSnapshot &shard : s.shards) {
        char value[32];
        std::snprintf(value, sizeof value, "%g", shard.latencyP99Us / 1e6);
        out += "shardscope_shard_latency_p99_seconds{shard=\"" + std::to_string(shard.id) + "\"} " + value + '\n';
    }
    if (metrics)
        metrics->write(out);
    return QByteArray::fromStdString(out);
}

} // namespace shardscope
