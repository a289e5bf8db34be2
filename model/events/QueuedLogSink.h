#pragma once

#include "model/events/EventEntry.h"

#include <spdlog/sinks/base_sink.h>

#include <deque>
#include <mutex>
#include <vector>

namespace shardscope {

// An spdlog sink that only queues lines: any thread may log, and the GUI thread drains
// the batch once per frame (post a wake-up, drain a batch). Bounded: the oldest lines
// are dropped and counted when nobody drains.
class QueuedLogSink : public spdlog::sinks::base_sink<std::mutex>
{
public:
    explicit QueuedLogSink(std::size_t capacity = 10000);

    // GUI thread: takes every queued line.
    std::vector<EventEntry> drain();
    std::size_t dropped() const;

protected:
    void sink_it_(const spdlog::details::log_msg &msg) override;
    void flush_() override {}

private:
    std::size_t m_capacity;
    std::deque<EventEntry> m_lines;
    std::size_t m_dropped = 0;
};

} // namespace shardscope
