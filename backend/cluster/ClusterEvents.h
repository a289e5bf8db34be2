#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <deque>
#include <mutex>

namespace shardscope {

// What this node saw happen in the cluster (nodes joining, lost or leaving, a cluster
// restart's steps), numbered from 1 per process: another node numbers its own. Written on
// the cluster thread, read by any. `fields` adds what a reader should not have to parse out
// of the message: a restart's journal "state" and "reason", a node's "step" and "outcome".
class ClusterEvents
{
public:
    static constexpr std::size_t kKept = 1000;

    void add(const QString &kind, const QString &node, const QString &message, const QString &restartId = {},
             const QJsonObject &fields = {});
    QJsonArray since(std::uint64_t afterSeq, std::size_t limit) const;
    std::uint64_t lastSeq() const;

private:
    mutable std::mutex m_mutex;
    std::deque<QJsonObject> m_events;
    std::uint64_t m_lastSeq = 0;
};

// A "cluster_restart_gate" event when a node's gate verdict appears in its journal entry
// (fields: "verdict", "reason", "check" of the deciding window); nothing otherwise.
void noteGateVerdict(ClusterEvents &events, const QString &restartId, const QJsonObject &was, const QJsonObject &now);

} // namespace shardscope
