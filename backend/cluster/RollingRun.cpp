#include "backend/cluster/RollingRun.h"

#include <QJsonArray>

#include <algorithm>

namespace shardscope {
namespace {

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

bool busyStep(const QString &step)
{
    return step == QLatin1String("restarting") || step == QLatin1String("settling");
}

// Moves a restarting or settling node on; a failure's reason in *failure.
bool advance(QJsonObject &n, const ClusterView &view, const QString &id, std::int64_t settleMs, std::int64_t nowMs,
             QString *failure)
{
    const QString node = str(n, "id");
    const QString step = str(n, "step");
    const auto seen = view.nodes.find(node);
    if (seen == view.nodes.end() || seen->second.state != QLatin1String("up")) {
        *failure = QStringLiteral("node %1 is %2; the restart stops here").arg(node, seen == view.nodes.end() ? QStringLiteral("unknown") : seen->second.state);
        n.insert(QStringLiteral("step"), QStringLiteral("failed"));
        n.insert(QStringLiteral("outcome"), QStringLiteral("lost"));
        return true;
    }
    const auto report = view.progress.find(node);
    const bool reported = report != view.progress.end() && str(report->second, "restart_id") == id;
    const QString said = reported ? str(report->second, "step") : QString();
    if (step == QLatin1String("restarting") && said == QLatin1String("failed")) {
        n.insert(QStringLiteral("step"), QStringLiteral("failed"));
        n.insert(QStringLiteral("outcome"), str(report->second, "outcome"));
        *failure = QStringLiteral("node %1: %2").arg(node, str(report->second, "message"));
    } else if (step == QLatin1String("restarting") && said == QLatin1String("done")) {
        n.insert(QStringLiteral("step"), QStringLiteral("settling"));
        n.insert(QStringLiteral("version"), report->second.value(QStringLiteral("version")));
        n.insert(QStringLiteral("settle_until_ms"), double(nowMs + settleMs));
    } else if (step == QLatin1String("settling") && seen->second.ready
               && nowMs >= std::int64_t(n.value(QStringLiteral("settle_until_ms")).toDouble())) {
        n.insert(QStringLiteral("step"), QStringLiteral("done"));
        n.insert(QStringLiteral("outcome"), QStringLiteral("completed"));
    } else {
        return false;
    }
    return true;
}

} // namespace

void RollingRun::onView(const ClusterView &view)
{
    if (m_journal.busy() || view.restart.isEmpty())
        return;
    const QJsonObject journal = next(view, clusterNowMs());
    if (!journal.isEmpty())
        m_journal.write(view, journal);
}

QJsonObject RollingRun::next(const ClusterView &view, std::int64_t nowMs) const
{
    QJsonObject journal = view.restart;
    const QString id = str(journal, "id");
    const QString state = str(journal, "state");
    if (JournalWriter::finished(state))
        return journal; // a coordinator died between the end and the clean-up
    if (state == QLatin1String("pending")) {
        journal.insert(QStringLiteral("state"), QStringLiteral("running"));
        return journal;
    }
    bool changed = false;
    if (view.abortRequested == id && !journal.contains(QStringLiteral("stop_reason"))) {
        journal.insert(QStringLiteral("stop_reason"), QStringLiteral("aborted on request; nodes already restarted stay on their new version"));
        journal.insert(QStringLiteral("stop_state"), QStringLiteral("aborted"));
        changed = true;
    }
    QJsonArray nodes = journal.value(QStringLiteral("nodes")).toArray();
    const int settleMs = journal.value(QStringLiteral("settle_ms")).toInt();
    int busy = 0;
    for (int i = 0; i < nodes.size(); ++i) {
        QJsonObject n = nodes.at(i).toObject();
        if (!busyStep(str(n, "step")))
            continue;
        QString failure;
        if (advance(n, view, id, settleMs, nowMs, &failure)) {
            nodes.replace(i, n);
            changed = true;
        }
        if (!failure.isEmpty() && !journal.contains(QStringLiteral("stop_reason"))) {
            journal.insert(QStringLiteral("stop_reason"), failure);
            journal.insert(QStringLiteral("stop_state"), QStringLiteral("failed"));
        }
        busy += busyStep(str(n, "step")) ? 1 : 0;
    }
    const bool stopping = journal.contains(QStringLiteral("stop_reason"));
    const int maxUnavailable = std::max(1, journal.value(QStringLiteral("max_unavailable")).toInt(1));
    bool waiting = false;
    for (int i = 0; i < nodes.size() && !stopping; ++i) {
        QJsonObject n = nodes.at(i).toObject();
        if (str(n, "step") != QLatin1String("waiting"))
            continue;
        const auto seen = view.nodes.find(str(n, "id"));
        if (busy >= maxUnavailable || seen == view.nodes.end() || seen->second.state != QLatin1String("up")) {
            waiting = true;
            if (busy == 0 && (seen == view.nodes.end() || seen->second.state != QLatin1String("up"))) {
                journal.insert(QStringLiteral("stop_reason"), QStringLiteral("node %1 is %2; the restart stops here")
                                   .arg(str(n, "id"), seen == view.nodes.end() ? QStringLiteral("unknown") : seen->second.state));
                journal.insert(QStringLiteral("stop_state"), QStringLiteral("failed"));
                changed = true;
                break;
            }
            continue;
        }
        n.insert(QStringLiteral("step"), QStringLiteral("restarting"));
        n.insert(QStringLiteral("from_version"), double(seen->second.version));
        nodes.replace(i, n);
        ++busy;
        changed = true;
    }
    journal.insert(QStringLiteral("nodes"), nodes);
    if (busy == 0 && journal.contains(QStringLiteral("stop_reason"))) {
        journal.insert(QStringLiteral("state"), journal.value(QStringLiteral("stop_state")));
        journal.insert(QStringLiteral("reason"), journal.value(QStringLiteral("stop_reason")));
        return journal;
    }
    if (busy == 0 && !waiting) {
        journal.insert(QStringLiteral("state"), QStringLiteral("completed"));
        return journal;
    }
    return changed ? journal : QJsonObject();
}

} // namespace shardscope
