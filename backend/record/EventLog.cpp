#include "backend/record/EventLog.h"

#include "backend/types/Clock.h"


namespace shardscope {

EventLog::EventLog(std::size_t capacity)
    : m_capacity(capacity)
{
}

std::uint64_t EventLog::append(ServiceEvent event, const std::function<void()> &whileStoring)
{
    Listener listener;
    {
        std::lock_guard lock(m_mutex);
        event.seq = m_nextSeq++;
        if (event.timeMs == 0)
            event.timeMs = nowEpochMs();
        m_events.push_back(event);
        if (m_events.size() > m_capacity)
            m_events.pop_front();
        if (whileStoring)
            whileStoring();
        listener = m_listener;
    }
    if (listener)
        listener(event);
    return event.seq;
}

std::vector<ServiceEvent> EventLog::since(std::uint64_t afterSeq, std::size_t limit) const
{
    std::lock_guard lock(m_mutex);
    std::vector<ServiceEvent> out;
    if (m_events.empty() || afterSeq >= m_events.back().seq)
        return out;
    const std::uint64_t first = m_events.front().seq;
    std::size_t start = afterSeq < first ? 0 : static_cast<std::size_t>(afterSeq - first + 1);
    for (std::size_t i = start; i < m_events.size() && out.size() < limit; ++i)
        out.push_back(m_events[i]);
    return out;
}

std::uint64_t EventLog::lastSeq() const
{
    std::lock_guard lock(m_mutex);
    return m_nextSeq - 1;
}

std::optional<ServiceEvent> EventLog::newest(EventKind kind, std::uint64_t restartId, std::size_t within) const
{
    std::lock_guard lock(m_mutex);
    const std::size_t first = m_events.size() > within ? m_events.size() - within : 0;
    for (std::size_t i = m_events.size(); i > first; --i) {
        if (m_events[i - 1].kind == kind && m_events[i - 1].restartId == restartId)
            return m_events[i - 1];
    }
    return std::nullopt;
}

void EventLog::setListener(Listener listener)
{
    std::lock_guard lock(m_mutex);
    m_listener = std::move(listener);
}

} // namespace shardscope
