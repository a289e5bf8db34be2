#pragma once

#include "backend/types/ServiceEvent.h"

#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

namespace shardscope {

// Thread-safe, bounded, append-only event stream. Any thread may append or read.
class EventLog
{
public:
    explicit EventLog(std::size_t capacity = 20000);

    // Stamps seq and time (if unset), stores the event, returns its seq. `whileStoring`
    // runs under the log's lock right after the store: a reader that sees its effect also
    // sees the event, and a reader of the event sees its effect.
    std::uint64_t append(ServiceEvent event, const std::function<void()> &whileStoring = {});

    // Events with seq > afterSeq, oldest first, at most `limit`.
    std::vector<ServiceEvent> since(std::uint64_t afterSeq, std::size_t limit = 1000) const;
    std::uint64_t lastSeq() const;
    // The newest event of `kind` for `restartId` among the last `within`, if any.
    std::optional<ServiceEvent> newest(EventKind kind, std::uint64_t restartId, std::size_t within = 500) const;

    // Called after every append, on the appending thread; keep it cheap and thread-safe.
    using Listener = std::function<void(const ServiceEvent &)>;
    void setListener(Listener listener);

private:
    mutable std::mutex m_mutex;
    std::deque<ServiceEvent> m_events;
    std::size_t m_capacity;
    std::uint64_t m_nextSeq = 1;
    Listener m_listener;
};

} // namespace shardscope
