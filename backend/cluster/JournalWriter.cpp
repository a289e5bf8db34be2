#include "backend/cluster/JournalWriter.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <spdlog/spdlog.h>

namespace shardscope {

bool JournalWriter::finished(const QString &state)
{
    return state == QLatin1String("completed") || state == QLatin1String("failed") || state == QLatin1String("aborted")
        || state == QLatin1String("rolled_back");
}

void JournalWriter::write(const ClusterView &view, QJsonObject journal, std::function<void()> written)
{
    journal.insert(QStringLiteral("fence"), etcd::int64Text(m_node.leaderRevision()));
    journal.insert(QStringLiteral("coordinator"), m_node.config.nodeId);
    journal.insert(QStringLiteral("updated_ms"), double(clusterNowMs()));
    if (finished(journal.value(QStringLiteral("state")).toString()))
        finish(view, journal);
    else
        put(view, journal, std::move(written));
}

void JournalWriter::put(const ClusterView &view, const QJsonObject &journal, std::function<void()> written)
{
    const ClusterConfig &c = m_node.config;
    const QByteArray current = c.key(QStringLiteral("restart/current"));
    const QJsonObject t = etcd::txn({etcd::compareCreate(c.key(QStringLiteral("leader")), m_node.leaderRevision()),
                                     etcd::compareMod(current, view.restartModRevision)},
                                    {etcd::requestPut(current, QJsonDocument(journal).toJson(QJsonDocument::Compact))});
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
    const QJsonObject t = etcd::txn({etcd::compareCreate(c.key(QStringLiteral("leader")), m_node.leaderRevision()),
                                     etcd::compareMod(current, view.restartModRevision)}, ops);
    m_writing = true;
    m_node.etcd.txn(t, [this, id, state = journal.value(QStringLiteral("state")).toString()](const EtcdReply &r) {
        m_writing = false;
        if (r.ok && etcd::succeeded(r.json))
            spdlog::info("cluster: restart {} {}", id.toStdString(), state.toStdString());
    });
}

void putNodeReport(const ClusterContext &node, const QJsonObject &report)
{
    const QString self = node.config.nodeId;
    node.etcd.put(node.config.key(QStringLiteral("restart/node/") + self), QJsonDocument(report).toJson(QJsonDocument::Compact), 0,
                  [self](const EtcdReply &r) {
        if (!r.ok)
            spdlog::warn("cluster: {} could not report its restart step: {}", self.toStdString(), r.error.toStdString());
    });
}

} // namespace shardscope
