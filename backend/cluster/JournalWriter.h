#pragma once

#include "backend/cluster/ClusterContext.h"
#include "backend/cluster/ClusterView.h"

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
    void write(const ClusterView &view, QJsonObject journal, std::function<void()> written = {});
    const ClusterContext &node() const { return m_node; }

    static bool finished(const QString &state);

private:
    void put(const ClusterView &view, const QJsonObject &journal, std::function<void()> written);
    void finish(const ClusterView &view, const QJsonObject &journal);

    ClusterContext m_node;
    bool m_writing = false;
};

// A node's own report of its step in a restart (restart/node/<id>). Not fenced: only the
// node writes its key; a failed put is logged and the next report replaces it.
void putNodeReport(const ClusterContext &node, const QJsonObject &report);

} // namespace shardscope
