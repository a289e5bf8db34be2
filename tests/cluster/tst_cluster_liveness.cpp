// A rolling restart never stays `running`: a report lost in an etcd cut, an etcd wiped and
// replaced, a node that stops answering, an abort during a node's grace period.
#include "tests/cluster/EtcdLinkProxy.h"
#include "tests/cluster/RollingSupport.h"

using namespace shardscope;
using namespace shardscope::test;

class TestClusterLiveness : public QObject
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

    void a_done_report_lost_in_an_etcd_cut_is_sent_again_to_the_new_coordinator_and_the_restart_completes()
    {
        EtcdLinkProxy link(quint16(m_etcd.url().port()));
        const QString cluster = QStringLiteral("cut");
        const QStringList faults{QStringLiteral("--enable-faults")};
        const Nodes nodes = coordinatedTrio(cluster, {{link.urlText()}, {link.urlText()}, {link.urlText()}}, faults);
        QVERIFY(!nodes.empty());
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        const double before = versionOf(*nodes[1]);
        HttpTestClient a1("127.0.0.1", nodes[1]->port);
        QCOMPARE(a1.post("/v1/faults", R"({"fault":"slow_create","ms":2500})").status, 200);
        const auto answer = a1.post("/v1/cluster/restart", R"({"grace_ms":200,"settle_ms":200})");
        QCOMPARE(answer.status, 202);
        const double id = restartIdOf(answer);

        QTRY_COMPARE_WITH_TIMEOUT(phaseOf(*nodes[1]), QStringLiteral("restarting"), 10000);
        link.cut(); // a1's "done" cannot reach etcd; every lease (the leader's too) expires
        QTRY_COMPARE_WITH_TIMEOUT(memberCount(m_etcd, cluster), 0, 8000);
        QTRY_VERIFY_WITH_TIMEOUT(versionOf(*nodes[1]) == before + 1 && readyAt(*nodes[1]), 8000);
        link.heal();

        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[2], id).isEmpty(), 25000);
        const QJsonObject done = finishedRestart(*nodes[2], id);
        QVERIFY2(done.value(QStringLiteral("state")).toString() == QLatin1String("completed"), dump(done).constData());
        QVERIFY(allOn(nodes, before + 1));
    }

    void an_etcd_replaced_by_an_empty_one_with_lower_revisions_is_followed_by_the_next_restart()
    {
        for (int i = 0; i < 200; ++i) // the first etcd's revisions (and fences) well above the next one's
            m_etcd.call("/v3/kv/put", {{QStringLiteral("key"), QStringLiteral("YnVtcA==")}, {QStringLiteral("value"), QStringLiteral("eA==")}});
        EtcdLinkProxy link(quint16(m_etcd.url().port()));
        const Nodes nodes = coordinatedTrio(QStringLiteral("wipe"), {{link.urlText()}, {link.urlText()}, {link.urlText()}});
        QVERIFY(!nodes.empty());
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        const double before = versionOf(*nodes[0]);
        HttpTestClient admin("127.0.0.1", nodes[0]->port);
        const double first = restartIdOf(admin.post("/v1/cluster/restart", R"({"grace_ms":100,"settle_ms":100})"));
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[0], first).isEmpty(), 15000);

        EtcdProcess fresh; // the data directory lost: revisions start again from 1
        QString error;
        QVERIFY2(fresh.start(&error), qPrintable(error));
        link.setUpstream(quint16(fresh.url().port()));
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 15000);
        const auto again = admin.post("/v1/cluster/restart", R"({"grace_ms":100,"settle_ms":100})");
        QCOMPARE(again.status, 202);
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[0], restartIdOf(again)).isEmpty(), 15000);
        QCOMPARE(finishedRestart(*nodes[0], restartIdOf(again)).value(QStringLiteral("state")).toString(), QStringLiteral("completed"));
        QVERIFY(allOn(nodes, before + 2));
    }

    void a_node_that_stops_answering_in_its_turn_is_marked_unresponsive_at_its_step_limit_and_the_restart_ends()
    {
        // a1 keeps its lease for 30 s while stopped: up in etcd, silent.
        const Nodes nodes = coordinatedTrio(QStringLiteral("silent"), {{m_etcd.urlText()}, {m_etcd.urlText(), 30}, {m_etcd.urlText()}});
        QVERIFY(!nodes.empty());
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        HttpTestClient admin("127.0.0.1", nodes[0]->port);
        const auto answer = admin.post("/v1/cluster/restart", R"({"grace_ms":1500,"settle_ms":100,"prepare_timeout_ms":200,)"
                                                              R"("drain_timeout_ms":200,"restart_timeout_ms":500,"verify_timeout_ms":500})");
        QCOMPARE(answer.status, 202);
        const double id = restartIdOf(answer);
        QTRY_VERIFY_WITH_TIMEOUT(!readyAt(*nodes[1]), 5000); // in its grace period
        nodes[1]->signal(SIGSTOP);
        const int limit = currentJournal(m_etcd, QStringLiteral("silent")).value(QStringLiteral("step_limit_ms")).toInt();
        QVERIFY2(limit > 0 && limit < 15000, qPrintable(QString::number(limit)));
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[0], id).isEmpty(), limit + 5000);
        const QJsonObject done = finishedRestart(*nodes[0], id);
        QCOMPARE(done.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
        QCOMPARE(journalNode(done, QStringLiteral("a1")).value(QStringLiteral("outcome")).toString(), QStringLiteral("unresponsive"));
        QCOMPARE(journalNode(done, QStringLiteral("a2")).value(QStringLiteral("step")).toString(), QStringLiteral("waiting"));
        QVERIFY2(done.value(QStringLiteral("reason")).toString().contains(QStringLiteral("unresponsive")), dump(done).constData());
        nodes[1]->signal(SIGCONT);
    }

    void an_abort_during_a_nodes_grace_period_stops_it_before_its_own_restart()
    {
        const Nodes nodes = coordinatedTrio(QStringLiteral("graceabort"), {{m_etcd.urlText()}, {m_etcd.urlText()}, {m_etcd.urlText()}});
        QVERIFY(!nodes.empty());
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        const double before = versionOf(*nodes[1]);
        HttpTestClient admin("127.0.0.1", nodes[0]->port);
        const auto answer = admin.post("/v1/cluster/restart", R"({"grace_ms":5000,"settle_ms":100})");
        QCOMPARE(answer.status, 202);
        const double id = restartIdOf(answer);
        QTRY_VERIFY_WITH_TIMEOUT(!readyAt(*nodes[1]), 5000);
        QCOMPARE(admin.post("/v1/cluster/restart/abort").status, 202);
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[0], id).isEmpty(), 4000); // well inside the 5 s grace
        const QJsonObject done = finishedRestart(*nodes[0], id);
        QVERIFY2(done.value(QStringLiteral("state")).toString() == QLatin1String("aborted"), dump(done).constData());
        QCOMPARE(journalNode(done, QStringLiteral("a1")).value(QStringLiteral("step")).toString(), QStringLiteral("aborted"));
        QTRY_VERIFY_WITH_TIMEOUT(readyAt(*nodes[1]), 3000);
        QVERIFY(!QTest::qWaitFor([&] { return versionOf(*nodes[1]) != before; }, 6000)); // past the grace: never restarted
        QVERIFY(allOn(nodes, before));
    }
};

QTEST_GUILESS_MAIN(TestClusterLiveness)
#include "tst_cluster_liveness.moc"
