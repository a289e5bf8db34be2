#include "model/events/QueuedLogSink.h"

#include <chrono>

namespace shardscope {
namespace {

LogLevel toLevel(spdlog::level::level_enum level)
{
    switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug: return LogLevel::Debug;
    case spdlog::level::info: return LogLevel::Info;
    case spdlog::level::warn: return LogLevel::Warning;
    default: return LogLevel::Error;
    }
}

} // namespace

QueuedLogSink::QueuedLogSink(std::size_t capacity)
    : m_capacity(capacity)
{
}

void QueuedLogSink::sink_it_(const spdlog::details::log_msg &msg)
{
    // base_sink holds mutex_ here.
    EventEntry e;
    e.timeMs = std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count();
    e.level = toLevel(msg.level);
    e.source = msg.logger_name.size() > 0
        ? QString::fromUtf8(msg.logger_name.data(), qsizetype(msg.logger_name.size()))
        : QStringLiteral("app");
    e.text = QString::fromUtf8(msg.payload.data(), qsizetype(msg.payload.size()));
    m_lines.push_back(std::move(e));
    if (m_lines.size() > m_capacity) {
        m_lines.pop_front();
        ++m_dropped;
    }
}

std::vector<EventEntry> QueuedLogSink::drain()
{
    std::lock_guard lock(mutex_);
    std::vector<EventEntry> out(std::make_move_iterator(m_lines.begin()), std::make_move_iterator(m_lines.end()));
    m_lines.clear();
    return out;
}

std::size_t QueuedLogSink::dropped() const
{
    std::lock_guard lock(const_cast<std::mutex &>(mutex_));
    return m_dropped;
}

} // namespace shardscope
