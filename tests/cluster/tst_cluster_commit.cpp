// A lockstep node that voted decides only on proof of the outcome (issue 21): never on
// its deadline, a local abort or a pushed commit alone; a vote belongs to one run of the
// node; readiness stays 200 while requests are held so a balancer keeps every node.
#include "tests/cluster/LockstepLoad.h"
#include "tests/cluster/LockstepSupport.h"


using namespace shardscope;
using namespace shardscope::test;

namespace {

constexpr auto kSlowVerify = R"({"strategy":"lockstep","commit_wait_ms":3000,"hold_deadline_ms":6000})";

QString fenceOf(const ClusterNodeProcess &node)
{
    return node.clusterStatus().value(QStringLiteral("restart")).toObject().value(QStringLiteral("fence")).toString();
}

// a2's drain is held `holdMs`, so a2 votes last; then z0 is asked for a lockstep restart.
struct HeldRestart {
    std::thread sleeper;
    int status = 0;
    double id = 0;

    HeldRestart(const Nodes &nodes, int holdMs, const char *body = kSlowVerify) : sleeper(holdDrain(*nodes[2], holdMs))
    {
        if (!QTest::qWaitFor([&] { return inFlight(*nodes[2]) == 1; }, 3000))
            return;
        HttpTestClient admin("127.0.0.1", nodes[0]->port);
        const auto accepted = admin.post("/v1/cluster/restart", body);
        status = accepted.status;
        id = accepted.json().value(QStringLiteral("restart_id")).toDouble();
    }
    ~HeldRestart() { sleeper.join(); }
    QString idText() const { return QString::number(qint64(id)); }
};

} // namespace

class TestClusterCommit : public QObject
{
    Q_OBJECT
private:
    EtcdProcess m_etcd;

    // z0 coordinates z0, a1, a2; a2's drain is held `holdMs`, so a2 votes last.
    Nodes started(const QString &cluster)
    {
        Nodes nodes = startWithCoordinator(m_etcd, cluster);
        if (nodes.size() == 3 && QTest::qWaitFor([&] { return formed(nodes); }, 5000))
            return nodes;
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_etcd.start(&error), qPrintable(error));
    }

    // Defect 1 of issue 21 on one machine: a1 votes, then sleeps through its commit wait
    // while the others commit. It must wake on v+1, never reopen on v.
    void a_node_that_voted_and_slept_past_its_commit_wait_resumes_on_v_plus_1_not_v()
    {
        const Nodes nodes = started(QStringLiteral("slept"));
        QVERIFY(!nodes.empty());
        const double before = versionOf(*nodes[0]);
        const HeldRestart restart(nodes, 800);
        QCOMPARE(restart.status, 202);
        const double id = restart.id;
        QTRY_COMPARE_WITH_TIMEOUT(stepIn(*nodes[0], QStringLiteral("a1")), QStringLiteral("verified"), 3000);
        nodes[1]->signal(SIGSTOP);
        QTRY_COMPARE_WITH_TIMEOUT(currentJournal(m_etcd, QStringLiteral("slept")).value(QStringLiteral("state")).toString(),
                                  QStringLiteral("committed"), 5000);
        QTest::qWait(3500); // a1's commit wait (3 s) runs out while it is stopped: the condition under test
        nodes[1]->signal(SIGCONT);
        QTRY_VERIFY_WITH_TIMEOUT(onOneVersionReady(nodes, {0, 1, 2}, before + 1), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[0], id).isEmpty(), 20000);
        const QJsonObject done = finishedRestart(*nodes[0], id);
        QCOMPARE(done.value(QStringLiteral("state")).toString(), QStringLiteral("completed"));
        QVERIFY2(!nodes[1]->log().contains(QStringLiteral("rolled back to v")), qPrintable(nodes[1]->log().right(2000)));
    }

    // H3: an operator's local abort after the vote would split the cluster: refused, 409.
    void a_local_abort_after_the_vote_is_refused_and_names_the_cluster_abort()
    {
        const Nodes nodes = started(QStringLiteral("localabort"));
        QVERIFY(!nodes.empty());
        const double before = versionOf(*nodes[0]);
        const HeldRestart restart(nodes, 1500);
        QCOMPARE(restart.status, 202);
        HttpTestClient a1("127.0.0.1", nodes[1]->port);
        QTRY_COMPARE_WITH_TIMEOUT(stepIn(*nodes[0], QStringLiteral("a1")), QStringLiteral("verified"), 3000);
        const auto refused = a1.post("/v1/service/restart/abort");
        QCOMPARE(refused.status, 409);
        QVERIFY2(refused.json().value(QStringLiteral("message")).toString().contains(QStringLiteral("/v1/cluster/restart/abort")),
                 refused.body.constData());
        QTRY_VERIFY_WITH_TIMEOUT(onOneVersionReady(nodes, {0, 1, 2}, before + 1), 8000);
    }

    // Issue 22 item 7: a pushed commit's 409 echoed a restart_id of any length. Ids are
    // decimal journal numbers: anything else is a 400 that echoes nothing.
    void a_pushed_commit_with_a_restart_id_that_is_no_id_is_refused_without_an_echo()
    {
        const Nodes nodes = started(QStringLiteral("echo"));
        QVERIFY(!nodes.empty());
        HttpTestClient a1("127.0.0.1", nodes[1]->port);
        const QByteArray huge(200'000, 'x');
        for (const QByteArray &id : {huge, QByteArray(21, '9'), QByteArray("12a")}) {
            const auto r = a1.post("/v1/cluster/commit", R"({"restart_id":")" + id + R"(","fence":"1"})");
            QCOMPARE(r.status, 400);
            QVERIFY2(r.body.size() < 512, qPrintable(QStringLiteral("a reply of %1 bytes").arg(r.body.size())));
        }
        const auto outcome = a1.post("/v1/cluster/lockstep/outcome", R"({"restart_id":")" + huge + R"(","uncertain":false})");
        QVERIFY2(outcome.body.size() < 512, qPrintable(QStringLiteral("a reply of %1 bytes").arg(outcome.body.size())));
        // A well-formed id that is not this node's restart is still the 409 it was.
        const auto stale = a1.post("/v1/cluster/commit", R"({"restart_id":"12345678901234567890","fence":"1"})");
        QCOMPARE(stale.status, 409);
    }

    // Defect 8: a pushed commit with the right fence is only a wake-up; without the mark in
    // etcd the node keeps waiting, and the cluster's abort brings it back to v.
    void a_forged_commit_push_moves_no_node_before_the_mark()
    {
        const Nodes nodes = started(QStringLiteral("forged"));
        QVERIFY(!nodes.empty());
        const double before = versionOf(*nodes[0]);
        const HeldRestart restart(nodes, 2500);
        QCOMPARE(restart.status, 202);
        HttpTestClient admin("127.0.0.1", nodes[0]->port), a1("127.0.0.1", nodes[1]->port);
        const QString id = restart.idText();
        QTRY_COMPARE_WITH_TIMEOUT(stepIn(*nodes[0], QStringLiteral("a1")), QStringLiteral("verified"), 3000);
        const QByteArray forged = QStringLiteral(R"({"restart_id":"%1","fence":"%2"})").arg(id, fenceOf(*nodes[1])).toUtf8();
        const auto pushed = a1.post("/v1/cluster/commit", forged);
        QCOMPARE(pushed.status, 202);
        QVERIFY(pushed.json().value(QStringLiteral("checking")).toBool());
        QTest::qWait(300); // time for a wrongly trusted push to act: the condition under test
        QCOMPARE(versionOf(*nodes[1]), before);
        QCOMPARE(admin.post("/v1/cluster/restart/abort").status, 202);
        QTRY_VERIFY_WITH_TIMEOUT(onOneVersionReady(nodes, {0, 1, 2}, before), 8000);
        QVERIFY2(!nodes[1]->log().contains(QStringLiteral("committed on a1")), qPrintable(nodes[1]->log().right(2000)));
    }

    // H1: a1 votes and dies; systemd has it back (same id) within the lease TTL. If the
    // mark comes before the new run registers, the dead run's vote was a real vote: the
    // new run catches up to the committed version. If the new run (or the lease's end)
    // comes first, that vote no longer counts and the cluster rolls back.
    void a_node_restarted_after_its_vote_ends_on_the_clusters_version_data()
    {
        QTest::addColumn<int>("holdMs");
        QTest::addColumn<bool>("commits");
        QTest::newRow("mark before the new run: it catches up") << 1500 << true;
        QTest::newRow("new run before the mark: rolled back") << 6000 << false;
    }
    void a_node_restarted_after_its_vote_ends_on_the_clusters_version()
    {
        QFETCH(int, holdMs);
        QFETCH(bool, commits);
        const QString cluster = QStringLiteral("rerun%1").arg(holdMs);
        Nodes nodes = started(cluster);
        QVERIFY(!nodes.empty());
        const double before = versionOf(*nodes[0]);
        const HeldRestart restart(nodes, holdMs, R"({"strategy":"lockstep","commit_wait_ms":8000,"hold_deadline_ms":10000})");
        QCOMPARE(restart.status, 202);
        const double id = restart.id;
        QTRY_COMPARE_WITH_TIMEOUT(stepIn(*nodes[0], QStringLiteral("a1")), QStringLiteral("verified"), 3000);
        nodes[1]->process->kill();
        nodes[1]->process->waitForFinished(3000);
        nodes[1] = startNode(m_etcd.urlText(), QStringLiteral("a1"), 2, kLockstepTtlSeconds, cluster);
        QVERIFY(nodes[1]->port);
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[0], id).isEmpty(), 20000);
        const QJsonObject done = finishedRestart(*nodes[0], id);
        QVERIFY2(done.value(QStringLiteral("state")).toString() == (commits ? QLatin1String("completed") : QLatin1String("rolled_back")),
                 qPrintable(journalText(done)));
        QCOMPARE(done.contains(QStringLiteral("commit")), commits);
        QTRY_VERIFY_WITH_TIMEOUT(onOneVersionReady(nodes, {0, 1, 2}, commits ? before + 1 : before), 8000);
        if (commits)
            QVERIFY2(nodes[1]->log().contains(QStringLiteral("catching_up")), qPrintable(nodes[1]->log().right(2000)));
    }

    // M1: a node that joins while a lockstep restart runs would be left on v, serving, with
    // its gate open: the coordinator rolls back rather than commit around it.
    void a_node_that_joins_during_a_lockstep_restart_makes_it_roll_back()
    {
        const QString cluster = QStringLiteral("joined");
        Nodes nodes = started(cluster);
        QVERIFY(!nodes.empty());
        const double before = versionOf(*nodes[0]);
        const HeldRestart restart(nodes, 2500);
        QCOMPARE(restart.status, 202);
        const double id = restart.id;
        nodes.push_back(startNode(m_etcd.urlText(), QStringLiteral("b3"), 2, kLockstepTtlSeconds, cluster));
        QVERIFY(nodes[3]->port);
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[0], id).isEmpty(), 10000);
        const QJsonObject done = finishedRestart(*nodes[0], id);
        QVERIFY2(done.value(QStringLiteral("state")).toString() == QLatin1String("rolled_back"), qPrintable(journalText(done)));
        QVERIFY2(done.value(QStringLiteral("reason")).toString().contains(QStringLiteral("node b3 joined during the restart")),
                 qPrintable(journalText(done)));
        // a2 gave up while its drain was held: the end waits for it to be back, not for its first word
        for (const char *node : {"z0", "a1", "a2"})
            QVERIFY2(journalNode(done, QLatin1String(node)).value(QStringLiteral("step")).toString() == QLatin1String("rolled_back"),
                     qPrintable(journalText(done)));
        QTRY_VERIFY_WITH_TIMEOUT(onOneVersionReady(nodes, {0, 1, 2, 3}, before), 5000);
    }

    // Defect 2: while a lockstep restart holds requests, readiness stays 200 (they will be
    // answered), so a balancer never finds every node down.
    void readiness_stays_200_while_a_lockstep_restart_holds_requests()
    {
        const Nodes nodes = started(QStringLiteral("ready"));
        QVERIFY(!nodes.empty());
        const HeldRestart restart(nodes, 1500);
        QCOMPARE(restart.status, 202);
        HttpTestClient a2("127.0.0.1", nodes[2]->port);
        QTRY_COMPARE_WITH_TIMEOUT(phaseOf(*nodes[2]), QStringLiteral("draining"), 3000);
        const auto ready = a2.get("/v1/service/ready");
        QCOMPARE(ready.status, 200);
        QVERIFY2(ready.json().value(QStringLiteral("holding")).toBool(), ready.body.constData());
    }
};

QTEST_GUILESS_MAIN(TestClusterCommit)
#include "tst_cluster_commit.moc"
