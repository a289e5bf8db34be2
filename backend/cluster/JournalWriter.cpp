#include "backend/cluster/JournalWriter.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <spdlog/spdlog.h>

#include <map>
#include <optional>

namespace shardscope {

bool JournalWriter::finished(const QString &state)
{
    return state == QLatin1String("completed") || state == QLatin1String("failed") || state == QLatin1String("aborted")
        || state == QLatin1String("rolled_back");
}

namespace {

// Appends {step, at_ms} when the node's step is not the last one stamped; keeps the
// first stamp and the newest ones so that a long run cannot outgrow etcd's value limit.
QJsonObject stampNode(QJsonObject node, std::int64_t nowMs)
{
    const QString step = node.value(QStringLiteral("step")).toString();
    QJsonArray steps = node.value(QStringLiteral("steps")).toArray();
    if (step.isEmpty() || (!steps.isEmpty() && steps.last().toObject().value(QStringLiteral("step")).toString() == step))
        return node;
    steps.append(QJsonObject{{QStringLiteral("step"), step}, {QStringLiteral("at_ms"), double(nowMs)}});
    while (steps.size() > kStepStamps)
        steps.removeAt(1);
    node.insert(QStringLiteral("steps"), steps);
    return node;
}

} // namespace

QJsonObject stampSteps(QJsonObject journal, std::int64_t nowMs)
{
    QJsonArray nodes = journal.value(QStringLiteral("nodes")).toArray();
    for (int i = 0; i < nodes.size(); ++i)
        nodes.replace(i, stampNode(nodes.at(i).toObject(), nowMs));
    journal.insert(QStringLiteral("nodes"), nodes);
    if (journal.value(QStringLiteral("state")).toString() != QLatin1String("pending") && !journal.contains(QStringLiteral("started_ms")))
        journal.insert(QStringLiteral("started_ms"), double(nowMs));
    return journal;
}

void JournalWriter::write(const ClusterView &view, QJsonObject journal, std::function<void()> written, QJsonArray compares)
{
    if (m_node.leaderRevision() <= 0)
        return spdlog::warn("cluster: journal write skipped: this node holds no fence"); // 0 would read "no leader"
    journal.insert(QStringLiteral("fence"), etcd::int64Text(m_node.leaderRevision()));
    journal.insert(QStringLiteral("coordinator"), m_node.config.nodeId);
    const std::int64_t now = clusterNowMs();
    journal = stampSteps(std::move(journal), now);
    journal.insert(QStringLiteral("updated_ms"), double(now));
    if (finished(journal.value(QStringLiteral("state")).toString())) {
        journal.insert(QStringLiteral("ended_ms"), double(now));
        finish(view, journal);
    }
    else
        put(view, journal, std::move(written), std::move(compares));
}

void JournalWriter::put(const ClusterView &view, const QJsonObject &journal, std::function<void()> written, QJsonArray compares)
{
    const ClusterConfig &c = m_node.config;
    const QByteArray current = c.key(QStringLiteral("restart/current"));
    compares.prepend(etcd::compareMod(current, view.restartModRevision));
    compares.prepend(etcd::compareCreate(c.key(QStringLiteral("leader")), m_node.leaderRevision()));
    const QJsonObject t = etcd::txn(compares, {etcd::requestPut(current, QJsonDocument(journal).toJson(QJsonDocument::Compact))});
    m_writing = true;
    m_node.etcd.txn(t, [this, written = std::move(written)](const EtcdReply &r) {
        m_writing = false;
        if (!r.ok || !etcd::succeeded(r.json))
            return spdlog::warn("cluster: journal write refused ({}): another coordinator or a newer journal",
                                r.ok ? "fence" : r.error.toStdString());
        if (written)
            written();
    });
}

void JournalWriter::finish(const ClusterView &view, const QJsonObject &journal)
{
    const ClusterConfig &c = m_node.config;
    const QString id = journal.value(QStringLiteral("id")).toString();
    const QByteArray current = c.key(QStringLiteral("restart/current"));
    QJsonArray ops{etcd::requestPut(c.key(QStringLiteral("restart/history/") + id), QJsonDocument(journal).toJson(QJsonDocument::Compact)),
                   etcd::requestDelete(current), etcd::requestDelete(c.key(QStringLiteral("restart/abort")))};
    for (const auto &[node, report] : view.progress)
        ops.append(etcd::requestDelete(c.key(QStringLiteral("restart/node/") + node)));
    // A few bytes every node reads on every read (history is read only now and then): a retry
    // of this request is known as this restart from the moment it left restart/current.
    const QJsonObject last{{QStringLiteral("id"), id}, {QStringLiteral("request_id"), journal.value(QStringLiteral("request_id"))},
                           {QStringLiteral("strategy"), journal.value(QStringLiteral("strategy"))},
                           {QStringLiteral("target_version"), journal.value(QStringLiteral("target_version"))},
                           {QStringLiteral("state"), journal.value(QStringLiteral("state"))}};
    ops.append(etcd::requestPut(c.key(QStringLiteral("restart/last")), QJsonDocument(last).toJson(QJsonDocument::Compact)));
    const QJsonObject t = etcd::txn({etcd::compareCreate(c.key(QStringLiteral("leader")), m_node.leaderRevision()),
                                     etcd::compareMod(current, view.restartModRevision)}, ops);
    m_writing = true;
    m_node.etcd.txn(t, [this, id, state = journal.value(QStringLiteral("state")).toString()](const EtcdReply &r) {
        m_writing = false;
        if (r.ok && etcd::succeeded(r.json))
            spdlog::info("cluster: restart {} {}", id.toStdString(), state.toStdString());
    });
}

namespace {

// Cluster thread only: the report each node has in flight and the one to send next.
struct ReportQueue {
    bool inFlight = false;
    std::optional<std::pair<ClusterContext, QJsonObject>> next;
};
std::map<QByteArray, ReportQueue> &reportQueues()
{
    static std::map<QByteArray, ReportQueue> queues;
    return queues;
}

// One queue per node run (a run that ends with a put in flight leaves its queue behind).
QByteArray queueKey(const ClusterContext &node)
{
    return node.config.key(QStringLiteral("restart/node/") + node.config.nodeId) + ' ' + node.config.run.toUtf8() + ' '
        + QByteArray::number(quintptr(&node.config));
}

void sendReport(const ClusterContext &node, QJsonObject report)
{
    const QString self = node.config.nodeId;
    const QByteArray key = node.config.key(QStringLiteral("restart/node/") + self);
    const QByteArray queue = queueKey(node);
    report.insert(QStringLiteral("run"), node.config.run);
    reportQueues()[queue].inFlight = true;
    node.etcd.put(key, QJsonDocument(report).toJson(QJsonDocument::Compact), node.lease ? node.lease() : 0,
                  [self, queue](const EtcdReply &r) {
        if (!r.ok)
            spdlog::warn("cluster: {} could not report its restart step: {}", self.toStdString(), r.error.toStdString());
        ReportQueue &q = reportQueues()[queue];
        q.inFlight = false;
        if (q.next) {
            auto [context, next] = std::move(*q.next);
            q.next.reset();
            sendReport(context, next);
        }
    });
}

} // namespace

void putNodeReport(const ClusterContext &node, const QJsonObject &report)
{
    ReportQueue &q = reportQueues()[queueKey(node)];
    if (q.inFlight)
        q.next.emplace(node, report); // replaces an older waiting one: latest wins
    else
        sendReport(node, report);
}

QJsonObject compareLease(const QByteArray &key, std::int64_t lease)
{
    return {{QStringLiteral("key"), etcd::b64(key)}, {QStringLiteral("target"), QStringLiteral("LEASE")},
            {QStringLiteral("result"), QStringLiteral("EQUAL")}, {QStringLiteral("lease"), etcd::int64Text(lease)}};
}

} // namespace shardscope
