#include "backend/cluster/RollingRun.h"


#include <QJsonArray>
#include <QJsonDocument>

#include <spdlog/spdlog.h>

namespace shardscope {
namespace {

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

bool finished(const QString &state)
{
    return state == QLatin1String("completed") || state == QLatin1String("failed") || state == QLatin1String("aborted");
}

QJsonObject failedWith(QJsonObject journal, const QString &reason)
{
    journal.insert(QStringLiteral("state"), QStringLiteral("failed"));
    journal.insert(QStringLiteral("reason"), reason);
    return journal;
}

} // namespace

void RollingRun::onView(const ClusterView &view)
{
    if (m_writing || view.restart.isEmpty())
        return;
    QJsonObject journal = next(view, clusterNowMs());
    if (journal.isEmpty())
        return;
    journal.insert(QStringLiteral("fence"), etcd::int64Text(m_node.leaderRevision()));
    journal.insert(QStringLiteral("coordinator"), m_node.config.nodeId);
    journal.insert(QStringLiteral("updated_ms"), double(clusterNowMs()));
    if (finished(str(journal, "state")))
        finish(view, journal);
    else
        write(view, journal);
}

QJsonObject RollingRun::next(const ClusterView &view, std::int64_t nowMs) const
{
    QJsonObject journal = view.restart;
    const QString id = str(journal, "id");
    const QString state = str(journal, "state");
    if (finished(state))
        return journal; // a coordinator died between the end and the clean-up
    if (state == QLatin1String("pending")) {
        journal.insert(QStringLiteral("state"), QStringLiteral("running"));
        return journal;
    }
    if (view.abortRequested == id) {
        journal.insert(QStringLiteral("state"), QStringLiteral("aborted"));
        journal.insert(QStringLiteral("reason"), QStringLiteral("aborted on request; nodes already restarted stay on their new version"));
        return journal;
    }
    QJsonArray nodes = journal.value(QStringLiteral("nodes")).toArray();
    for (int i = 0; i < nodes.size(); ++i) {
        QJsonObject n = nodes.at(i).toObject();
        const QString node = str(n, "id");
        const QString step = str(n, "step");
        if (step == QLatin1String("done"))
            continue;
        const auto seen = view.nodes.find(node);
        if (seen == view.nodes.end() || seen->second.state != QLatin1String("up"))
            return failedWith(journal, QStringLiteral("node %1 is %2; the restart stops here").arg(node, seen == view.nodes.end() ? QStringLiteral("unknown") : seen->second.state));
        const auto report = view.progress.find(node);
        const bool reported = report != view.progress.end() && str(report->second, "restart_id") == id;
        if (step == QLatin1String("waiting")) {
            n.insert(QStringLiteral("step"), QStringLiteral("restarting"));
            n.insert(QStringLiteral("from_version"), double(seen->second.version));
        } else if (step == QLatin1String("restarting") && reported && str(report->second, "step") == QLatin1String("failed")) {
            n.insert(QStringLiteral("step"), QStringLiteral("failed"));
            n.insert(QStringLiteral("outcome"), str(report->second, "outcome"));
            nodes.replace(i, n);
            journal.insert(QStringLiteral("nodes"), nodes);
            return failedWith(journal, QStringLiteral("node %1: %2").arg(node, str(report->second, "message")));
        } else if (step == QLatin1String("restarting") && reported && str(report->second, "step") == QLatin1String("done")) {
            n.insert(QStringLiteral("step"), QStringLiteral("settling"));
            n.insert(QStringLiteral("version"), report->second.value(QStringLiteral("version")));
            n.insert(QStringLiteral("settle_until_ms"), double(nowMs + journal.value(QStringLiteral("settle_ms")).toInt()));
        } else if (step == QLatin1String("settling") && seen->second.ready
                   && nowMs >= std::int64_t(n.value(QStringLiteral("settle_until_ms")).toDouble())) {
            n.insert(QStringLiteral("step"), QStringLiteral("done"));
            n.insert(QStringLiteral("outcome"), QStringLiteral("completed"));
        } else {
            return {}; // waiting on this node
        }
        nodes.replace(i, n);
        journal.insert(QStringLiteral("nodes"), nodes);
        return journal;
    }
    journal.insert(QStringLiteral("state"), QStringLiteral("completed"));
    return journal;
}

// Every journal write compares the leader key's create revision (our term) and the
// journal's mod revision: a stale coordinator's write fails.
void RollingRun::write(const ClusterView &view, const QJsonObject &journal)
{
    const ClusterConfig &c = m_node.config;
    const QByteArray current = c.key(QStringLiteral("restart/current"));
    const QJsonObject t = etcd::txn({etcd::compareCreate(c.key(QStringLiteral("leader")), m_node.leaderRevision()),
                                     etcd::compareMod(current, view.restartModRevision)},
                                    {etcd::requestPut(current, QJsonDocument(journal).toJson(QJsonDocument::Compact))});
    m_writing = true;
    m_node.etcd.txn(t, [this](const EtcdReply &r) {
        m_writing = false;
        if (!r.ok || !etcd::succeeded(r.json))
            spdlog::warn("cluster: journal write refused ({}): another coordinator or a newer journal",
                         r.ok ? "fence" : r.error.toStdString());
    });
}

void RollingRun::finish(const ClusterView &view, const QJsonObject &journal)
{
    const ClusterConfig &c = m_node.config;
    const QString id = str(journal, "id");
    const QByteArray current = c.key(QStringLiteral("restart/current"));
    QJsonArray ops{etcd::requestPut(c.key(QStringLiteral("restart/history/") + id), QJsonDocument(journal).toJson(QJsonDocument::Compact)),
                   etcd::requestDelete(current), etcd::requestDelete(c.key(QStringLiteral("restart/abort")))};
    for (const auto &[node, report] : view.progress)
        ops.append(etcd::requestDelete(c.key(QStringLiteral("restart/node/") + node)));
    const QJsonObject t = etcd::txn({etcd::compareCreate(c.key(QStringLiteral("leader")), m_node.leaderRevision()),
                                     etcd::compareMod(current, view.restartModRevision)}, ops);
    m_writing = true;
    m_node.etcd.txn(t, [this, id, state = str(journal, "state")](const EtcdReply &r) {
        m_writing = false;
        if (r.ok && etcd::succeeded(r.json))
            spdlog::info("cluster: restart {} {}", id.toStdString(), state.toStdString());
    });
}

} // namespace shardscope
