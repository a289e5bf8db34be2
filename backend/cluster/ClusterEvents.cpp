#include "backend/cluster/ClusterEvents.h"

#include <QDateTime>
#include <QJsonObject>

#include <spdlog/spdlog.h>

namespace shardscope {

void ClusterEvents::add(const QString &kind, const QString &node, const QString &message, const QString &restartId,
                        const QJsonObject &fields)
{
    spdlog::info("cluster: {}", message.toStdString());
    std::lock_guard lock(m_mutex);
    QJsonObject e = fields;
    e.insert(QStringLiteral("seq"), double(++m_lastSeq));
    e.insert(QStringLiteral("time_ms"), double(QDateTime::currentMSecsSinceEpoch()));
    e.insert(QStringLiteral("kind"), kind);
    e.insert(QStringLiteral("message"), message);
    if (!node.isEmpty())
        e.insert(QStringLiteral("node"), node);
    if (!restartId.isEmpty())
        e.insert(QStringLiteral("restart_id"), restartId);
    m_events.push_back(e);
    if (m_events.size() > kKept)
        m_events.pop_front();
}

QJsonArray ClusterEvents::since(std::uint64_t afterSeq, std::size_t limit) const
{
    std::lock_guard lock(m_mutex);
    QJsonArray out;
    for (const QJsonObject &e : m_events) {
        if (std::uint64_t(e.value(QStringLiteral("seq")).toDouble()) > afterSeq && std::size_t(out.size()) < limit)
            out.append(e);
    }
    return out;
}

std::uint64_t ClusterEvents::lastSeq() const
{
    std::lock_guard lock(m_mutex);
    return m_lastSeq;
}

void noteGateVerdict(ClusterEvents &events, const QString &restartId, const QJsonObject &was, const QJsonObject &now)
{
    const QJsonObject gate = now.value(QStringLiteral("gate")).toObject();
    const QString verdict = gate.value(QStringLiteral("verdict")).toString();
    if (verdict.isEmpty() || verdict == was.value(QStringLiteral("gate")).toObject().value(QStringLiteral("verdict")).toString())
        return;
    const QJsonArray windows = gate.value(QStringLiteral("windows")).toArray();
    const QString check = windows.isEmpty() ? QString() : windows.last().toObject().value(QStringLiteral("check")).toString();
    const QString node = now.value(QStringLiteral("id")).toString();
    const QString reason = gate.value(QStringLiteral("reason")).toString();
    events.add(QStringLiteral("cluster_restart_gate"), node,
               QStringLiteral("cluster restart %1: node %2's gate %3: %4").arg(restartId, node, verdict, reason), restartId,
               {{QStringLiteral("verdict"), verdict}, {QStringLiteral("reason"), reason}, {QStringLiteral("check"), check}});
}

} // namespace shardscope
