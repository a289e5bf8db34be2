#include "backend/cluster/ClusterNode.h"

#include "backend/cluster/LockstepRun.h"
#include "backend/cluster/NodeLockstep.h"
#include "backend/cluster/NodeRestart.h"
#include "backend/cluster/RollingRun.h"
#include "backend/ShardService.h"
#include "backend/wire/JsonCodec.h"

#include <QDateTime>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace shardscope {
namespace {

constexpr int kRetryMs = 500;         // between attempts to reach etcd
constexpr int kStatusRefreshMs = 1000; // status/<id> is rewritten at least this often

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

void ClusterNode::start()
{
    m_etcd = std::make_unique<EtcdClient>(m_config.etcd);
    const ClusterContext context{m_config, *m_etcd, [this] { return m_leaderRevision; }, [this] { return m_lease; }};
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
    m_pollTimer.start();
    m_keepAliveTimer.start();
    m_restartWatch = std::make_unique<EtcdWatch>(m_config.etcd, m_config.key(QStringLiteral("restart/")));
    connect(m_restartWatch.get(), &EtcdWatch::changed, this, &ClusterNode::poll);
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
                    {QStringLiteral("run"), m_config.run}});
}

void ClusterNode::registerKeys()
{
    m_lastStatus.clear(); // the status goes out again on the new lease
    const QJsonArray ops{etcd::requestPut(m_config.key(QStringLiteral("members/") + m_config.nodeId), memberValue(), m_lease),
                         etcd::requestDelete(m_config.key(QStringLiteral("left/") + m_config.nodeId))};
    m_etcd->txn(etcd::txn({}, ops), [this, lease = m_lease](const EtcdReply &r) {
        if (lease != m_lease)
            return;
        if (!r.ok) {
            setEtcd(false, r.error);
            m_lease = 0; // the lease expires by itself; a new one is granted
            m_retryTimer.start();
            return;
        }
        m_events.add(QStringLiteral("node_registered"), m_config.nodeId,
                     QStringLiteral("node %1 registered (lease %2, TTL %3 s)").arg(m_config.nodeId).arg(lease).arg(m_config.leaseTtlSeconds));
        {
            std::lock_guard lock(m_mutex);
            m_view.registered = true;
        }
        publishStatus(true);
    });
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
        if (!EtcdClient::leaseAlive(r))
            leaseLost(QStringLiteral("etcd no longer knows lease %1 (it expired)").arg(lease));
    });
}

void ClusterNode::leaseLost(const QString &why)
{
    m_events.add(QStringLiteral("lease_lost"), m_config.nodeId, QStringLiteral("node %1 lost its registration: %2; registering again").arg(m_config.nodeId, why));
    m_lease = 0;
    m_leaderRevision = 0;
    {
        std::lock_guard lock(m_mutex);
        m_view.registered = false;
    }
    grant();
}

void ClusterNode::publishStatus(bool force)
{
    if (!m_lease)
        return;
    const ServiceSnapshot s = m_service.snapshot();
    const QJsonObject status{{QStringLiteral("phase"), qs(toString(s.phase))}, {QStringLiteral("ready"), s.ready() && !readinessHeld()},
                             {QStringLiteral("version"), double(s.version)}, {QStringLiteral("distinct_versions"), s.distinctVersions()},
                             {QStringLiteral("restart_running"), m_service.restartRunning()}};
    const QByteArray value = compact(status);
    if (!force && value == m_lastStatus && nowMs() - m_lastStatusMs < kStatusRefreshMs)
        return;
    m_lastStatus = value;
    m_lastStatusMs = nowMs();
    m_etcd->put(m_config.key(QStringLiteral("status/") + m_config.nodeId), value, m_lease, [this](const EtcdReply &r) {
        if (!r.ok) {
            setEtcd(false, r.error);
            m_lastStatus.clear();
        }
    });
}

void ClusterNode::poll()
{
    publishStatus(false);
    if (m_polling) {
        m_pollAgain = true;
        return;
    }
    m_polling = true;
    m_etcd->rangePrefix(m_config.prefix(), [this](const EtcdReply &r) {
        m_polling = false;
        if (std::exchange(m_pollAgain, false))
            QTimer::singleShot(0, this, &ClusterNode::poll); // after this answer is applied
        if (!r.ok) {
            setEtcd(false, r.error);
            return;
        }
        setEtcd(true, {});
        ClusterView before = view();
        ClusterView after = before;
        after.apply(m_config.prefix(), etcd::keyValues(r.json), nowMs());
        after.registered = m_lease != 0;
        if (after.coordinator != m_config.nodeId)
            m_leaderRevision = 0;
        else if (m_lease)
            m_leaderRevision = after.leaderCreateRevision;
        noteChanges(before, after);
        {
            std::lock_guard lock(m_mutex);
            m_view = after;
        }
        if (after.coordinator.isEmpty() && m_lease)
            campaign();
        const int interval = after.restart.isEmpty() ? m_config.pollMs : std::min(m_config.pollMs, m_config.activePollMs);
        if (m_pollTimer.interval() != interval)
            m_pollTimer.setInterval(interval);
        m_nodeRestart->onView(after);
        m_nodeLockstep->onView(after);
        if (!m_leaderRevision)
            return;
        if (after.restart.value(QStringLiteral("strategy")).toString() == QLatin1String("lockstep"))
            m_lockstep->onView(after);
        else
            m_rolling->onView(after);
    });
}

void ClusterNode::campaign()
{
    if (m_campaigning)
        return;
    m_campaigning = true;
    const QByteArray key = m_config.key(QStringLiteral("leader"));
    const QJsonObject t = etcd::txn({etcd::compareCreate(key, 0)},
                                    {etcd::requestPut(key, compact({{QStringLiteral("id"), m_config.nodeId}}), m_lease)});
    m_etcd->txn(t, [this](const EtcdReply &r) {
        m_campaigning = false;
        if (r.ok && etcd::succeeded(r.json)) {
            m_leaderRevision = etcd::revision(r.json);
            m_events.add(QStringLiteral("coordinator_elected"), m_config.nodeId,
                         QStringLiteral("node %1 is the coordinator (fence %2)").arg(m_config.nodeId).arg(m_leaderRevision));
        }
    });
}

void ClusterNode::noteChanges(const ClusterView &before, const ClusterView &after)
{
    for (const auto &[id, n] : after.nodes) {
        const auto old = before.nodes.find(id);
        const QString was = old == before.nodes.end() ? QString() : old->second.state;
        if (was == n.state)
            continue;
        if (n.state == QLatin1String("up"))
            m_events.add(QStringLiteral("node_up"), id, QStringLiteral("node %1 is up at %2").arg(id, n.url));
        else if (n.state == QLatin1String("lost"))
            m_events.add(QStringLiteral("node_lost"), id, QStringLiteral("node %1 is lost: its lease expired").arg(id));
        else
            m_events.add(QStringLiteral("node_left"), id, QStringLiteral("node %1 left the cluster").arg(id));
    }
    if (before.coordinator != after.coordinator && !after.coordinator.isEmpty())
        m_events.add(QStringLiteral("coordinator"), after.coordinator, QStringLiteral("coordinator is now %1").arg(after.coordinator));
    const QString id = after.restart.value(QStringLiteral("id")).toString();
    const QString state = after.restart.value(QStringLiteral("state")).toString();
    if (!id.isEmpty() && (id != before.restart.value(QStringLiteral("id")).toString()
                          || state != before.restart.value(QStringLiteral("state")).toString()))
        m_events.add(QStringLiteral("cluster_restart"), {}, QStringLiteral("cluster restart %1: %2").arg(id, state), id,
                     {{QStringLiteral("state"), state}});
    if (!id.isEmpty() && id == before.restart.value(QStringLiteral("id")).toString())
        noteSteps(before.restart, after.restart);
    const QString lastId = after.lastRestart.value(QStringLiteral("id")).toString();
    if (!lastId.isEmpty() && lastId != before.lastRestart.value(QStringLiteral("id")).toString() && before.readAtMs) {
        {
            std::lock_guard lock(m_mutex);
            ++m_restarts[{after.lastRestart.value(QStringLiteral("strategy")).toString(), after.lastRestart.value(QStringLiteral("state")).toString()}];
        }
        const QString end = after.lastRestart.value(QStringLiteral("state")).toString();
        const QString reason = after.lastRestart.value(QStringLiteral("reason")).toString();
        m_events.add(QStringLiteral("cluster_restart_finished"), {},
                     QStringLiteral("cluster restart %1 ended %2%3").arg(lastId, end, reason.isEmpty() ? QString() : QStringLiteral(": ") + reason),
                     lastId, {{QStringLiteral("state"), end}, {QStringLiteral("reason"), reason}});
    }
}

void ClusterNode::noteSteps(const QJsonObject &before, const QJsonObject &after)
{
    const QJsonArray was = before.value(QStringLiteral("nodes")).toArray();
    const QJsonArray now = after.value(QStringLiteral("nodes")).toArray();
    const QString id = after.value(QStringLiteral("id")).toString();
    for (qsizetype i = 0; i < now.size() && i < was.size(); ++i) {
        const QString step = now.at(i).toObject().value(QStringLiteral("step")).toString();
        if (step == was.at(i).toObject().value(QStringLiteral("step")).toString())
            continue;
        const QString node = now.at(i).toObject().value(QStringLiteral("id")).toString();
        const QString outcome = now.at(i).toObject().value(QStringLiteral("outcome")).toString();
        m_events.add(QStringLiteral("cluster_restart_step"), node, QStringLiteral("cluster restart %1: node %2 %3").arg(id, node, step), id,
                     {{QStringLiteral("step"), step}, {QStringLiteral("outcome"), outcome}});
    }
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
