#pragma once

#include "backend/cluster/ClusterContext.h"
#include "backend/cluster/ClusterView.h"

#include <QJsonArray>
#include <QJsonObject>

#include <functional>

namespace shardscope {

// The coordinator's writes to the restart journal (restart/current). Each one compares
// the leader key's create revision (our term) and the journal's mod revision, so a
// stale coordinator's write fails. One write in flight at a time.
class JournalWriter
{
public:
    explicit JournalWriter(ClusterContext context) : m_node(std::move(context)) {}

    bool busy() const { return m_writing; }
    // Stamps the fence, the coordinator and the time, then puts the journal or, once it
    // names a final state, moves it to restart/history/<id> and clears the restart's keys.
    // `written` runs once etcd took the write (the fence held).
    // `compares` are added to the txn's (a lockstep commit also pins every node's vote).
    void write(const ClusterView &view, QJsonObject journal, std::function<void()> written = {}, QJsonArray compares = {});
    const ClusterContext &node() const { return m_node; }

    static bool finished(const QString &state);

private:
    void put(const ClusterView &view, const QJsonObject &journal, std::function<void()> written, QJsonArray compares);
    void finish(const ClusterView &view, const QJsonObject &journal);

    ClusterContext m_node;
    bool m_writing = false;
};

// Each node entry's "steps": [{"step", "at_ms"}], one stamp per change of its "step"
// (the first and the newest kStepStamps - 1 kept), plus the journal's "started_ms" at its
// first write past pending. Pure, so that any strategy's steps are timed the same way.
constexpr int kStepStamps = 16;
QJsonObject stampSteps(QJsonObject journal, std::int64_t nowMs);

// A node's own report of its step in a restart (restart/node/<id>), on the node's lease
// (it goes when the run goes) and stamped with its run. Not fenced: only the node writes
// its key. One put in flight per node, the newest report next: two puts racing on
// separate connections could land in either order. A failed put is logged; the node
// sends it again when it sees etcd without it.
void putNodeReport(const ClusterContext &node, const QJsonObject &report);

// A txn compare that holds while `key` is on `lease` (etcd's LEASE target): false once
// the key's run re-registered on another lease or the key is gone.
QJsonObject compareLease(const QByteArray &key, std::int64_t lease);

} // namespace shardscope
