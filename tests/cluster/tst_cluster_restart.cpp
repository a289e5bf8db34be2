// Cluster restarts through a real etcd: one at a time cluster-wide, and a rolling restart
// under load through a health-checking HAProxy that no client notices.
#include "tests/cluster/ClusterTestSupport.h"
#include "tests/support/HaproxyProcess.h"

#include <QElapsedTimer>
#include <QJsonDocument>

#include <atomic>
#include <latch>
#include <thread>

using namespace shardscope;
using namespace shardscope::test;

// A killed or stopped coordinator's lease lapses after one TTL (2 s); its node is then waited
// for another TTL + 3 s (the lost-node grace) before the new coordinator ends the restart.
// 3 s more is for a loaded CI machine.
constexpr int kLostEndsWithinMs = 2000 + (2000 + 3000) + 3000;

class TestClusterRestart : public QObject
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

    void two_restarts_asked_of_two_nodes_at_once_run_one_and_refuse_the_other_with_its_id()
    {
        const Nodes nodes = startNodes(m_etcd, QStringLiteral("twice"), 2, 2);
        QVERIFY(nodes[0]->port && nodes[1]->port);
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        const double before = versionOf(*nodes[0]);

        HttpTestClient::Response answers[2];
        std::latch go(2);
        std::vector<std::thread> askers;
        for (int i = 0; i < 2; ++i) {
            askers.emplace_back([&, i] {
                HttpTestClient http("127.0.0.1", nodes[i]->port);
                go.arrive_and_wait();
                answers[i] = http.post("/v1/cluster/restart", R"({"strategy":"rolling","grace_ms":100,"settle_ms":100})");
            });
        }
        for (auto &t : askers)
            t.join();
        const int accepted = answers[0].status == 202 ? 0 : 1;
        QCOMPARE(answers[accepted].status, 202);
        QCOMPARE(answers[1 - accepted].status, 409);
        const double id = answers[accepted].json().value(QStringLiteral("restart_id")).toDouble();
        QVERIFY(id > 0);
        QCOMPARE(answers[1 - accepted].json().value(QStringLiteral("restart_id")).toDouble(), id);
        QCOMPARE(answers[1 - accepted].json().value(QStringLiteral("reason")).toString(), QStringLiteral("busy"));

        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[1], id).isEmpty(), 15000);
        const QJsonObject done = finishedRestart(*nodes[1], id);
        QCOMPARE(done.value(QStringLiteral("state")).toString(), QStringLiteral("completed"));
        for (const auto &n : nodes)
            QCOMPARE(versionOf(*n), before + 1);
    }

    void a_node_whose_actor_creation_fails_stops_the_rolling_restart_with_its_reason_and_the_rest_untouched()
    {
        const Nodes nodes = startNodes(m_etcd, QStringLiteral("threshold"), 3, 2, {QStringLiteral("--enable-faults")});
        for (const auto &n : nodes)
            QVERIFY(n->port);
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        const double before = versionOf(*nodes[0]);
        HttpTestClient n1("127.0.0.1", nodes[1]->port);
        QCOMPARE(n1.post("/v1/faults", R"({"fault":"fail_next_create","shard":1})").status, 200);

        HttpTestClient admin("127.0.0.1", nodes[0]->port);
        const auto accepted = admin.post("/v1/cluster/restart", R"({"grace_ms":100,"settle_ms":100})");
        QCOMPARE(accepted.status, 202);
        const double id = accepted.json().value(QStringLiteral("restart_id")).toDouble();
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[2], id).isEmpty(), 15000);

        const QJsonObject done = finishedRestart(*nodes[2], id);
        QCOMPARE(done.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
        const QString reason = done.value(QStringLiteral("reason")).toString();
        QVERIFY2(reason.startsWith(QStringLiteral("node n1: ")), qPrintable(reason));
        QCOMPARE(journalNode(done, QStringLiteral("n0")).value(QStringLiteral("step")).toString(), QStringLiteral("done"));
        QCOMPARE(journalNode(done, QStringLiteral("n1")).value(QStringLiteral("step")).toString(), QStringLiteral("failed"));
        QCOMPARE(journalNode(done, QStringLiteral("n2")).value(QStringLiteral("step")).toString(), QStringLiteral("waiting"));
        QCOMPARE(versionOf(*nodes[0]), before + 1);
        QCOMPARE(versionOf(*nodes[1]), before); // its own restart rolled it back
        QCOMPARE(versionOf(*nodes[2]), before); // never asked
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 3000); // every node ready again
    }

    void max_unavailable_2_restarts_two_of_three_nodes_at_once_and_then_the_third()
    {
        const Nodes nodes = startNodes(m_etcd, QStringLiteral("maxun"), 3, 2);
        for (const auto &n : nodes)
            QVERIFY(n->port);
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        const double before = versionOf(*nodes[0]);
        HttpTestClient admin("127.0.0.1", nodes[0]->port);
        const auto accepted = admin.post("/v1/cluster/restart", R"({"grace_ms":300,"settle_ms":300,"max_unavailable":2})");
        QCOMPARE(accepted.status, 202);
        const double id = accepted.json().value(QStringLiteral("restart_id")).toDouble();
        const auto step = [&](const char *node) {
            return journalNode(nodes[1]->clusterStatus().value(QStringLiteral("restart")).toObject(), QLatin1String(node))
                .value(QStringLiteral("step")).toString();
        };
        QTRY_VERIFY_WITH_TIMEOUT(step("n0") == QLatin1String("restarting") && step("n1") == QLatin1String("restarting"), 5000);
        QCOMPARE(step("n2"), QStringLiteral("waiting"));
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[1], id).isEmpty(), 15000);
        QCOMPARE(finishedRestart(*nodes[1], id).value(QStringLiteral("state")).toString(), QStringLiteral("completed"));
        for (const auto &n : nodes)
            QCOMPARE(versionOf(*n), before + 1);
        QCOMPARE(admin.post("/v1/cluster/restart", R"({"max_unavailable":0})").status, 400);
    }

    void a_coordinator_killed_mid_restart_is_replaced_within_the_ttl_and_the_journal_ends_with_the_outcome_data()
    {
        QTest::addColumn<QString>("step");
        QTest::addColumn<int>("graceMs");
        QTest::addColumn<QByteArray>("fault");
        QTest::newRow("a1 in its grace period") << QStringLiteral("unready") << 2000 << QByteArray();
        QTest::newRow("a1 restarting") << QStringLiteral("restarting") << 300 << QByteArray(R"({"fault":"slow_create","ms":2500})");
        QTest::newRow("a1 settling") << QStringLiteral("settling") << 300 << QByteArray();
    }
    void a_coordinator_killed_mid_restart_is_replaced_within_the_ttl_and_the_journal_ends_with_the_outcome()
    {
        QFETCH(QString, step);
        QFETCH(int, graceMs);
        QFETCH(QByteArray, fault);
        const QString cluster = QStringLiteral("failover") + QString::number(graceMs) + QString::number(fault.size());
        const QStringList faults{QStringLiteral("--enable-faults")};
        Nodes nodes;
        nodes.push_back(startNode(m_etcd.urlText(), QStringLiteral("z0"), 2, 2, cluster, faults)); // first: elected
        QVERIFY(nodes[0]->port);
        QTRY_COMPARE_WITH_TIMEOUT(nodes[0]->clusterStatus().value(QStringLiteral("coordinator")).toString(), QStringLiteral("z0"), 3000);
        for (const char *id : {"a1", "a2"})
            nodes.push_back(startNode(m_etcd.urlText(), QLatin1String(id), 2, 2, cluster, faults));
        QVERIFY(nodes[1]->port && nodes[2]->port);
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        const double before = versionOf(*nodes[1]);
        HttpTestClient admin("127.0.0.1", nodes[1]->port);
        if (!fault.isEmpty())
            QCOMPARE(admin.post("/v1/faults", fault).status, 200);

        const auto accepted = admin.post("/v1/cluster/restart", QStringLiteral(R"({"grace_ms":%1,"settle_ms":300})").arg(graceMs).toUtf8());
        QCOMPARE(accepted.status, 202);
        const double id = accepted.json().value(QStringLiteral("restart_id")).toDouble();
        // The order is a1, a2, z0: kill the coordinator while a1 is at `step` (its own
        // report for "unready" and "restarting", the coordinator's step for "settling").
        const auto a1Step = [&] {
            HttpTestClient http("127.0.0.1", nodes[1]->port, 2000);
            if (step == QLatin1String("settling"))
                return journalNode(nodes[1]->clusterStatus().value(QStringLiteral("restart")).toObject(), QStringLiteral("a1"))
                    .value(QStringLiteral("step")).toString();
            const bool restarting = http.get("/v1/service/status").json().value(QStringLiteral("phase")).toString() == QLatin1String("restarting");
            const bool unready = http.get("/v1/service/ready").status == 503;
            return restarting ? QStringLiteral("restarting") : unready ? QStringLiteral("unready") : QString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(a1Step(), step, 10000);
        nodes[0]->signal(SIGKILL);
        QElapsedTimer sinceKill;
        sinceKill.start();
        // Plus what is left of a1's grace period: the new coordinator waits it out.
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[1], id).isEmpty(), kLostEndsWithinMs + graceMs);
        qInfo("the restart ended %lld ms after its coordinator was killed (lease TTL 2 s)", qint64(sinceKill.elapsed()));

        const QJsonObject done = finishedRestart(*nodes[1], id);
        const QString coordinator = done.value(QStringLiteral("coordinator")).toString();
        QVERIFY2(coordinator == QLatin1String("a1") || coordinator == QLatin1String("a2"), qPrintable(coordinator));
        QCOMPARE(done.value(QStringLiteral("state")).toString(), QStringLiteral("failed")); // z0 cannot be restarted: it is gone
        QVERIFY2(done.value(QStringLiteral("reason")).toString().contains(QStringLiteral("z0 is lost")),
                 qPrintable(done.value(QStringLiteral("reason")).toString()));
        QCOMPARE(journalNode(done, QStringLiteral("a1")).value(QStringLiteral("step")).toString(), QStringLiteral("done"));
        QCOMPARE(journalNode(done, QStringLiteral("a2")).value(QStringLiteral("step")).toString(), QStringLiteral("done"));
        for (int i : {1, 2}) {
            QCOMPARE(versionOf(*nodes[i]), before + 1);
            QVERIFY(nodeIn(nodes[i]->clusterStatus(), nodes[i]->id).value(QStringLiteral("ready")).toBool());
        }
    }

    void a_coordinator_stopped_past_its_ttl_changes_nothing_when_it_continues()
    {
        Nodes nodes;
        nodes.push_back(startNode(m_etcd.urlText(), QStringLiteral("z0"), 2, 2, QStringLiteral("stale")));
        QVERIFY(nodes[0]->port);
        QTRY_COMPARE_WITH_TIMEOUT(nodes[0]->clusterStatus().value(QStringLiteral("coordinator")).toString(), QStringLiteral("z0"), 3000);
        for (const char *id : {"a1", "a2"})
            nodes.push_back(startNode(m_etcd.urlText(), QLatin1String(id), 2, 2, QStringLiteral("stale")));
        QVERIFY(nodes[1]->port && nodes[2]->port);
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        const double before = versionOf(*nodes[0]);

        HttpTestClient admin("127.0.0.1", nodes[1]->port);
        const auto accepted = admin.post("/v1/cluster/restart", R"({"grace_ms":300,"settle_ms":300})");
        QCOMPARE(accepted.status, 202);
        const double id = accepted.json().value(QStringLiteral("restart_id")).toDouble();
        QTRY_COMPARE_WITH_TIMEOUT(journalNode(nodes[1]->clusterStatus().value(QStringLiteral("restart")).toObject(), QStringLiteral("a1"))
                                      .value(QStringLiteral("step")).toString(), QStringLiteral("settling"), 10000);
        nodes[0]->signal(SIGSTOP);
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[1], id).isEmpty(), kLostEndsWithinMs);
        const QJsonObject ended = finishedRestart(*nodes[1], id);
        QVERIFY(ended.value(QStringLiteral("coordinator")).toString() != QLatin1String("z0"));

        nodes[0]->signal(SIGCONT);
        // z0 wakes up with its old term in hand; it registers again, sees another coordinator
        // and its stale writes (if any) fail their fence.
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(*nodes[1], QStringLiteral("z0")), QStringLiteral("up"), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(nodes[0]->clusterStatus().value(QStringLiteral("coordinator")).toString().startsWith(QLatin1Char('a')), 3000);
        QTRY_VERIFY_WITH_TIMEOUT(nodeIn(nodes[0]->clusterStatus(), QStringLiteral("z0")).value(QStringLiteral("ready")).toBool(), 3000);
        const QJsonObject after = nodes[1]->clusterStatus();
        QVERIFY(after.value(QStringLiteral("restart")).isNull()); // nothing resurrected
        QCOMPARE(after.value(QStringLiteral("last_restart")).toObject(), ended);
        QCOMPARE(versionOf(*nodes[0]), before); // z0 was never restarted by anyone
        QCOMPARE(versionOf(*nodes[1]), before + 1);
        QCOMPARE(versionOf(*nodes[2]), before + 1);
    }

    void a_rolling_restart_of_three_nodes_through_haproxy_fails_no_request_and_ends_on_the_next_version()
    {
        const Nodes nodes = startNodes(m_etcd, QStringLiteral("rolling"), 3, 4);
        for (const auto &n : nodes)
            QVERIFY(n->port);
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        HaproxyProcess haproxy;
        QString error;
        QVERIFY2(haproxy.start({nodes[0]->port, nodes[1]->port, nodes[2]->port}, &error), qPrintable(error));
        const double before = versionOf(*nodes[0]);

        std::atomic<bool> stop{false};
        std::atomic<int> ok{0}, failed{0};
        QByteArray firstFailure;
        std::mutex failureMutex;
        std::vector<std::thread> clients;
        for (int c = 0; c < 3; ++c) {
            clients.emplace_back([&] {
                HttpTestClient http("127.0.0.1", haproxy.port());
                while (!stop.load()) {
                    const auto r = http.post("/v1/query", R"({"procedure":"echo","args":{"n":1}})");
                    if (r.status == 200) {
                        ++ok;
                        continue;
                    }
                    ++failed;
                    std::lock_guard lock(failureMutex);
                    if (firstFailure.isEmpty())
                        firstFailure = QByteArray::number(r.status) + ' ' + r.body;
                }
            });
        }
        QTRY_VERIFY_WITH_TIMEOUT(ok.load() > 100, 5000);
        HttpTestClient admin("127.0.0.1", nodes[2]->port);
        // admission "reject": a node that still got requests during its own restart would
        // refuse them with 503, so 0 failures means HAProxy had stopped sending to it (with
        // grace_ms 0 this run fails about ten requests).
        const auto accepted = admin.post("/v1/cluster/restart", R"({"strategy":"rolling","grace_ms":400,"settle_ms":400,"admission":"reject"})");
        QCOMPARE(accepted.status, 202);
        const double id = accepted.json().value(QStringLiteral("restart_id")).toDouble();
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[0], id).isEmpty(), 30000);
        const int okDuring = ok.load();
        stop.store(true);
        for (auto &t : clients)
            t.join();

        const QJsonObject done = finishedRestart(*nodes[0], id);
        QVERIFY2(done.value(QStringLiteral("state")).toString() == QLatin1String("completed"),
                 QJsonDocument(done).toJson().constData());
        QVERIFY2(failed.load() == 0, qPrintable(QStringLiteral("%1 failed requests, the first: %2").arg(failed.load()).arg(QString::fromUtf8(firstFailure))));
        QVERIFY(okDuring > 100);
        for (const auto &n : nodes)
            QCOMPARE(versionOf(*n), before + 1);
        qInfo("rolling restart of 3 nodes x 4 shards through HAProxy: %d requests answered, %d failed", okDuring, failed.load());
    }
};

QTEST_GUILESS_MAIN(TestClusterRestart)
#include "tst_cluster_restart.moc"
