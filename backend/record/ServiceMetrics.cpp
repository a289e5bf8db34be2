#include "backend/record/ServiceMetrics.h"

#include <cstdio>

namespace shardscope {
namespace {

std::string fmt(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

} // namespace

void ServiceMetrics::observe(const ServiceEvent &event)
{
    if (event.kind == EventKind::RestartRequested && !event.outcome.isEmpty()) {
        std::lock_guard lock(m_mutex);
        m_modeOf[event.restartId] = event.outcome.toStdString(); // the mode rides in outcome
    } else if (event.kind == EventKind::RestartFinished) {
        std::lock_guard lock(m_mutex);
        auto mode = m_modeOf.extract(event.restartId);
        ++m_restarts[{mode ? mode.mapped() : std::string("unknown"), event.outcome.toStdString()}];
    } else if (event.kind == EventKind::PhaseEnded && event.durationMs >= 0) {
        std::lock_guard lock(m_mutex);
        Histogram &h = m_phases[std::string(toString(event.phase))];
        const double ms = event.durationUs >= 0 ? double(event.durationUs) / 1000.0 : double(event.durationMs);
        for (std::size_t i = 0; i < kPhaseBucketsMs.size(); ++i) {
            if (ms <= kPhaseBucketsMs[i])
                ++h.buckets[i];
        }
        ++h.count;
        h.sumMs += ms;
    }
}

void ServiceMetrics::countReply(QueryStatus status)
{
    m_replies.add(std::size_t(status));
}

void ServiceMetrics::write(std::string &out) const
{
    static const char *causes[] = {"ok", "bad_request", "not_found", "unavailable", "internal", "deadline_exceeded"};
    static_assert(std::size(causes) == kReplyCauses);
    out += "# HELP shardscope_replies_total Replies to queries by outcome: ok, or the cause of the failure.\n"
           "# TYPE shardscope_replies_total counter\n";
    for (std::size_t i = 0; i < std::size(causes); ++i)
        out += std::string("shardscope_replies_total{cause=\"") + causes[i] + "\"} " + std::to_string(m_replies.sum(i)) + '\n';

    std::lock_guard lock(m_mutex);
    out += "# HELP shardscope_restarts_total Restarts by mode and outcome.\n# TYPE shardscope_restarts_total counter\n";
    for (const auto &[key, n] : m_restarts)
        out += "shardscope_restarts_total{mode=\"" + key.first + "\",outcome=\"" + key.second + "\"} " + std::to_string(n) + '\n';
    out += "# HELP shardscope_restart_phase_duration_seconds How long each restart phase took.\n"
           "# TYPE shardscope_restart_phase_duration_seconds histogram\n";
    for (const auto &[phase, h] : m_phases) {
        const std::string labels = "phase=\"" + phase + "\"";
        for (std::size_t i = 0; i < kPhaseBucketsMs.size(); ++i) {
            out += "shardscope_restart_phase_duration_seconds_bucket{" + labels + ",le=\"" + fmt(kPhaseBucketsMs[i] / 1000.0) +
                   "\"} " + std::to_string(h.buckets[i]) + '\n';
        }
        out += "shardscope_restart_phase_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(h.count) + '\n';
        out += "shardscope_restart_phase_duration_seconds_sum{" + labels + "} " + fmt(h.sumMs / 1000.0) + '\n';
        out += "shardscope_restart_phase_duration_seconds_count{" + labels + "} " + std::to_string(h.count) + '\n';
    }
}

} // namespace shardscope
