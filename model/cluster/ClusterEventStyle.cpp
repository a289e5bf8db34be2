#include "model/cluster/ClusterEventStyle.h"

namespace shardscope {
namespace {

bool is(const QString &s, const char *word) { return s == QLatin1String(word); }

// A journal state: "completed" is the one success; the states a restart passes through
// on its way are progress; anything else it ends in is not a success.
ClusterEventTone stateTone(const QString &state, bool finished)
{
    if (is(state, "completed"))
        return ClusterEventTone::Success;
    if (is(state, "aborted") || is(state, "rolling_back"))
        return ClusterEventTone::Warning;
    if (is(state, "failed") || is(state, "rolled_back"))
        return ClusterEventTone::Failure;
    if (state.isEmpty())
        return ClusterEventTone::Plain; // a node that does not say: no colour claims an outcome
    return finished ? ClusterEventTone::Warning : ClusterEventTone::Progress; // an end it does not know: look at it
}

ClusterEventTone stepTone(const QString &step, const QString &outcome)
{
    for (const QString &s : {step, outcome}) {
        if (is(s, "failed") || is(s, "lost") || is(s, "rolled_back") || is(s, "rolling_back"))
            return ClusterEventTone::Failure;
    }
    return ClusterEventTone::Plain;
}

QString words(QString s)
{
    return s.replace(QLatin1Char('_'), QLatin1Char(' '));
}

} // namespace

ClusterEventTone clusterEventTone(const ClusterEventRecord &e)
{
    if (is(e.kind, "console"))
        return ClusterEventTone::Note;
    if (is(e.kind, "cluster_restart_finished"))
        return stateTone(e.state, true);
    if (is(e.kind, "cluster_restart"))
        return stateTone(e.state, false);
    if (is(e.kind, "cluster_restart_step"))
        return stepTone(e.step, e.outcome);
    if (is(e.kind, "node_lost") || is(e.kind, "lease_lost"))
        return ClusterEventTone::Warning;
    return ClusterEventTone::Plain;
}

QString clusterEventKind(const ClusterEventRecord &e)
{
    if (is(e.kind, "cluster_restart") || is(e.kind, "cluster_restart_finished"))
        return e.state.isEmpty() ? QStringLiteral("restart") : QStringLiteral("restart ") + words(e.state);
    if (is(e.kind, "cluster_restart_step"))
        return e.step.isEmpty() ? QStringLiteral("step") : QStringLiteral("step ") + words(e.step);
    if (is(e.kind, "coordinator_elected"))
        return QStringLiteral("coordinator");
    if (is(e.kind, "node_registered"))
        return QStringLiteral("registered");
    return words(e.kind);
}

QColor clusterToneColour(ClusterEventTone tone)
{
    switch (tone) {
    case ClusterEventTone::Progress: return QColor(0x2f6fdb);
    case ClusterEventTone::Success: return QColor(0x1f7a37);
    case ClusterEventTone::Warning: return QColor(0xb35900);
    case ClusterEventTone::Failure: return QColor(0xc62828);
    case ClusterEventTone::Note: return QColor(0x6b6b6b);
    case ClusterEventTone::Plain: break;
    }
    return {};
}

QColor clusterToneTint(ClusterEventTone tone)
{
    switch (tone) {
    case ClusterEventTone::Success: return QColor(0xe3f3e6);
    case ClusterEventTone::Warning: return QColor(0xfff0d9);
    case ClusterEventTone::Failure: return QColor(0xfbe2e2);
    default: return {};
    }
}

} // namespace shardscope
