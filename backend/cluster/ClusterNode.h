#pragma once

#include "backend/cluster/ClusterContext.h"
#include "backend/cluster/ClusterEvents.h"
#include "backend/cluster/ClusterMetrics.h"
#include "backend/cluster/ClusterView.h"
#include "backend/cluster/EtcdClient.h"
#include "backend/cluster/EtcdWatch.h"
#include "backend/cluster/MemberRegistration.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <atomic>
#include <memory>
#include <mutex>
#include <set>

namespace shardscope {

class ShardService;
class NodeRestart;
class NodeLockstep;
class RollingRun;
class LockstepRun;

// This process as a member of a cluster, on the cluster thread: holds a lease with
// members/<id> and status/<id> on it, keeps it alive and registers again after losing
// it, reads the cluster's keys every pollMs, takes part in the coordinator election
// and runs its share of a cluster restart. Queries never wait on any of it.
// Identity: members/<id> held by another run makes it wait up to one TTL plus a margin
// (a crashed predecessor's lease expiring), then join; if that run still holds it, the
// process exits 1 naming the holder. Leadership belongs to this run's lease, not the id.
class ClusterNode : public QObject
{
    Q_OBJECT
public:
    ClusterNode(ClusterConfig config, ShardService &service, QObject *parent = nullptr);
    ~ClusterNode() override;

    // Cluster thread.
    void start();
    // Says goodbye (left/<id>) and revokes the lease; bounded by `timeoutMs`.
    void leave(int timeoutMs);
    EtcdClient &etcd() { return *m_etcd; }
    const ClusterConfig &config() const { return m_config; }
    std::int64_t leaderRevision() const { return m_leaderRevision; }
    bool registered() const { return m_registered; }
    NodeLockstep &lockstep() { return *m_nodeLockstep; }
    // Any thread: null until start() made it.
    const NodeLockstep *lockstepIfStarted() const { return m_lockstepStarted.load(); }

    // Any thread.
    ClusterView view() const;
    RestartCounts restartCounts() const;
    ClusterEvents &events() { return m_events; }
    bool readinessHeld() const;
    bool lockstepUnready() const; // cluster thread
    // Wall-clock epoch ms (ids, journal times). Local intervals use steadyMs().
    static std::int64_t nowMs();
    // Monotonic ms: the clock of ClusterView's lastSeenMs and readAtMs.
    static std::int64_t steadyMs();

private:
    void grant();
    void registerKeys();
    void registeredKeys(std::int64_t lease);
    void idHeld(const MemberHolder &holder);
    void refuse(const MemberHolder &holder);
    void keepAlive();
    void leaseLost(const QString &why);
    void publishStatus(bool force);
    void poll();
    void applyRead(const EtcdReply &r, bool withHistory);
    void campaign();
    void setEtcd(bool ok, const QString &error);
    void noteChanges(const ClusterView &before, const ClusterView &after);
    void noteSteps(const QJsonObject &before, const QJsonObject &after);
    void noteTokens(const ClusterView &before, const ClusterView &after);
    QByteArray memberValue() const;

    ClusterConfig m_config;
    ShardService &m_service;
    std::unique_ptr<EtcdClient> m_etcd;
    std::unique_ptr<EtcdWatch> m_restartWatch; // a restart's next step is read at once, not at the next poll
    std::unique_ptr<NodeRestart> m_nodeRestart;
    std::unique_ptr<NodeLockstep> m_nodeLockstep;
    std::unique_ptr<RollingRun> m_rolling;
    std::unique_ptr<LockstepRun> m_lockstep;
    ClusterEvents m_events;
    QTimer m_keepAliveTimer{this}; // children: they move to the cluster thread with the node
    QTimer m_pollTimer{this};
    QTimer m_retryTimer{this};
    QTimer m_registerTimer{this};
    std::int64_t m_lease = 0;
    bool m_registered = false; // members/<id> is ours, on m_lease
    QElapsedTimer m_heldSince; // valid while another run holds members/<id>
    MemberHolder m_holder;
    bool m_historyDue = true;  // the next read includes the newest history entry
    std::int64_t m_historyReadMs = 0;
    std::int64_t m_leaderRevision = 0; // create revision of our leader key, 0 when not leader
    bool m_granting = false;
    bool m_polling = false;
    bool m_pollAgain = false; // a change arrived while a read was out
    bool m_campaigning = false;
    bool m_etcdKnown = false; // the first answer (or failure) is always logged
    QByteArray m_lastStatus;
    // One status put at a time: two in flight may reach etcd on two connections in either
    // order and leave the older status (e.g. not ready) as the node's last word.
    bool m_statusInFlight = false;
    bool m_statusAgain = false;
    std::int64_t m_epochMs = 0;

    std::atomic<bool> m_unready{false}; // a rolling restart holds readiness at 503
    std::atomic<const NodeLockstep *> m_lockstepStarted{nullptr};
    mutable std::mutex m_mutex;
    ClusterView m_view; // guarded by m_mutex
    RestartCounts m_restarts; // guarded by m_mutex
};

} // namespace shardscope
