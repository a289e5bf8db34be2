#pragma once
// Follows the service's event log from the GUI thread during the restart phase: keeps
// each shard's state changes (with the service's time) and the restarts' outcomes.

#include <QStringList>

#include <cstdint>
#include <map>
#include <vector>

#include "StateToPixel.h"

namespace shardscope {
class ShardService;
}

namespace shardscope::bench {

class EventCollector
{
public:
    explicit EventCollector(ShardService &service);

    void poll(); // reads the events logged since the last poll
    int finishedRestarts() const { return int(m_outcomes.size()); }
    QStringList outcomes() const { return m_outcomes; }
    std::vector<StateChange> stateChanges(int shard) const;

private:
    ShardService &m_service;
    std::uint64_t m_seq;
    std::map<int, std::vector<StateChange>> m_changes;
    QStringList m_outcomes;
};

} // namespace shardscope::bench
