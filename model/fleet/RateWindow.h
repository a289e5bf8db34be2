#pragma once

#include <QtGlobal>

#include <cstdint>
#include <optional>

namespace shardscope {

// Requests and errors per second from a node's cumulative shard counters: a rate needs
// two readings at least kWindowMs apart, so the first second shows none. A counter that
// goes back (a restarted node) starts the window again.
class RateWindow
{
public:
    static constexpr std::int64_t kWindowMs = 1000;

    void add(quint64 processed, quint64 failed, std::int64_t nowMs);
    std::optional<double> requestsPerSec() const { return m_requests; }
    std::optional<double> errorsPerSec() const { return m_errors; }

private:
    struct Reading {
        quint64 processed = 0;
        quint64 failed = 0;
        std::int64_t atMs = 0;
    };
    std::optional<Reading> m_base;
    std::optional<double> m_requests;
    std::optional<double> m_errors;
};

} // namespace shardscope
