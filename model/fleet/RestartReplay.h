#pragma once

#include "model/client/ClusterClient.h"
#include "model/cluster/ClusterModel.h"
#include "model/fleet/FleetFilterProxy.h"
#include "model/fleet/FleetModel.h"

#include <QJsonObject>

namespace shardscope {

// A node's step at `tMs` in a recorded journal: its last stamp at or before t ("waiting"
// before the first one; the node's step when it has no stamps).
QString replayStepAt(const QJsonObject &node, std::int64_t tMs);
// The cluster as the journal says it was at `tMs`: each node's step, its version (the
// start version until the node reached settling or done), ready while its step is quiet,
// lost from the step where the restart marked it lost.
ClusterStatus replayStatus(const QJsonObject &journal, std::int64_t tMs);

// A recorded cluster restart replayed in the fleet table: a ClusterModel fed from the
// journal alone (no etcd, no followers) and the FleetModel over it, at a time the caller
// moves between startMs() and endMs().
class RestartReplay : public QObject
{
    Q_OBJECT
public:
    explicit RestartReplay(QObject *parent = nullptr);

    void setJournal(const QJsonObject &journal);
    const QJsonObject &journal() const { return m_journal; }
    std::int64_t startMs() const { return m_startMs; }
    std::int64_t endMs() const { return m_endMs; }
    std::int64_t timeMs() const { return m_timeMs; }
    void setTimeMs(std::int64_t tMs);

    FleetModel &fleet() { return m_fleet; }
    FleetFilterProxy &proxy() { return m_proxy; }

Q_SIGNALS:
    void timeChanged(qint64 tMs);

private:
    ClusterClient m_client; // never started: the replay's ClusterModel needs one to exist
    ClusterModel m_cluster;
    FleetModel m_fleet;
    FleetFilterProxy m_proxy;
    QJsonObject m_journal;
    std::int64_t m_startMs = 0;
    std::int64_t m_endMs = 0;
    std::int64_t m_timeMs = 0;
};

} // namespace shardscope
