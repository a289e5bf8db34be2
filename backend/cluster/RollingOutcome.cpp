#include "backend/cluster/RollingOutcome.h"

#include <QJsonArray>

namespace shardscope {
namespace {

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

std::int64_t integer(const QJsonObject &o, const char *key, std::int64_t otherwise = -1)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isDouble() ? std::int64_t(v.toDouble()) : otherwise;
}

bool troubled(const QString &outcome)
{
    return outcome == QLatin1String("failed") || outcome == QLatin1String("lost") || outcome == QLatin1String("unresponsive");
}

QString joined(const QStringList &parts)
{
    QStringList kept;
    for (const QString &p : parts) {
        if (!p.isEmpty())
            kept << p;
    }
    return kept.join(QStringLiteral("; "));
}

} // namespace

RollingEnd judgeRolling(const QJsonObject &journal, const ClusterView &view)
{
    const std::int64_t target = integer(journal, "target_version");
    bool onTarget = true, back = true, allReady = true, trouble = false;
    const bool rollback = journal.value(QStringLiteral("rollback")).toBool();
    QStringList off, notes;
    for (const QJsonValue &v : journal.value(QStringLiteral("nodes")).toArray()) {
        const QJsonObject n = v.toObject();
        const QString id = str(n, "id");
        trouble = trouble || troubled(str(n, "outcome"));
        if (!str(n, "note").isEmpty())
            notes << QStringLiteral("node %1 %2").arg(id, str(n, "note"));
        const QJsonObject gate = n.value(QStringLiteral("gate")).toObject();
        if (gate.contains(QStringLiteral("verdict")) && str(gate, "verdict") != QLatin1String("passed")
            && !str(journal, "stop_reason").contains(str(gate, "reason"))) // the gate that stopped it is said once
            notes << QStringLiteral("gate %1: %2").arg(str(gate, "verdict"), str(gate, "reason"));
        const auto seen = view.nodes.find(id);
        if (str(n, "outcome") == QLatin1String("unresponsive")) { // its status in etcd is no proof of where it is
            off << QStringLiteral("node %1 is unresponsive").arg(id);
            onTarget = back = allReady = false;
            continue;
        }
        if (seen == view.nodes.end() || seen->second.state != QLatin1String("up")) {
            off << QStringLiteral("node %1 is %2").arg(id, seen == view.nodes.end() ? QStringLiteral("unknown") : seen->second.state);
            onTarget = back = allReady = false;
            continue;
        }
        const NodeView &node = seen->second;
        allReady = allReady && node.ready;
        onTarget = onTarget && node.ready && node.version == target;
        back = back && node.ready && node.version == integer(n, "start_version", integer(n, "from_version"));
        const std::int64_t start = integer(n, "start_version", integer(n, "from_version"));
        if (rollback && node.version != start) // a rollback is judged by who is not back
            off << QStringLiteral("node %1 on v%2, not back on v%3%4").arg(id).arg(node.version).arg(start)
                       .arg(node.ready ? QString() : QStringLiteral(", not ready"));
        else if (rollback && !node.ready)
            off << QStringLiteral("node %1 back on v%2 but not ready").arg(id).arg(start);
        else if (!rollback && (node.version != target || !node.ready))
            off << QStringLiteral("node %1 on v%2%3").arg(id).arg(node.version).arg(node.ready ? QString() : QStringLiteral(", not ready"));
    }
    const QString stop = str(journal, "stop_reason");
    off.removeIf([&stop](const QString &o) { return stop.contains(o); }); // "node n2 is lost" is said once
    if (!str(journal, "revert_blocked").isEmpty())
        notes << str(journal, "revert_blocked");
    const bool aborted = str(journal, "stop_state") == QLatin1String("aborted");
    if (onTarget) // a reason only when something happened on the way
        return {QStringLiteral("completed"), joined({stop.isEmpty() ? QString() : QStringLiteral("every node serves v%1 and is ready; on the way: %2").arg(target).arg(stop),
                                                     joined(notes)})};
    if (back)
        return {aborted ? QStringLiteral("aborted") : QStringLiteral("rolled_back"),
                joined({stop, QStringLiteral("every node is back on the version it started from"), joined(notes)})};
    if (aborted && !trouble && allReady)
        return {QStringLiteral("aborted"), joined({stop, QStringLiteral("target v%1; %2").arg(target).arg(joined(off)), joined(notes)})};
    return {QStringLiteral("failed"), joined({stop, joined(off), joined(notes)})};
}

} // namespace shardscope
