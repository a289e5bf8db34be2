// Lockstep cluster restarts through a real etcd: every node moves from v to v+1 together
// or stays on v, whatever fails, whoever dies, and with etcd gone.
#include "tests/cluster/ClusterTestSupport.h"
#include "tests/cluster/LockstepLoad.h"

#include <QElapsedTimer>
#include <QJsonDocument>

#include <thread>

using namespace shardscope;
using namespace shardscope::test;

namespace {

constexpr int kTtlSeconds = 2;

QString journalText(const QJsonObject &journal)
{
    return QString::fromUtf8(QJsonDocument(journal).toJson(QJsonDocument::Compact));
}

QString stepIn(const ClusterNodeProcess &observer, const QString &node)
{
    return journalNode(observer.clusterStatus().value(QStringLiteral("restart")).toObject(), node).value(QStringLiteral("step")).toString();
}

// z0 first, so it is elected, then a1 and a2.
Nodes startWithCoordinator(const EtcdProcess &etcd, const QString &cluster)
{
    Nodes nodes;
    nodes.push_back(startNode(etcd.urlText(), QStringLiteral("z0"), 2, kTtlSeconds, cluster));
    if (!nodes[0]->port)
        return {};
    if (!QTest::qWaitFor([&] { return nodes[0]->clusterStatus().value(QStringLiteral("coordinator")).toString() == QLatin1String("z0"); }, 3000))
        return {};
    for (const char *id : {"a1", "a2"})
        nodes.push_back(startNode(etcd.urlText(), QLatin1String(id), 2, kTtlSeconds, cluster));
    return nodes;
}

bool onOneVersionReady(const Nodes &nodes, std::initializer_list<int> which, double version)
{
    for (int i : which) {
        HttpTestClient http("127.0.0.1", nodes[i]->port, 2000);
        if (versionOf(*nodes[i]) != version || http.get("/v1/service/ready").status != 200)
            return false;
    }
    return true;
}

// The restart's journal straight from etcd (restart/current), empty when none runs.
QJsonObject currentJournal(const EtcdProcess &etcd, const QString &cluster)
{
    const QByteArray key = "/shardscope/" + cluster.toUtf8() + "/restart/current";
    const QJsonObject r = etcd.call("/v3/kv/range", {{QStringLiteral("key"), QString::fromLatin1(key.toBase64())}});
    const QJsonArray kvs = r.value(QStringLiteral("kvs")).toArray();
    if (kvs.isEmpty())
        return {};
    return QJsonDocument::fromJson(QByteArray::fromBase64(kvs.first().toObject().value(QStringLiteral("value")).toString().toLatin1())).object();
}

int inFlight(const ClusterNodeProcess &node)
{
    HttpTestClient http("127.0.0.1", node.port, 2000);
    int n = 0;
    for (const QJsonValue &shard : http.get("/v1/service/shards").json().value(QStringLiteral("shards")).toArray())
        n += shard.toObject().value(QStringLiteral("in_flight")).toInt();
    return n;
}

// A `sleep` query on `node` that holds its drain for `ms`, answered on its own thread.
std::thread holdDrain(const ClusterNodeProcess &node, int ms)
{
    return std::thread([port = node.port, ms] {
        HttpTestClient http("127.0.0.1", port, ms + 10000);
        http.post("/v1/query", QStringLiteral(R"({"procedure":"sleep","args":{"ms":%1}})").arg(ms).toUtf8());
    });
}

} // namespace

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

    void a_cluster_restart_across_versions_too_far_apart_is_refused_naming_the_nodes_behind()
    {
        const Nodes nodes = startNodes(m_etcd, QStringLiteral("skew"), 2, 2);
        QVERIFY(nodes[0]->port && nodes[1]->port);
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        HttpTestClient n0("127.0.0.1", nodes[0]->port), n1("127.0.0.1", nodes[1]->port);
        const auto seenOnN1 = [&] { return nodeIn(nodes[1]->clusterStatus(), QStringLiteral("n0")).value(QStringLiteral("version")).toDouble(); };
        for (double v : {2.0, 3.0}) {
            QCOMPARE(n0.post("/v1/service/restart").status, 202);
            QTRY_COMPARE_WITH_TIMEOUT(seenOnN1(), v, 5000);
            // Lockstep needs every node on one version; rolling allows one apart.
            const auto lockstep = n1.post("/v1/cluster/restart", R"({"strategy":"lockstep"})");
            QCOMPARE(lockstep.status, 409);
            QVERIFY2(lockstep.json().value(QStringLiteral("message")).toString().contains(QStringLiteral("n1 (v1) behind")), lockstep.body.constData());
        }
        const auto rolling = n1.post("/v1/cluster/restart", R"({"strategy":"rolling"})");
        QCOMPARE(rolling.status, 409);
        const QString message = rolling.json().value(QStringLiteral("message")).toString();
        QVERIFY2(message.contains(QStringLiteral("more than one apart (v1..v3): n1 (v1) behind")), qPrintable(message));
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
        QCOMPARE(journalNode(done, QStringLiteral("n2")).value(QStringLiteral("step")).toString(), QStringLiteral("failed"));
        for (const char *other : {"n0", "n1"})
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

    void a_coordinator_killed_before_the_commit_mark_leaves_every_node_on_v_within_the_ttl()
    {
        const Nodes nodes = startWithCoordinator(m_etcd, QStringLiteral("killpre"));
        QVERIFY(nodes.size() == 3 && nodes[1]->port && nodes[2]->port);
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        const double before = versionOf(*nodes[1]);
        std::thread sleeper = holdDrain(*nodes[0], 4000); // z0 cannot verify, so no commit yet
        QTRY_COMPARE_WITH_TIMEOUT(inFlight(*nodes[0]), 1, 3000);

        HttpTestClient admin("127.0.0.1", nodes[1]->port);
        const auto accepted = admin.post("/v1/cluster/restart", R"({"strategy":"lockstep"})");
        QCOMPARE(accepted.status, 202);
        const double id = accepted.json().value(QStringLiteral("restart_id")).toDouble();
        QTRY_VERIFY_WITH_TIMEOUT(stepIn(*nodes[1], QStringLiteral("a1")) == QLatin1String("verified")
                                     && stepIn(*nodes[1], QStringLiteral("a2")) == QLatin1String("verified"), 3000);
        nodes[0]->signal(SIGKILL);
        QElapsedTimer sinceKill;
        sinceKill.start();
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[1], id).isEmpty(), kTtlSeconds * 1000 + 5000);
        QTRY_VERIFY_WITH_TIMEOUT(onOneVersionReady(nodes, {1, 2}, before), kTtlSeconds * 1000 + 5000 - int(sinceKill.elapsed()));
        qInfo("every node back on v%d and the journal closed %lld ms after the kill", int(before), qint64(sinceKill.elapsed()));
        sleeper.join();

        const QJsonObject done = finishedRestart(*nodes[1], id);
        QVERIFY2(done.value(QStringLiteral("state")).toString() == QLatin1String("failed"), qPrintable(journalText(done))); // z0 is gone
        QVERIFY2(done.value(QStringLiteral("reason")).toString().contains(QStringLiteral("before the commit mark")), qPrintable(journalText(done)));
        QVERIFY(!done.contains(QStringLiteral("commit")));
        QVERIFY(done.value(QStringLiteral("coordinator")).toString() != QLatin1String("z0"));
        for (const char *n : {"a1", "a2"})
            QCOMPARE(journalNode(done, QLatin1String(n)).value(QStringLiteral("step")).toString(), QStringLiteral("rolled_back"));
        QCOMPARE(journalNode(done, QStringLiteral("z0")).value(QStringLiteral("step")).toString(), QStringLiteral("lost"));
    }

    void a_coordinator_killed_after_the_commit_mark_leaves_every_node_on_v_plus_1_within_the_ttl()
    {
        const QString cluster = QStringLiteral("killpost");
        const Nodes nodes = startWithCoordinator(m_etcd, cluster);
        QVERIFY(nodes.size() == 3 && nodes[1]->port && nodes[2]->port);
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        const double before = versionOf(*nodes[1]);

        HttpTestClient admin("127.0.0.1", nodes[1]->port);
        const auto accepted = admin.post("/v1/cluster/restart", R"({"strategy":"lockstep"})");
        QCOMPARE(accepted.status, 202);
        const double id = accepted.json().value(QStringLiteral("restart_id")).toDouble();
        // The mark stands at least one coordinator poll (250 ms) before the journal closes.
        QVERIFY(QTest::qWaitFor([&] {
            return currentJournal(m_etcd, cluster).value(QStringLiteral("state")).toString() == QLatin1String("committed");
        }, 5000));
        nodes[0]->signal(SIGKILL);
        QElapsedTimer sinceKill;
        sinceKill.start();
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[1], id).isEmpty(), kTtlSeconds * 1000 + 5000);
        QTRY_VERIFY_WITH_TIMEOUT(onOneVersionReady(nodes, {1, 2}, before + 1), kTtlSeconds * 1000 + 5000 - int(sinceKill.elapsed()));
        qInfo("every node on v%d and the journal closed %lld ms after the kill", int(before + 1), qint64(sinceKill.elapsed()));

        const QJsonObject done = finishedRestart(*nodes[1], id);
        QVERIFY(done.contains(QStringLiteral("commit")));
        QVERIFY(done.value(QStringLiteral("coordinator")).toString() != QLatin1String("z0"));
        QVERIFY2(done.value(QStringLiteral("state")).toString() == QLatin1String("failed"), qPrintable(journalText(done))); // z0 is gone
        QVERIFY2(done.value(QStringLiteral("reason")).toString() == QLatin1String("node z0 was lost"), qPrintable(journalText(done)));
        for (const char *n : {"a1", "a2"})
            QCOMPARE(journalNode(done, QLatin1String(n)).value(QStringLiteral("step")).toString(), QStringLiteral("done"));
    }

    void with_etcd_killed_mid_restart_nodes_reopen_on_v_at_their_deadline_and_every_query_succeeds()
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
            QVERIFY2(n->log().contains(QStringLiteral("no commit within 3000 ms")), qPrintable(n->log().right(2000)));
    }
};

QTEST_GUILESS_MAIN(TestClusterLockstep)
#include "tst_cluster_lockstep.moc"
