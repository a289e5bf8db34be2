#include "model/fleet/RestartReplay.h"

#include <QJsonArray>

#include <algorithm>

namespace shardscope {
namespace {

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

std::int64_t ms(const QJsonValue &v)
{
    return std::int64_t(v.toDouble());
}

bool quiet(const QString &step)
{
    return step == QLatin1String("waiting") || step == QLatin1String("settling") || step == QLatin1String("done");
}

// When the node reached its new version: its first stamp of settling or done.
std::int64_t arrivedMs(const QJsonArray &steps)
{
    for (const QJsonValue &v : steps) {
        const QString step = str(v.toObject(), "step");
        if (step == QLatin1String("settling") || step == QLatin1String("done"))
            return ms(v.toObject().value(QStringLiteral("at_ms")));
    }
    return -1;
}

// When the restart marked the node lost: its stamp of that failed step.
std::int64_t lostMs(const QJsonObject &node, std::int64_t tMs)
{
    if (str(node, "outcome") != QLatin1String("lost"))
        return -1;
    const QJsonArray steps = node.value(QStringLiteral("steps")).toArray();
    for (const QJsonValue &v : steps) {
        const QJsonObject s = v.toObject();
        if (str(s, "step") == QLatin1String("failed") && ms(s.value(QStringLiteral("at_ms"))) <= tMs)
            return ms(s.value(QStringLiteral("at_ms")));
    }
    return -1;
}

} // namespace

QString replayStepAt(const QJsonObject &node, std::int64_t tMs)
{
    const QJsonArray steps = node.value(QStringLiteral("steps")).toArray();
    if (steps.isEmpty())
        return str(node, "step");
    QString step = QStringLiteral("waiting");
    for (const QJsonValue &v : steps) {
        if (ms(v.toObject().value(QStringLiteral("at_ms"))) > tMs)
            break;
        step = str(v.toObject(), "step");
    }
    return step;
}

ClusterStatus replayStatus(const QJsonObject &journal, std::int64_t tMs)
{
    ClusterStatus s;
    s.etcdOk = true;
    s.coordinator = str(journal, "coordinator");
    for (const QJsonValue &v : journal.value(QStringLiteral("nodes")).toArray()) {
        const QJsonObject node = v.toObject();
        ClusterNodeStatus n;
        n.id = str(node, "id");
        n.step = replayStepAt(node, tMs);
        n.outcome = str(node, "outcome");
        const std::int64_t arrived = arrivedMs(node.value(QStringLiteral("steps")).toArray());
        const bool onNew = node.contains(QStringLiteral("version")) && arrived >= 0 && arrived <= tMs;
        n.version = ms(node.value(onNew ? QStringLiteral("version") : QStringLiteral("start_version")));
        const std::int64_t lost = lostMs(node, tMs);
        n.state = lost >= 0 ? QStringLiteral("lost") : QStringLiteral("up");
        n.lastSeenAtMs = lost >= 0 ? lost : 0;
        n.ready = n.state == QLatin1String("up") && quiet(n.step);
        n.coordinator = n.id == s.coordinator;
        s.versions[n.version] += n.state == QLatin1String("up");
        s.nodes.push_back(n);
    }
    s.hasRestart = true;
    s.restart.id = str(journal, "id");
    s.restart.strategy = str(journal, "strategy");
    const bool over = tMs >= ms(journal.value(QStringLiteral("ended_ms"))) && journal.contains(QStringLiteral("ended_ms"));
    s.restart.state = over ? str(journal, "state") : QStringLiteral("running");
    s.restart.reason = over ? str(journal, "reason") : QString();
    s.restart.running = !over;
    s.restart.createdMs = ms(journal.value(QStringLiteral("created_ms")));
    s.restart.acceptedBy = str(journal, "accepted_by");
    return s;
}

RestartReplay::RestartReplay(QObject *parent)
    : QObject(parent)
    , m_client(QUrl(), QString(), QByteArray())
    , m_cluster(m_client)
    , m_fleet(m_cluster, [this] { return m_timeMs; })
{
    m_proxy.setSourceModel(&m_fleet);
}

void RestartReplay::setJournal(const QJsonObject &journal)
{
    m_journal = journal;
    m_startMs = ms(journal.value(journal.contains(QStringLiteral("started_ms")) ? QStringLiteral("started_ms") : QStringLiteral("created_ms")));
    m_endMs = std::max(m_startMs, ms(journal.value(journal.contains(QStringLiteral("ended_ms")) ? QStringLiteral("ended_ms") : QStringLiteral("updated_ms"))));
    setTimeMs(m_startMs);
}

void RestartReplay::setTimeMs(std::int64_t tMs)
{
    m_timeMs = std::clamp(tMs, m_startMs, m_endMs);
    m_cluster.applyStatus(replayStatus(m_journal, m_timeMs), m_timeMs);
    Q_EMIT timeChanged(m_timeMs);
}

} // namespace shardscope
