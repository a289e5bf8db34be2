#include "backend/cluster/ClusterApi.h"

#include "backend/cluster/ClusterNode.h"
#include "backend/cluster/NodeLockstep.h"
#include "backend/cluster/RestartRequest.h"
#include "backend/cluster/ResumeRequest.h"

#include <QMetaObject>
#include <QPointer>
#include <QUuid>

namespace shardscope {

ClusterApi::ClusterApi(ClusterConfig config, ShardService &service)
    : m_config(std::move(config))
    , m_service(service)
{
    m_thread.setObjectName(QStringLiteral("cluster"));
}

ClusterApi::~ClusterApi()
{
    stop();
}

void ClusterApi::start(const QString &nodeUrl)
{
    m_config.nodeUrl = nodeUrl;
    if (m_config.nodeId.isEmpty())
        m_config.nodeId = QUrl(nodeUrl).authority();
    m_config.run = QUuid::createUuid().toString(QUuid::WithoutBraces);
    auto *node = new ClusterNode(m_config, m_service);
    node->moveToThread(&m_thread);
    m_thread.start();
    QMetaObject::invokeMethod(node, [node] { node->start(); });
    m_node.store(node);
}

void ClusterApi::stop(int timeoutMs)
{
    if (!m_thread.isRunning())
        return;
    ClusterNode *node = m_node.exchange(nullptr);
    QMetaObject::invokeMethod(node, [node, timeoutMs] {
        node->leave(timeoutMs);
        delete node;
    }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

QJsonObject ClusterApi::status() const
{
    ClusterNode *node = m_node.load();
    if (!node)
        return {};
    QJsonObject s = node->view().toJson(ClusterNode::steadyMs());
    s.insert(QStringLiteral("etcd_url"), m_config.etcd.toString(QUrl::StripTrailingSlash));
    s.insert(QStringLiteral("lease_ttl_s"), m_config.leaseTtlSeconds);
    return s;
}

ClusterApi::Readiness ClusterApi::readiness() const
{
    ClusterNode *node = m_node.load();
    if (!node)
        return {};
    if (node->readinessHeld())
        return {true, false, QStringLiteral("a cluster restart is about to restart this node")};
    const NodeLockstep *started = node->lockstepIfStarted();
    if (!started)
        return {};
    const NodeLockstep &lockstep = *started;
    switch (lockstep.readiness()) {
    case NodeLockstep::Readiness::Holding:
        return {false, true, lockstep.readinessWhy()};
    case NodeLockstep::Readiness::Uncertain:
    case NodeLockstep::Readiness::Behind:
        return {true, false, lockstep.readinessWhy()};
    case NodeLockstep::Readiness::Normal:
        break;
    }
    return {};
}

QJsonObject ClusterApi::events(std::uint64_t since, std::uint64_t limit) const
{
    ClusterNode *node = m_node.load();
    if (!node)
        return {};
    return {{QStringLiteral("events"), node->events().since(since, std::size_t(limit))},
            {QStringLiteral("last_seq"), double(node->events().lastSeq())}};
}

QByteArray ClusterApi::metricsText() const
{
    ClusterNode *node = m_node.load();
    return node ? clusterMetricsText(node->view(), node->restartCounts()) : QByteArray();
}

namespace {

// Runs `done` on `context`'s thread.
ClusterApi::Done onContext(QObject *context, ClusterApi::Done done)
{
    return [context = QPointer<QObject>(context), done = std::move(done)](const ClusterAnswer &answer) {
        if (context)
            QMetaObject::invokeMethod(context, [done, answer] { done(answer); });
    };
}

} // namespace

void ClusterApi::requestRestart(const QByteArray &body, const QString &client, QObject *context, Done done)
{
    ClusterNode *node = m_node.load();
    if (!node)
        return done({CommandTicket::refused(Refusal::ShuttingDown, QStringLiteral("cluster mode is not running")), {}});
    QMetaObject::invokeMethod(node, [node, &service = m_service, body, client, done = onContext(context, std::move(done))] {
        startClusterRestart(*node, service, body, client, done);
    });
}

void ClusterApi::requestAbort(QObject *context, Done done)
{
    ClusterNode *node = m_node.load();
    if (!node)
        return done({CommandTicket::refused(Refusal::ShuttingDown, QStringLiteral("cluster mode is not running")), {}});
    QMetaObject::invokeMethod(node, [node, done = onContext(context, std::move(done))] {
        abortClusterRestart(*node, done);
    });
}

void ClusterApi::requestResume(const QByteArray &body, const QString &client, QObject *context, ResumeDone done)
{
    ClusterNode *node = m_node.load();
    if (!node)
        return done({ResumeAnswer::Kind::Unavailable, {}, QStringLiteral("cluster mode is not running"), {}});
    auto later = [context = QPointer<QObject>(context), done = std::move(done)](const ResumeAnswer &answer) {
        if (context)
            QMetaObject::invokeMethod(context, [done, answer] { done(answer); });
    };
    QMetaObject::invokeMethod(node, [node, body, client, later] { resumeClusterRestart(*node, body, client, later); });
}

void ClusterApi::history(const HistoryQuery &query, QObject *context, HistoryDone done)
{
    ClusterNode *node = m_node.load();
    if (!node)
        return done({HistoryAnswer::Kind::Unavailable, {}, QStringLiteral("cluster mode is not running")});
    auto later = [context = QPointer<QObject>(context), done = std::move(done)](const HistoryAnswer &answer) {
        if (context)
            QMetaObject::invokeMethod(context, [done, answer] { done(answer); });
    };
    QMetaObject::invokeMethod(node, [node, query, later] { readClusterHistory(*node, query, later); });
}

void ClusterApi::lockstepOutcome(const QByteArray &body, QObject *context, Done done)
{
    ClusterNode *node = m_node.load();
    if (!node)
        return done({CommandTicket::refused(Refusal::ShuttingDown, QStringLiteral("cluster mode is not running")), {}});
    QMetaObject::invokeMethod(node, [node, body, done = onContext(context, std::move(done))] {
        answerLockstepOutcome(*node, body, done);
    });
}

void ClusterApi::pushCommit(const QByteArray &body, QObject *context, Done done)
{
    ClusterNode *node = m_node.load();
    if (!node)
        return done({CommandTicket::refused(Refusal::ShuttingDown, QStringLiteral("cluster mode is not running")), {}});
    QMetaObject::invokeMethod(node, [node, body, done = onContext(context, std::move(done))] {
        commitClusterRestart(*node, body, done);
    });
}

} // namespace shardscope
