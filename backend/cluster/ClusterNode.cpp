#include "backend/cluster/ClusterNode.h"

#include "backend/cluster/HistoryPrune.h"
#include "backend/cluster/LockstepRun.h"
#include "backend/cluster/NodeLockstep.h"
#include "backend/cluster/NodeRestart.h"
#include "backend/cluster/RollingRun.h"
#include "backend/ShardService.h"
#include "backend/wire/JsonCodec.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>

namespace shardscope {
namespace {

constexpr int kRetryMs = 500;           // between attempts to reach etcd
constexpr int kHistoryEveryMs = 10000;  // the newest history entry is read this often at rest

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

ClusterNode::ClusterNode(ClusterConfig config, ShardService &service, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_service(service)
{
    m_view.cluster = m_config.cluster;
    m_view.self = m_config.nodeId;
    m_view.etcdError = QStringLiteral("not contacted yet");
    m_view.tokenDigest = tokenDigest(m_config.token);
}

ClusterNode::~ClusterNode() = default;

std::int64_t clusterNowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

std::int64_t ClusterNode::nowMs()
{
    return clusterNowMs();
}

std::int64_t ClusterNode::steadyMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

void ClusterNode::start()
{
    m_etcd = std::make_unique<EtcdClient>(m_config.etcd);
    const ClusterContext context{m_config, *m_etcd, [this] { return m_leaderRevision; },
                                 [this] { return m_registered ? m_lease : 0; }}; // no reports while our id is another run's
    m_nodeRestart = std::make_unique<NodeRestart>(context, m_service, m_unready);
    m_nodeLockstep = std::make_unique<NodeLockstep>(context, m_service);
    m_rolling = std::make_unique<RollingRun>(context);
    m_lockstep = std::make_unique<LockstepRun>(context, *m_nodeLockstep);
    m_lockstepStarted.store(m_nodeLockstep.get());
    m_epochMs = nowMs();
    m_pollTimer.setInterval(m_config.pollMs);
    connect(&m_pollTimer, &QTimer::timeout, this, &ClusterNode::poll);
    m_keepAliveTimer.setInterval(std::max(250, m_config.leaseTtlSeconds * 1000 / 3));
    connect(&m_keepAliveTimer, &QTimer::timeout, this, &ClusterNode::keepAlive);
    m_retryTimer.setSingleShot(true);
    m_retryTimer.setInterval(kRetryMs);
    connect(&m_retryTimer, &QTimer::timeout, this, &ClusterNode::grant);
    m_registerTimer.setSingleShot(true);
    m_registerTimer.setInterval(kRetryMs);
    connect(&m_registerTimer, &QTimer::timeout, this, &ClusterNode::registerKeys);
    m_pollTimer.start();
    m_keepAliveTimer.start();
    m_restartWatch = std::make_unique<EtcdWatch>(m_config.etcd, m_config.key(QStringLiteral("restart/")));
    connect(m_restartWatch.get(), &EtcdWatch::changed, this, &ClusterNode::poll);
    connect(m_restartWatch.get(), &EtcdWatch::upChanged, this, [this](bool up) {
        std::lock_guard lock(m_mutex);
        m_view.watchUp = up;
    });
    m_restartWatch->start();
    spdlog::info("cluster: node {} joining cluster {} through etcd at {}", m_config.nodeId.toStdString(),
                 m_config.cluster.toStdString(), m_config.etcd.toString().toStdString());
    grant();
}

ClusterView ClusterNode::view() const
{
    std::lock_guard lock(m_mutex);
    return m_view;
}

RestartCounts ClusterNode::restartCounts() const
{
    std::lock_guard lock(m_mutex);
    return m_restarts;
}

// Voted and uncertain, or behind a committed restart: the node must not look ready.
bool ClusterNode::lockstepUnready() const
{
    const NodeLockstep::Readiness r = m_nodeLockstep ? m_nodeLockstep->readiness() : NodeLockstep::Readiness::Normal;
    return r == NodeLockstep::Readiness::Uncertain || r == NodeLockstep::Readiness::Behind;
}

bool ClusterNode::readinessHeld() const
{
    return m_unready.load();
}

void ClusterNode::setEtcd(bool ok, const QString &error)
{
    std::lock_guard lock(m_mutex);
    if (ok != m_view.etcdOk || !m_etcdKnown) {
        if (ok)
            spdlog::info("cluster: etcd at {} reachable again", m_config.etcd.toString().toStdString());
        else
            spdlog::warn("cluster: etcd unreachable ({}); queries are served as before, retrying every {} ms",
                         error.toStdString(), kRetryMs);
    }
    m_view.etcdOk = ok;
    m_etcdKnown = true;
    m_view.etcdError = ok ? QString() : error;
}

void ClusterNode::grant()
{
    if (m_granting || m_lease)
        return;
    m_granting = true;
    m_etcd->grantLease(m_config.leaseTtlSeconds, [this](const EtcdReply &r) {
        m_granting = false;
        const std::int64_t id = etcd::int64(r.json.value(QStringLiteral("ID")));
        if (!r.ok || id == 0) {
            setEtcd(false, r.ok ? QStringLiteral("lease grant answered without an ID") : r.error);
            m_retryTimer.start();
            return;
        }
        setEtcd(true, {});
        m_lease = id;
        registerKeys();
    });
}

QByteArray ClusterNode::memberValue() const
{
    return compact({{QStringLiteral("id"), m_config.nodeId}, {QStringLiteral("url"), m_config.nodeUrl},
                    {QStringLiteral("shards"), m_service.shardCount()}, {QStringLiteral("epoch_ms"), double(m_epochMs)},
                    {QStringLiteral("run"), m_config.run}, {QStringLiteral("token_digest"), tokenDigest(m_config.token)}});
}

void ClusterNode::registerKeys()
{
    if (!m_lease || m_registered)
        return;
    registerMember(*m_etcd, m_config, memberValue(), m_lease, [this, lease = m_lease](const RegisterOutcome &o) {
        if (lease != m_lease)
            return;
        if (o.kind == RegisterOutcome::Kind::Registered)
            return registeredKeys(lease);
        if (o.kind == RegisterOutcome::Kind::HeldByAnotherRun)
            return idHeld(o.holder);
        if (!o.reply.ok)
            setEtcd(false, o.reply.error);
        m_registerTimer.start(); // on the same lease: an unknown outcome finds the key ours
    });
}

void ClusterNode::registeredKeys(std::int64_t lease)
{
    if (m_heldSince.isValid())
        spdlog::info("cluster: node id {} is free again: joining", m_config.nodeId.toStdString());
    m_heldSince.invalidate();
    m_holder = {};
    m_registered = true;
    m_lastStatus.clear(); // the status goes out again on the new lease
    m_events.add(QStringLiteral("node_registered"), m_config.nodeId,
                 QStringLiteral("node %1 registered (lease %2, TTL %3 s)").arg(m_config.nodeId).arg(lease).arg(m_config.leaseTtlSeconds));
    {
        std::lock_guard lock(m_mutex);
        m_view.registered = true;
        m_view.idHeldBy.clear();
    }
    publishStatus(true);
}

void ClusterNode::idHeld(const MemberHolder &holder)
{
    const qint64 waitMs = qint64(m_config.leaseTtlSeconds) * 1000 + 3 * kRetryMs; // etcd expires leases in 500 ms steps
    if (!m_heldSince.isValid() || holder.run != m_holder.run) {
        m_heldSince.start();
        spdlog::warn("cluster: node id {} is held by run {} at {} (lease {}); waiting up to {} ms for that lease to expire "
                     "(a crashed predecessor of this node), then joining; if it stays held this process exits",
                     m_config.nodeId.toStdString(), holder.run.toStdString(), holder.url.toStdString(), holder.lease, waitMs);
    } else if (m_heldSince.elapsed() > waitMs) {
        return refuse(holder);
    }
    m_holder = holder;
    {
        std::lock_guard lock(m_mutex);
        m_view.idHeldBy = QStringLiteral("%1 (run %2)").arg(holder.url, holder.run);
    }
    m_registerTimer.start();
}

void ClusterNode::refuse(const MemberHolder &holder)
{
    // Two processes under one id would overwrite each other's status and reports: the
    // one that came second does not run as that node.
    const QString message = QStringLiteral("node id %1 is held by another live node at %2 (run %3, lease %4): not joining "
                                           "cluster %5; give this node another --node-id or stop that one")
                                .arg(m_config.nodeId, holder.url, holder.run).arg(holder.lease).arg(m_config.cluster);
    spdlog::error("cluster: {}", message.toStdString());
    spdlog::default_logger()->flush();
    std::fprintf(stderr, "shardscope: %s\n", qPrintable(message));
    std::fflush(stderr);
    m_pollTimer.stop();
    m_registerTimer.stop();
    // The application quits with 1 and stops the cluster as usual: leave() only revokes
    // our lease, since the keys under this id are the holder's.
    QMetaObject::invokeMethod(QCoreApplication::instance(), [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
}

void ClusterNode::keepAlive()
{
    if (!m_lease)
        return;
    m_etcd->keepAlive(m_lease, [this, lease = m_lease](const EtcdReply &r) {
        if (lease != m_lease)
            return;
        if (!r.ok) {
            setEtcd(false, r.error);
            return; // the lease may still live: the next keepalive says
        }
        setEtcd(true, {});
        // Only etcd saying it has no such lease is a loss; an unreadable answer is retried.
        if (EtcdClient::leaseState(r) == LeaseState::Expired)
            leaseLost(QStringLiteral("etcd no longer knows lease %1 (it expired)").arg(lease));
    });
}

void ClusterNode::leaseLost(const QString &why)
{
    m_events.add(QStringLiteral("lease_lost"), m_config.nodeId, QStringLiteral("node %1 lost its registration: %2; registering again").arg(m_config.nodeId, why));
    m_lease = 0;
    m_registered = false;
    m_leaderRevision = 0;
    {
        std::lock_guard lock(m_mutex);
        m_view.registered = false;
        m_view.fence = 0;
    }
    grant();
}

void ClusterNode::publishStatus(bool force)
{
    if (!m_registered)
        return;
    const ServiceSnapshot s = m_service.snapshot();
    const QJsonObject status{{QStringLiteral("phase"), qs(toString(s.phase))}, {QStringLiteral("ready"), s.ready() && !readinessHeld() && !lockstepUnready()},
                             {QStringLiteral("version"), double(s.version)}, {QStringLiteral("distinct_versions"), s.distinctVersions()},
                             {QStringLiteral("restart_running"), m_service.restartRunning()}};
    const QByteArray value = compact(status);
    // Written only when it changes: the lease, not a rewrite, proves the node alive (M3).
    if (!force && value == m_lastStatus)
        return;
    if (m_statusInFlight) {
        m_statusAgain = true; // the newest status goes out when this put is answered
        if (force)
            m_lastStatus.clear();
        return;
    }
    m_lastStatus = value;
    m_statusInFlight = true;
    m_etcd->put(m_config.key(QStringLiteral("status/") + m_config.nodeId), value, m_lease, [this](const EtcdReply &r) {
        m_statusInFlight = false;
        if (!r.ok) {
            setEtcd(false, r.error);
            m_lastStatus.clear();
        }
        if (std::exchange(m_statusAgain, false))
            publishStatus(false);
    });
}

// One consistent read of the prefix without restart/history/ (it only grows), plus the
// newest history entry when a restart may have ended or at a slow interval (M3).
void ClusterNode::poll()
{
    publishStatus(false);
    if (m_polling) {
        m_pollAgain = true;
        return;
    }
    m_polling = true;
    const QByteArray prefix = m_config.prefix();
    const QByteArray history = m_config.key(QStringLiteral("restart/history/"));
    const bool withHistory = m_historyDue || steadyMs() - m_historyReadMs >= kHistoryEveryMs;
    QJsonArray reads{etcd::requestRange(prefix, history, 0), etcd::requestRange(etcd::prefixEnd(history), etcd::prefixEnd(prefix), 0)};
    if (withHistory)
        reads.append(etcd::requestRange(history, etcd::prefixEnd(history), 1, true));
    m_etcd->txn(etcd::txn({}, reads), [this, withHistory](const EtcdReply &r) {
        m_polling = false;
        if (std::exchange(m_pollAgain, false))
            QTimer::singleShot(0, this, &ClusterNode::poll); // after this answer is applied
        applyRead(r, withHistory);
    });
}

void ClusterNode::applyRead(const EtcdReply &r, bool withHistory)
{
    if (!r.ok) {
        setEtcd(false, r.error);
        return;
    }
    setEtcd(true, {});
    std::vector<etcd::KeyValue> kvs = etcd::txnRange(r.json, 0);
    for (int i = 1; i < (withHistory ? 3 : 2); ++i) {
        const auto more = etcd::txnRange(r.json, i);
        kvs.insert(kvs.end(), more.begin(), more.end());
    }
    ClusterView before = view();
    ClusterView after = before;
    after.apply(m_config.prefix(), kvs, steadyMs());
    after.registered = m_registered;
    // Leadership is this run's only if the leader key is on this run's lease (H1): a
    // predecessor's key under our id is not ours to carry on with.
    const bool leader = m_registered && after.coordinator == m_config.nodeId && after.leaderLease == m_lease;
    if (leader && !m_leaderRevision)
        m_historyDue = true; // a new coordinator prunes history at once
    m_leaderRevision = leader ? after.leaderCreateRevision : 0;
    after.fence = m_leaderRevision;
    if (withHistory) {
        m_historyDue = false;
        m_historyReadMs = steadyMs();
        if (m_leaderRevision)
            pruneHistory(*m_etcd, m_config, m_leaderRevision, etcd::txnCount(r.json, 2));
    }
    if (before.restartModRevision && !after.restartModRevision && !withHistory) {
        m_historyDue = true; // a restart ended: its outcome is the newest history entry
        QTimer::singleShot(0, this, &ClusterNode::poll);
    }
    noteChanges(before, after);
    {
        std::lock_guard lock(m_mutex);
        m_view = after;
    }
    if (after.coordinator.isEmpty() && m_registered)
        campaign();
    const int interval = after.restart.isEmpty() ? m_config.pollMs : std::min(m_config.pollMs, m_config.activePollMs);
    if (m_pollTimer.interval() != interval)
        m_pollTimer.setInterval(interval);
    if (!m_holder.run.isEmpty())
        return; // our id is another run's: nothing of its restart is ours to do
    m_nodeRestart->onView(after);
    m_nodeLockstep->onView(after);
    if (!m_leaderRevision)
        return;
    if (after.restart.value(QStringLiteral("strategy")).toString() == QLatin1String("lockstep"))
        m_lockstep->onView(after);
    else
        m_rolling->onView(after);
}

void ClusterNode::campaign()
{
    if (m_campaigning)
        return;
    m_campaigning = true;
    const QByteArray key = m_config.key(QStringLiteral("leader"));
    const QJsonObject t = etcd::txn({etcd::compareCreate(key, 0)},
                                    {etcd::requestPut(key, compact({{QStringLiteral("id"), m_config.nodeId}}), m_lease)});
    m_etcd->txn(t, [this, lease = m_lease](const EtcdReply &r) {
        m_campaigning = false;
        // The key went out on `lease`: if that is no longer this run's lease, it is nobody's (L4).
        if (r.ok && etcd::succeeded(r.json) && lease == m_lease && m_registered) {
            m_leaderRevision = etcd::revision(r.json);
            m_historyDue = true; // a new coordinator prunes history at once
            m_events.add(QStringLiteral("coordinator_elected"), m_config.nodeId,
                         QStringLiteral("node %1 is the coordinator (fence %2)").arg(m_config.nodeId).arg(m_leaderRevision));
        }
    });
}

void ClusterNode::leave(int timeoutMs)
{
    if (m_restartWatch)
        m_restartWatch->stop();
    m_pollTimer.stop();
    m_keepAliveTimer.stop();
    m_retryTimer.stop();
    if (!m_lease || !m_etcd)
        return;
    if (!m_registered) { // members/<id> is not ours (or not yet): no goodbye under it
        m_etcd->revoke(m_lease, [](const EtcdReply &) {});
        m_lease = 0;
        return;
    }
    QEventLoop loop;
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    const QByteArray goodbye = compact({{QStringLiteral("id"), m_config.nodeId}, {QStringLiteral("left_ms"), double(nowMs())}});
    QPointer<QEventLoop> waiting(&loop); // a late answer finds the loop gone, not dangling
    m_etcd->put(m_config.key(QStringLiteral("left/") + m_config.nodeId), goodbye, 0, [this, waiting](const EtcdReply &) {
        m_etcd->revoke(m_lease, [waiting](const EtcdReply &) {
            if (waiting)
                waiting->quit();
        });
    });
    loop.exec();
    spdlog::info("cluster: node {} left cluster {}", m_config.nodeId.toStdString(), m_config.cluster.toStdString());
    m_lease = 0;
}

} // namespace shardscope
