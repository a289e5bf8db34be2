// Lockstep cluster restarts through a real etcd: every node moves from v to v+1 together
// or stays on v, whatever fails and with etcd gone (a dying coordinator: tst_cluster_takeover).
#include "tests/cluster/LockstepSupport.h"
#include "tests/cluster/LockstepLoad.h"

#include <QElapsedTimer>

using namespace shardscope;
using namespace shardscope::test;

class TestClusterLockstep : public QObject
{
    Q_OBJECT
private:
    EtcdProcess m_etcd;

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_etcd.start(&error), qPrintable(error));
    }

    // Defect 7: every node restarts to one target above the highest version running, so
    // a skewed cluster (v3, v1) is on one version (v4) after one lockstep restart.
    void a_lockstep_restart_from_skewed_versions_ends_with_every_node_on_one_target()
    {
        const Nodes nodes = startNodes(m_etcd, QStringLiteral("skew"), 2, 2);
        QVERIFY(nodes[0]->port && nodes[1]->port);
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        HttpTestClient n0("127.0.0.1", nodes[0]->port), n1("127.0.0.1", nodes[1]->port);
        const auto seenOnN1 = [&] { return nodeIn(nodes[1]->clusterStatus(), QStringLiteral("n0")).value(QStringLiteral("version")).toDouble(); };
        for (double v : {2.0, 3.0}) {
            QCOMPARE(n0.post("/v1/service/restart").status, 202);
            QTRY_COMPARE_WITH_TIMEOUT(seenOnN1(), v, 5000);
        }
        const auto accepted = n1.post("/v1/cluster/restart", R"({"strategy":"lockstep"})");
        QCOMPARE(accepted.status, 202);
        const double id = accepted.json().value(QStringLiteral("restart_id")).toDouble();
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[0], id).isEmpty(), 10000);
        const QJsonObject done = finishedRestart(*nodes[0], id);
        QVERIFY2(done.value(QStringLiteral("state")).toString() == QLatin1String("completed"), qPrintable(journalText(done)));
        QCOMPARE(done.value(QStringLiteral("target_version")).toDouble(), 4.0);
        QVERIFY(onOneVersionReady(nodes, {0, 1}, 4));
    }

    void a_lockstep_restart_under_load_fails_no_request_and_no_client_sees_v_after_anyone_saw_v_plus_1()
    {
        const Nodes nodes = startNodes(m_etcd, QStringLiteral("lockstep"), 3, 2);
        for (const auto &n : nodes)
            QVERIFY(n->port);
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        const double before = versionOf(*nodes[0]);
        LockstepLoad load({nodes[0]->port, nodes[1]->port, nodes[2]->port}, 2, before);
        QTRY_VERIFY_WITH_TIMEOUT(load.ok() > 200, 5000);

        HttpTestClient admin("127.0.0.1", nodes[1]->port);
        const auto accepted = admin.post("/v1/cluster/restart", R"({"strategy":"lockstep"})");
        QCOMPARE(accepted.status, 202);
        const double id = accepted.json().value(QStringLiteral("restart_id")).toDouble();
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[0], id).isEmpty(), 10000);
        const int newBefore = load.newAnswers();
        QTRY_VERIFY_WITH_TIMEOUT(load.newAnswers() > newBefore + 100, 5000);
        load.stop();

        const QJsonObject done = finishedRestart(*nodes[0], id);
        QVERIFY2(done.value(QStringLiteral("state")).toString() == QLatin1String("completed"), qPrintable(journalText(done)));
        QVERIFY(done.contains(QStringLiteral("commit")));
        QVERIFY2(load.failed() == 0, qPrintable(QStringLiteral("%1 failed, the first: %2").arg(load.failed()).arg(QString::fromUtf8(load.firstFailure()))));
        QCOMPARE(load.staleAfterNew(), 0);
        QCOMPARE(load.wentBack(), 0);
        for (const auto &n : nodes)
            QCOMPARE(versionOf(*n), before + 1);
        qInfo("lockstep restart of 3 nodes x 2 shards under load: %d answered, %d from v%d", load.ok(), load.newAnswers(), int(before + 1));
    }

    void a_node_whose_actor_creation_fails_brings_every_node_back_to_v_with_the_reason_naming_it()
    {
        const Nodes nodes = startNodes(m_etcd, QStringLiteral("lockfail"), 3, 2, {QStringLiteral("--enable-faults")});
        for (const auto &n : nodes)
            QVERIFY(n->port);
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        const double before = versionOf(*nodes[0]);
        HttpTestClient n2("127.0.0.1", nodes[2]->port);
        QCOMPARE(n2.post("/v1/faults", R"({"fault":"fail_next_create","shard":1})").status, 200);

        HttpTestClient admin("127.0.0.1", nodes[0]->port);
        const auto accepted = admin.post("/v1/cluster/restart", R"({"strategy":"lockstep"})");
        QCOMPARE(accepted.status, 202);
        const double id = accepted.json().value(QStringLiteral("restart_id")).toDouble();
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[1], id).isEmpty(), 10000);

        const QJsonObject done = finishedRestart(*nodes[1], id);
        QVERIFY2(done.value(QStringLiteral("state")).toString() == QLatin1String("rolled_back"), qPrintable(journalText(done)));
        const QString reason = done.value(QStringLiteral("reason")).toString();
        QVERIFY2(reason.startsWith(QStringLiteral("node n2: ")) && reason.contains(QStringLiteral("shard 1")), qPrintable(reason));
        QVERIFY(!done.contains(QStringLiteral("commit")));
        // n2 gave up before its vote ("rolling_back"), then ended back on v like the others.
        for (const char *other : {"n0", "n1", "n2"})
            QCOMPARE(journalNode(done, QLatin1String(other)).value(QStringLiteral("step")).toString(), QStringLiteral("rolled_back"));
        QVERIFY(onOneVersionReady(nodes, {0, 1, 2}, before));
    }

    void an_abort_before_the_commit_mark_brings_every_node_back_to_v()
    {
        const Nodes nodes = startNodes(m_etcd, QStringLiteral("lockabort"), 2, 2);
        QVERIFY(nodes[0]->port && nodes[1]->port);
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        const double before = versionOf(*nodes[0]);
        std::thread sleeper = holdDrain(*nodes[1], 3000); // n1 cannot verify: no commit yet
        QTRY_COMPARE_WITH_TIMEOUT(inFlight(*nodes[1]), 1, 3000);
        HttpTestClient admin("127.0.0.1", nodes[0]->port);
        const auto accepted = admin.post("/v1/cluster/restart", R"({"strategy":"lockstep"})");
        QCOMPARE(accepted.status, 202);
        const double id = accepted.json().value(QStringLiteral("restart_id")).toDouble();
        QTRY_COMPARE_WITH_TIMEOUT(stepIn(*nodes[0], QStringLiteral("n0")), QStringLiteral("verified"), 3000);
        QCOMPARE(admin.post("/v1/cluster/restart/abort").status, 202);
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[0], id).isEmpty(), 3000); // n1's drain gives up at once
        sleeper.join();
        const QJsonObject done = finishedRestart(*nodes[0], id);
        QVERIFY2(done.value(QStringLiteral("state")).toString() == QLatin1String("rolled_back"), qPrintable(journalText(done)));
        QCOMPARE(done.value(QStringLiteral("reason")).toString(), QStringLiteral("aborted on request before the commit mark"));
        QVERIFY(onOneVersionReady(nodes, {0, 1}, before));
    }

    void with_etcd_killed_right_after_the_commit_mark_a_node_that_never_read_it_still_rolls_forward()
    {
        EtcdProcess etcd; // killed here: not the shared one
        QString error;
        QVERIFY2(etcd.start(&error), qPrintable(error));
        const QString cluster = QStringLiteral("pushed");
        const Nodes nodes = startWithCoordinator(etcd, cluster);
        QVERIFY(nodes.size() == 3 && nodes[1]->port && nodes[2]->port);
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        const double before = versionOf(*nodes[0]);
        HttpTestClient a1("127.0.0.1", nodes[1]->port);
        const auto stale = a1.post("/v1/cluster/commit", R"({"restart_id":"1","fence":"1"})");
        QCOMPARE(stale.status, 409);
        QCOMPARE(stale.json().value(QStringLiteral("reason")).toString(), QStringLiteral("stale"));
        QCOMPARE(a1.post("/v1/cluster/commit", "not json").status, 400);

        std::thread sleeper = holdDrain(*nodes[2], 700); // a2 verifies last
        QTRY_COMPARE_WITH_TIMEOUT(inFlight(*nodes[2]), 1, 3000);
        HttpTestClient admin("127.0.0.1", nodes[0]->port);
        QCOMPARE(admin.post("/v1/cluster/restart", R"({"strategy":"lockstep","commit_wait_ms":3000,"hold_deadline_ms":6000})").status, 202);
        // a1 verified, then stopped: it cannot read the mark before etcd is gone.
        QTRY_VERIFY_WITH_TIMEOUT(stepIn(*nodes[0], QStringLiteral("a1")) == QLatin1String("verified"), 3000);
        nodes[1]->signal(SIGSTOP);
        const bool running = currentJournal(etcd, cluster).value(QStringLiteral("state")).toString() == QLatin1String("running");
        const bool committed = QTest::qWaitFor([&] {
            return currentJournal(etcd, cluster).value(QStringLiteral("state")).toString() == QLatin1String("committed");
        }, 3000);
        etcd.kill();
        nodes[1]->signal(SIGCONT);
        sleeper.join();
        QVERIFY2(running, "a1 stopped before the mark");
        QVERIFY(committed);
        // a1 voted, so it never decides by its 3 s deadline: the push wakes it, and z0 (a
        // peer that wrote the mark) proves the commit while etcd is gone.
        QTRY_VERIFY_WITH_TIMEOUT(onOneVersionReady(nodes, {0, 1, 2}, before + 1), 3000 + 2000);
        QTRY_VERIFY_WITH_TIMEOUT(nodes[1]->log().contains(QStringLiteral("committed on a1: peer")), 2000);
        QVERIFY2(!nodes[1]->log().contains(QStringLiteral("no commit within")), qPrintable(nodes[1]->log().right(2000)));
    }

    // Both nodes voted (the late one after etcd died): neither decides by its deadline; the
    // coordinator, the only node that could have committed, proves it never did.
    void with_etcd_killed_mid_restart_the_coordinator_proves_no_commit_and_nodes_reopen_on_v_with_every_query_answered()
    {
        EtcdProcess etcd; // killed here: not the shared one
        QString error;
        QVERIFY2(etcd.start(&error), qPrintable(error));
        const Nodes nodes = startNodes(etcd, QStringLiteral("noetcd"), 2, 2);
        QVERIFY(nodes[0]->port && nodes[1]->port);
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        const double before = versionOf(*nodes[0]);
        const int late = nodes[0]->clusterStatus().value(QStringLiteral("coordinator")).toString() == QLatin1String("n0") ? 1 : 0;
        std::thread sleeper = holdDrain(*nodes[late], 1500); // that node verifies late: no commit before etcd dies
        QTRY_COMPARE_WITH_TIMEOUT(inFlight(*nodes[late]), 1, 3000);
        LockstepLoad load({nodes[0]->port, nodes[1]->port}, 2, before);
        QTRY_VERIFY_WITH_TIMEOUT(load.ok() > 100, 5000);

        HttpTestClient admin("127.0.0.1", nodes[0]->port);
        const auto accepted = admin.post("/v1/cluster/restart",
                                         R"({"strategy":"lockstep","hold_deadline_ms":6000,"commit_wait_ms":3000})");
        QCOMPARE(accepted.status, 202);
        const QString other = nodes[1 - late]->id;
        QTRY_COMPARE_WITH_TIMEOUT(stepIn(*nodes[0], other), QStringLiteral("verified"), 3000);
        etcd.kill();
        QElapsedTimer sinceKill;
        sinceKill.start();
        QTRY_COMPARE_WITH_TIMEOUT(admin.post("/v1/cluster/restart", R"({"strategy":"lockstep"})").status, 503, 3000);
        QVERIFY2(admin.post("/v1/cluster/restart", R"({"strategy":"lockstep"})").json().value(QStringLiteral("message")).toString()
                     .contains(QStringLiteral("coordination is unavailable")), "503 says why");
        QTRY_VERIFY_WITH_TIMEOUT(onOneVersionReady(nodes, {0, 1}, before), 3000 + 3000);
        qInfo("both nodes reopened on v%d %lld ms after etcd was killed (commit wait 3 s)", int(before), qint64(sinceKill.elapsed()));
        const int okAfter = load.ok();
        QTRY_VERIFY_WITH_TIMEOUT(load.ok() > okAfter + 100, 3000);
        load.stop();
        sleeper.join();
        QVERIFY2(load.failed() == 0, qPrintable(QStringLiteral("%1 failed, the first: %2").arg(load.failed()).arg(QString::fromUtf8(load.firstFailure()))));
        QCOMPARE(load.newAnswers(), 0);
        for (const auto &n : nodes)
            QVERIFY2(n->log().contains(QStringLiteral("never sent the commit")), qPrintable(n->log().right(2000)));
    }
};

QTEST_GUILESS_MAIN(TestClusterLockstep)
#include "tst_cluster_lockstep.moc"
