// Where a cluster restart is, as the cluster stepper and the header's line say it: rolling
// counts nodes done and names each busy node's step (steps it does not know by their
// name), lockstep finds its stage from the journal's state and the nodes' own phases.
#include "model/cluster/ClusterProgress.h"

#include <QTest>

using namespace shardscope;
using Mark = ClusterProgress::Mark;

namespace {

ClusterNodeRow node(const char *id, const char *step, const char *phase = "serving")
{
    ClusterNodeRow r;
    r.id = QLatin1String(id);
    r.step = QLatin1String(step);
    r.phase = QLatin1String(phase);
    return r;
}

ClusterRestartStatus journal(const char *strategy, const char *state, bool running = true)
{
    ClusterRestartStatus s;
    s.id = QStringLiteral("r1");
    s.strategy = QLatin1String(strategy);
    s.state = QLatin1String(state);
    s.running = running;
    return s;
}

QString marks(const ClusterProgress &p)
{
    QStringList out;
    for (const auto &s : p.stages)
        out << s.name + QLatin1Char(':') + QString::number(int(s.mark));
    return out.join(QLatin1Char(' '));
}

} // namespace

class TestClusterProgress : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void no_restart_is_nothing_to_show()
    {
        const ClusterProgress p = clusterProgress({node("n0", "")}, nullptr);
        QVERIFY(!p.seen);
        QVERIFY(p.detail().isEmpty());
    }

    void rolling_counts_nodes_done_and_names_busy_steps_in_natural_order()
    {
        const ClusterRestartStatus j = journal("rolling", "running");
        const ClusterProgress p = clusterProgress({node("n10", "waiting"), node("n2", "unready"), node("n0", "done"),
                                                   node("n1", "settling"), node("n3", "analysing"), node("n4", "")},
                                                  &j);
        QCOMPARE(p.total, 5); // n4 has no step: not in this restart
        QCOMPARE(p.done, 1);
        QCOMPARE(p.detail(), QStringLiteral("nodes done 1 of 5; n1 settling, n2 in grace, n3 analysing"));
        QCOMPARE(p.nodes.front().id, QStringLiteral("n0"));
        QCOMPARE(p.nodes.back().id, QStringLiteral("n10"));
        QCOMPARE(int(p.nodes.back().mark), int(Mark::Pending));
        QVERIFY(p.stages.empty());
    }

    // A guarded rolling restart's steps: "analysing" by its name, "reverting" busy, and
    // "reverted" an end that is not "done" on the target.
    void a_guarded_rolling_restart_counts_reverted_nodes_apart()
    {
        const ClusterRestartStatus j = journal("rolling", "reverting");
        const ClusterProgress p = clusterProgress({node("n0", "reverted"), node("n1", "reverting"), node("n2", "analysing"), node("n3", "waiting")}, &j);
        QCOMPARE(p.done, 0);
        QCOMPARE(p.reverted, 1);
        QCOMPARE(int(p.nodes.front().mark), int(Mark::Done));
        QCOMPARE(p.detail(), QStringLiteral("nodes done 0 of 4, 1 reverted; n1 reverting, n2 analysing"));
        const ClusterProgress stopped = clusterProgress({node("n0", "gate_failed"), node("n1", "waiting")}, &j);
        QCOMPARE(int(stopped.nodes.front().mark), int(Mark::Failed));
        QCOMPARE(stopped.detail(), QStringLiteral("nodes done 0 of 2; n0 gate failed"));
    }

    // With no node busy, the line says which node before its turn the restart waits on.
    void rolling_with_nobody_busy_names_the_node_it_waits_on()
    {
        const ClusterRestartStatus j = journal("rolling", "running");
        ClusterNodeRow lost = node("n7", "waiting");
        lost.state = QStringLiteral("lost");
        ClusterNodeRow fine = node("n8", "waiting");
        fine.ready = true;
        const ClusterProgress p = clusterProgress({node("n0", "done"), lost, fine}, &j);
        QCOMPARE(p.detail(), QStringLiteral("nodes done 1 of 3; waiting on n7 (lost)"));
        const ClusterProgress busy = clusterProgress({node("n0", "restarting"), lost, fine}, &j);
        QCOMPARE(busy.detail(), QStringLiteral("nodes done 0 of 3; n0 restarting"));
    }

    void lockstep_stage_is_the_least_advanced_node_before_the_mark()
    {
        const ClusterRestartStatus j = journal("lockstep", "running");
        ClusterProgress p = clusterProgress({node("n0", "verified"), node("n1", "preparing", "draining"), node("n2", "preparing", "verifying")}, &j);
        QCOMPARE(marks(p), QStringLiteral("prepare:2 drain:1 restart:0 verify:0 commit mark:0 resume:0"));
        QCOMPARE(p.detail(), QStringLiteral("drain; 1 of 3 voted"));
        p = clusterProgress({node("n0", "verified"), node("n1", "verified")}, &j);
        QCOMPARE(marks(p), QStringLiteral("prepare:2 drain:2 restart:2 verify:2 commit mark:1 resume:0"));
        const ClusterRestartStatus committed = journal("lockstep", "committed");
        p = clusterProgress({node("n0", "done"), node("n1", "verified")}, &committed);
        QCOMPARE(marks(p), QStringLiteral("prepare:2 drain:2 restart:2 verify:2 commit mark:2 resume:1"));
    }

    void lockstep_rolling_back_shows_where_it_stopped_and_the_rollback()
    {
        const ClusterRestartStatus back = journal("lockstep", "rolling_back");
        ClusterProgress p = clusterProgress({node("n0", "rolling_back", "restarting"), node("n1", "verified")}, &back);
        QCOMPARE(marks(p), QStringLiteral("prepare:2 drain:2 restart:3 verify:0 commit mark:0 resume:0 rollback:1"));
        const ClusterRestartStatus over = journal("lockstep", "rolled_back", false);
        p = clusterProgress({node("n0", "rolled_back"), node("n1", "rolled_back")}, &over);
        QCOMPARE(p.stages.back().name, QStringLiteral("rollback"));
        QCOMPARE(int(p.stages.back().mark), int(Mark::Done));
        const ClusterRestartStatus done = journal("lockstep", "completed", false);
        p = clusterProgress({node("n0", "done"), node("n1", "done")}, &done);
        QCOMPARE(marks(p), QStringLiteral("prepare:2 drain:2 restart:2 verify:2 commit mark:2 resume:2"));
    }
};

QTEST_GUILESS_MAIN(TestClusterProgress)
#include "tst_cluster_progress.moc"
