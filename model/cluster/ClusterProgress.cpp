#include "model/cluster/ClusterProgress.h"

#include <algorithm>

namespace shardscope {
namespace {

using Mark = ClusterProgress::Mark;

bool isEnd(const QString &step)
{
    return step == QLatin1String("done") || step == QLatin1String("rolled_back") || step == QLatin1String("failed");
}

// A guarded rolling restart's "reverted" is an end too: back on its version and ready.
bool backWhereItStarted(const QString &step)
{
    return step == QLatin1String("rolled_back") || step == QLatin1String("reverted");
}

Mark nodeMark(const QString &step)
{
    if (step == QLatin1String("done") || backWhereItStarted(step))
        return Mark::Done;
    // A gate that stopped the restart on a node (gate_failed, gate_inconclusive) is a failure
    // until the node is reverted.
    if (step == QLatin1String("failed") || step == QLatin1String("unresponsive") || step == QLatin1String("lost")
        || step.startsWith(QLatin1String("gate_")))
        return Mark::Failed;
    if (step.isEmpty() || step == QLatin1String("waiting"))
        return Mark::Pending;
    return Mark::Running;
}

// A lockstep node before its vote, by its own restart phase: 0 prepare .. 3 verify.
int lockstepStageOf(const ClusterNodeRow &r)
{
    if (r.step == QLatin1String("verified") || isEnd(r.step))
        return 4;
    static const char *phases[] = {"preparing", "draining", "restarting", "verifying"};
    for (int i = 0; i < 4; ++i) {
        if (r.phase == QLatin1String(phases[i]))
            return i;
    }
    return 0;
}

void lockstepStages(ClusterProgress &p, const std::vector<ClusterNodeRow> &rows)
{
    static const char *names[] = {"prepare", "drain", "restart", "verify", "commit mark", "resume"};
    for (const char *n : names)
        p.stages.push_back({QLatin1String(n), Mark::Pending});
    const QString &s = p.state;
    const bool back = s == QLatin1String("rolling_back") || s == QLatin1String("rolled_back")
        || s == QLatin1String("aborted") || s == QLatin1String("failed");
    int current = 0;
    if (s == QLatin1String("completed"))
        current = 6;
    else if (s == QLatin1String("committed"))
        current = 5;
    else if (s == QLatin1String("running") || back) {
        current = 4;
        for (const ClusterNodeRow &r : rows) {
            if (!r.step.isEmpty())
                current = std::min(current, lockstepStageOf(r));
        }
    }
    for (int i = 0; i < 6; ++i)
        p.stages[std::size_t(i)].mark = i < current ? Mark::Done : i == current && p.running ? Mark::Running : Mark::Pending;
    if (back) {
        if (current < 6)
            p.stages[std::size_t(current)].mark = Mark::Failed;
        const bool over = s != QLatin1String("rolling_back");
        p.stages.push_back({QStringLiteral("rollback"), !over ? Mark::Running : s == QLatin1String("failed") ? Mark::Failed : Mark::Done});
    } else if (!p.running && s != QLatin1String("completed") && current < 6) {
        p.stages[std::size_t(current)].mark = Mark::Failed; // ended elsewhere than completed
    }
}

} // namespace

QString nodeStepWords(const QString &step)
{
    if (step == QLatin1String("unready"))
        return QStringLiteral("in grace");
    if (step == QLatin1String("verified"))
        return QStringLiteral("voted");
    return QString(step).replace(QLatin1Char('_'), QLatin1Char(' '));
}

ClusterProgress clusterProgress(const std::vector<ClusterNodeRow> &rows, const ClusterRestartStatus *restart)
{
    ClusterProgress p;
    if (!restart)
        return p;
    p.seen = true;
    p.running = restart->running;
    p.strategy = restart->strategy;
    p.state = restart->state;
    std::vector<const ClusterNodeRow *> inRestart;
    for (const ClusterNodeRow &r : rows) {
        if (!r.step.isEmpty())
            inRestart.push_back(&r);
    }
    std::sort(inRestart.begin(), inRestart.end(), [](auto *a, auto *b) { return naturalLess(a->id, b->id); });
    for (const ClusterNodeRow *r : inRestart) {
        const Mark mark = nodeMark(r->step);
        const QString blocker = mark != Mark::Pending ? QString() : !r->up() ? r->state : !r->ready ? QStringLiteral("not ready") : QString();
        p.nodes.push_back({r->id, nodeStepWords(r->step), mark, blocker});
        p.done += r->step == QLatin1String("done") || (p.strategy == QLatin1String("lockstep") && backWhereItStarted(r->step));
        p.reverted += p.strategy != QLatin1String("lockstep") && backWhereItStarted(r->step);
    }
    p.total = int(inRestart.size());
    if (p.strategy == QLatin1String("lockstep"))
        lockstepStages(p, rows);
    return p;
}

QString ClusterProgress::detail() const
{
    if (!seen || total == 0)
        return {};
    if (strategy == QLatin1String("lockstep")) {
        QString at;
        for (const Stage &s : stages) {
            if (s.mark == Mark::Running)
                at = s.name;
        }
        int voted = 0;
        for (const NodeStep &n : nodes)
            voted += n.step == QLatin1String("voted") || n.mark == Mark::Done;
        return (at.isEmpty() ? QString() : at + QStringLiteral("; ")) + QStringLiteral("%1 of %2 voted").arg(voted).arg(total);
    }
    QStringList busy;
    for (const NodeStep &n : nodes) {
        if (n.mark == Mark::Running || n.mark == Mark::Failed)
            busy << QStringLiteral("%1 %2").arg(n.id, n.step);
    }
    // Nobody busy while running: the restart waits on a node before its turn; say which.
    QStringList blocking;
    for (const NodeStep &n : nodes) {
        if (busy.isEmpty() && running && !n.blocker.isEmpty())
            blocking << QStringLiteral("%1 (%2)").arg(n.id, n.blocker);
    }
    return QStringLiteral("nodes done %1 of %2").arg(done).arg(total) + (reverted > 0 ? QStringLiteral(", %1 reverted").arg(reverted) : QString())
        + (busy.isEmpty() ? QString() : QStringLiteral("; ") + busy.join(QStringLiteral(", ")))
        + (blocking.isEmpty() ? QString() : QStringLiteral("; waiting on ") + blocking.join(QStringLiteral(", ")));
}

} // namespace shardscope
