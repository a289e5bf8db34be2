// What ClusterNode logs and records as events when a read differs from the one before.
#include "backend/cluster/ClusterNode.h"

#include <QJsonArray>

#include <spdlog/spdlog.h>

namespace shardscope {

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
    noteTokens(before, after);
    if (before.coordinator != after.coordinator && !after.coordinator.isEmpty())
        m_events.add(QStringLiteral("coordinator"), after.coordinator, QStringLiteral("coordinator is now %1").arg(after.coordinator));
    const QString id = after.restart.value(QStringLiteral("id")).toString();
    const QString state = after.restart.value(QStringLiteral("state")).toString();
    const bool sameRestart = !id.isEmpty() && id == before.restart.value(QStringLiteral("id")).toString();
    // One write, causal order: "running" hands the nodes their first step (state, then
    // steps); every later state is decided from the steps folded into its write (the last
    // "verified" comes with "committed": steps, then state).
    const bool stepsFirst = state != QLatin1String("running");
    if (sameRestart && stepsFirst)
        noteSteps(before.restart, after.restart);
    if (!id.isEmpty() && (!sameRestart || state != before.restart.value(QStringLiteral("state")).toString()))
        m_events.add(QStringLiteral("cluster_restart"), {}, QStringLiteral("cluster restart %1: %2").arg(id, state), id,
                     {{QStringLiteral("state"), state}});
    if (sameRestart && !stepsFirst)
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
        noteGateVerdict(m_events, id, was.at(i).toObject(), now.at(i).toObject());
        const QString step = now.at(i).toObject().value(QStringLiteral("step")).toString();
        if (step == was.at(i).toObject().value(QStringLiteral("step")).toString())
            continue;
        const QString node = now.at(i).toObject().value(QStringLiteral("id")).toString();
        const QString outcome = now.at(i).toObject().value(QStringLiteral("outcome")).toString();
        m_events.add(QStringLiteral("cluster_restart_step"), node, QStringLiteral("cluster restart %1: node %2 %3").arg(id, node, step), id,
                     {{QStringLiteral("step"), step}, {QStringLiteral("outcome"), outcome}});
    }
}

// Logged once per run of the other node: a commit pushed to it would get 403.
void ClusterNode::noteTokens(const ClusterView &before, const ClusterView &after)
{
    for (const auto &[id, n] : after.nodes) {
        const auto old = before.nodes.find(id);
        const bool known = old != before.nodes.end() && old->second.tokenMismatch && old->second.run == n.run;
        if (!n.tokenMismatch || known || n.state != QLatin1String("up"))
            continue;
        spdlog::warn("cluster: node {} at {} runs with another bearer token (digest {}, ours {}): commits pushed to it "
                     "would be refused; give every node the same --token-file", id.toStdString(), n.url.toStdString(),
                     n.tokenDigest.toStdString(), after.tokenDigest.toStdString());
        m_events.add(QStringLiteral("token_mismatch"), id, QStringLiteral("node %1 runs with another bearer token").arg(id));
    }
}

} // namespace shardscope
