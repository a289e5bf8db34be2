#include "EventCollector.h"

#include "backend/ShardService.h"

namespace shardscope::bench {

EventCollector::EventCollector(ShardService &service)
    : m_service(service)
    , m_seq(service.events().lastSeq())
{
}

void EventCollector::poll()
{
    for (;;) {
        const std::vector<ServiceEvent> batch = m_service.events().since(m_seq, 5000);
        for (const ServiceEvent &e : batch) {
            if (e.kind == EventKind::ShardStateChanged)
                m_changes[e.shard].push_back({e.timeMs, int(e.state)});
            else if (e.kind == EventKind::RestartFinished)
                m_outcomes << e.outcome;
        }
        if (batch.empty())
            return;
        m_seq = batch.back().seq;
    }
}

std::vector<StateChange> EventCollector::stateChanges(int shard) const
{
    const auto it = m_changes.find(shard);
    return it == m_changes.end() ? std::vector<StateChange>{} : it->second;
}

} // namespace shardscope::bench
