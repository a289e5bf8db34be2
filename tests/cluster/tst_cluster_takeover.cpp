// The coordinator of a lockstep restart killed with SIGKILL at each step: another node
// takes over within the lease TTL, every node that is left serves one version and is
// ready, and the journal holds the outcome: v before the commit mark, v+1 after it.
#include "tests/cluster/LockstepSupport.h"

#include <QElapsedTimer>

using namespace shardscope;
using namespace shardscope::test;

namespace {

constexpr int kHoldMs = 4000; // longer than the test needs to kill: the kill comes first

bool verified(const ClusterNodeProcess &observer, std::initializer_list<const char *> ids)
{
    for (const char *id : ids) {
        if (stepIn(observer, QLatin1String(id)) != QLatin1String("verified"))
            return false;
    }
    return true;
}

// A hold's thread, joined however the test ends.
struct Joined {
    std::thread thread;
    ~Joined()
    {
        if (thread.joinable())
            thread.join();
    }
};

} // namespace

class TestClusterTakeover : public QObject
{
    Q_OBJECT
private:
    EtcdProcess m_etcd;

    // Arms what holds the cluster at `step` before the restart starts; `held` joins a hold.
    void hold(const QString &step, const Nodes &nodes, Joined *held)
    {
        HttpTestClient z0("127.0.0.1", nodes[0]->port);
        if (step == QLatin1String("prepare"))
            QCOMPARE(z0.post("/v1/faults", QStringLiteral(R"({"fault":"slow_graph","ms":%1})").arg(kHoldMs).toUtf8()).status, 200);
        else if (step == QLatin1String("restart"))
            QCOMPARE(z0.post("/v1/faults", QStringLiteral(R"({"fault":"slow_create","ms":%1})").arg(kHoldMs).toUtf8()).status, 200);
        const int holder = step == QLatin1String("drain") ? 0 : step == QLatin1String("verified") ? 1 : step == QLatin1String("resume") ? 2 : -1;
        if (holder < 0)
            return;
        // resume: a2 verifies last, so a1 can be stopped after its own "verified" and miss the mark.
        held->thread = holdDrain(*nodes[holder], step == QLatin1String("resume") ? 700 : kHoldMs);
        QTRY_COMPARE_WITH_TIMEOUT(inFlight(*nodes[holder]), 1, 3000);
    }

    // Waits until the cluster stands at `step`, with z0 still coordinating.
    bool reach(const QString &step, const Nodes &nodes, const QString &cluster, double before)
    {
        const ClusterNodeProcess &a2 = *nodes[2];
        const auto zPhase = [&](const char *phase) {
            return QTest::qWaitFor([&] { return verified(a2, {"a1", "a2"}) && phaseOf(*nodes[0]) == QLatin1String(phase); }, 5000);
        };
        if (step == QLatin1String("prepare"))
            return zPhase("preparing");
        if (step == QLatin1String("drain"))
            return zPhase("draining");
        if (step == QLatin1String("restart"))
            return zPhase("restarting");
        if (step == QLatin1String("verified")) // z0 waits at its commit point; a1 still drains
            return QTest::qWaitFor([&] { return verified(a2, {"z0", "a2"}) && phaseOf(*nodes[1]) == QLatin1String("draining"); }, 5000);
        const auto committed = [&] { return currentJournal(m_etcd, cluster).value(QStringLiteral("state")).toString() == QLatin1String("committed"); };
        if (step == QLatin1String("commit"))
            return QTest::qWaitFor(committed, 5000);
        // resume: a1 stopped before it reads the mark; z0 resumed on v+1, so the journal stays open.
        if (!QTest::qWaitFor([&] { return verified(a2, {"z0", "a1"}); }, 5000))
            return false;
        nodes[1]->signal(SIGSTOP);
        if (currentJournal(m_etcd, cluster).value(QStringLiteral("state")).toString() != QLatin1String("running"))
            return false; // committed already: a1 may have resumed before it stopped

        return QTest::qWaitFor([&] { return committed() && onOneVersionReady(nodes, {0}, before + 1); }, 5000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_etcd.start(&error), qPrintable(error));
    }

    void a_coordinator_killed_at_any_step_leaves_every_node_on_one_version_within_the_ttl_data()
    {
        QTest::addColumn<QString>("step");
        QTest::addColumn<bool>("afterMark");
        QTest::newRow("prepare (its graph load)") << QStringLiteral("prepare") << false;
        QTest::newRow("drain (a request in flight)") << QStringLiteral("drain") << false;
        QTest::newRow("restart (an actor creation)") << QStringLiteral("restart") << false;
        QTest::newRow("verified, before the commit mark") << QStringLiteral("verified") << false;
        QTest::newRow("after the commit mark") << QStringLiteral("commit") << true;
        QTest::newRow("resume (a node not yet resumed)") << QStringLiteral("resume") << true;
    }
    void a_coordinator_killed_at_any_step_leaves_every_node_on_one_version_within_the_ttl()
    {
        QFETCH(QString, step);
        QFETCH(bool, afterMark);
        const QString cluster = QStringLiteral("kill") + step;
        const Nodes nodes = startWithCoordinator(m_etcd, cluster, {QStringLiteral("--enable-faults")});
        QVERIFY(nodes.size() == 3 && nodes[1]->port && nodes[2]->port);
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        const double before = versionOf(*nodes[1]);
        Joined held;
        hold(step, nodes, &held);

        HttpTestClient admin("127.0.0.1", nodes[2]->port);
        const auto accepted = admin.post("/v1/cluster/restart", R"({"strategy":"lockstep"})");
        QCOMPARE(accepted.status, 202);
        const double id = accepted.json().value(QStringLiteral("restart_id")).toDouble();
        const bool reached = reach(step, nodes, cluster, before);
        nodes[0]->signal(SIGKILL);
        nodes[1]->signal(SIGCONT);
        QElapsedTimer sinceKill;
        sinceKill.start();
        QVERIFY2(reached, qPrintable(journalText(currentJournal(m_etcd, cluster))));

        const double expected = afterMark ? before + 1 : before;
        const int budgetMs = kLockstepTtlSeconds * 1000 + 5000;
        QTRY_VERIFY_WITH_TIMEOUT(onOneVersionReady(nodes, {1, 2}, expected), budgetMs);
        // z0 is judged lost only after it had one more TTL (and 3 s) to come back.
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[2], id).isEmpty(), budgetMs + kLockstepTtlSeconds * 1000 + 3000);
        qInfo("killed at %s: a1 and a2 on v%d and ready, the journal closed, %lld ms after the kill",
              qPrintable(step), int(expected), qint64(sinceKill.elapsed()));

        const QJsonObject done = finishedRestart(*nodes[2], id);
        QVERIFY2(done.value(QStringLiteral("coordinator")).toString() != QLatin1String("z0"), qPrintable(journalText(done)));
        QCOMPARE(done.contains(QStringLiteral("commit")), afterMark);
        QVERIFY2(done.value(QStringLiteral("state")).toString() == QLatin1String("failed"), qPrintable(journalText(done))); // z0 is gone
        const QString reason = done.value(QStringLiteral("reason")).toString();
        QVERIFY2(reason.contains(afterMark ? QStringLiteral("node z0 was lost") : QStringLiteral("before the commit mark")), qPrintable(reason));
        for (const char *n : {"a1", "a2"})
            QCOMPARE(journalNode(done, QLatin1String(n)).value(QStringLiteral("step")).toString(),
                     afterMark ? QStringLiteral("done") : QStringLiteral("rolled_back"));
        QCOMPARE(journalNode(done, QStringLiteral("z0")).value(QStringLiteral("step")).toString(), QStringLiteral("lost"));
    }
};

QTEST_GUILESS_MAIN(TestClusterTakeover)
#include "tst_cluster_takeover.moc"
