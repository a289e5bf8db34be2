// A rolling restart counts what clients can reach, moves every node to one target version,
// and its requests answer truly when etcd is slow: a timed-out create read back, a retry
// with the same request_id, a stale view refused.
#include "tests/cluster/EtcdLinkProxy.h"
#include "tests/cluster/RollingSupport.h"

using namespace shardscope;
using namespace shardscope::test;

class TestClusterTruth : public QObject
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

    void a_node_clients_cannot_reach_counts_as_unavailable_and_keeps_the_next_node_in()
    {
        // a2 stopped keeps its 30 s lease: ready in etcd, silent at its URL.
        const Nodes nodes = coordinatedTrio(QStringLiteral("reach"), {{m_etcd.urlText()}, {m_etcd.urlText()}, {m_etcd.urlText(), 30}});
        QVERIFY(!nodes.empty());
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        const double before = versionOf(*nodes[0]);
        nodes[2]->signal(SIGSTOP);
        HttpTestClient admin("127.0.0.1", nodes[0]->port);
        const auto answer = admin.post("/v1/cluster/restart", R"({"grace_ms":200,"settle_ms":200})");
        QCOMPARE(answer.status, 202);
        const double id = restartIdOf(answer);
        QTRY_COMPARE_WITH_TIMEOUT(stepIn(*nodes[0], QStringLiteral("a1")), QStringLiteral("waiting"), 3000);
        QJsonObject seen;
        const bool tookA1 = QTest::qWaitFor([&] {
            seen = nodes[0]->clusterStatus().value(QStringLiteral("restart")).toObject();
            return journalNode(seen, QStringLiteral("a1")).value(QStringLiteral("step")).toString() != QLatin1String("waiting");
        }, 3000);
        QVERIFY2(!tookA1, dump(seen).constData()); // a1 out while a2 cannot be reached: two unavailable // a1 taken out while a2 cannot be reached
        nodes[2]->signal(SIGCONT);
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[0], id).isEmpty(), 15000);
        QCOMPARE(finishedRestart(*nodes[0], id).value(QStringLiteral("state")).toString(), QStringLiteral("completed"));
        QVERIFY(allOn(nodes, before + 1));
    }

    void a_cluster_two_versions_apart_moves_to_one_target_above_the_highest_in_one_rolling_restart()
    {
        const Nodes nodes = coordinatedTrio(QStringLiteral("skew"), {{m_etcd.urlText()}, {m_etcd.urlText()}, {m_etcd.urlText()}});
        QVERIFY(!nodes.empty());
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        const double before = versionOf(*nodes[0]);
        HttpTestClient a2("127.0.0.1", nodes[2]->port);
        for (int i = 1; i <= 2; ++i) { // a2 alone: two local restarts
            QCOMPARE(a2.post("/v1/service/restart").status, 202);
            QTRY_VERIFY_WITH_TIMEOUT(versionOf(*nodes[2]) == before + i && readyAt(*nodes[2]), 5000);
        }
        QTRY_COMPARE_WITH_TIMEOUT(nodeIn(nodes[0]->clusterStatus(), QStringLiteral("a2")).value(QStringLiteral("version")).toDouble(), before + 2, 3000);
        HttpTestClient admin("127.0.0.1", nodes[0]->port);
        const auto answer = admin.post("/v1/cluster/restart", R"({"grace_ms":100,"settle_ms":100})");
        QVERIFY2(answer.status == 202, answer.body.constData());
        QCOMPARE(answer.json().value(QStringLiteral("journal")).toObject().value(QStringLiteral("target_version")).toDouble(), before + 3);
        const double id = restartIdOf(answer);
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[0], id).isEmpty(), 15000);
        QCOMPARE(finishedRestart(*nodes[0], id).value(QStringLiteral("state")).toString(), QStringLiteral("completed"));
        QVERIFY(allOn(nodes, before + 3));
    }

    void a_restart_whose_create_got_no_answer_is_read_back_and_accepted_and_a_retry_gets_the_same_id()
    {
        EtcdLinkProxy link(quint16(m_etcd.url().port()));
        const Nodes nodes = coordinatedTrio(QStringLiteral("unknown"), {{m_etcd.urlText()}, {link.urlText()}, {m_etcd.urlText()}});
        QVERIFY(!nodes.empty());
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        const double before = versionOf(*nodes[0]);
        HttpTestClient a1("127.0.0.1", nodes[1]->port, 20000);
        const QByteArray body = R"({"grace_ms":100,"settle_ms":100,"request_id":"ask-7"})";
        link.swallow({}, 2600); // etcd applies a1's create; a1 hears nothing until its 2 s timeout
        const auto answer = a1.post("/v1/cluster/restart", body);
        QVERIFY2(answer.status == 202, answer.body.constData());
        const double id = restartIdOf(answer);
        QTRY_VERIFY_WITH_TIMEOUT(nodes[1]->clusterStatus().value(QStringLiteral("read_age_ms")).toDouble() < 500, 5000);
        const auto retry = a1.post("/v1/cluster/restart", body);
        QCOMPARE(retry.status, 202);
        QCOMPARE(restartIdOf(retry), id);
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[0], id).isEmpty(), 15000);
        const QJsonObject done = finishedRestart(*nodes[0], id);
        QCOMPARE(done.value(QStringLiteral("request_id")).toString(), QStringLiteral("ask-7"));
        QCOMPARE(done.value(QStringLiteral("state")).toString(), QStringLiteral("completed"));
        QVERIFY(allOn(nodes, before + 1));
        QCOMPARE(a1.post("/v1/cluster/restart", body).status, 202); // still the same one, not a second run
        QVERIFY(!QTest::qWaitFor([&] { return versionOf(*nodes[0]) != before + 1; }, 1000));
        // A node reads the history entry only now and then: the retry is known from the moment the
        // restart left restart/current by restart/last, which every read includes.
        const QByteArray key = "/shardscope/unknown/restart/last";
        const QJsonArray kvs = m_etcd.call("/v3/kv/range", {{QStringLiteral("key"), QString::fromLatin1(key.toBase64())}})
                                   .value(QStringLiteral("kvs")).toArray();
        QCOMPARE(kvs.size(), 1);
        const QJsonObject last = QJsonDocument::fromJson(QByteArray::fromBase64(kvs.at(0).toObject().value(QStringLiteral("value")).toString().toLatin1())).object();
        QCOMPARE(last.value(QStringLiteral("request_id")).toString(), QStringLiteral("ask-7"));
        QCOMPARE(last.value(QStringLiteral("id")).toString(), QString::number(qint64(id)));
        QCOMPARE(last.value(QStringLiteral("state")).toString(), QStringLiteral("completed"));
    }

    void a_node_whose_reads_of_etcd_fail_refuses_a_restart_from_its_stale_view()
    {
        EtcdLinkProxy link(quint16(m_etcd.url().port()));
        const Nodes nodes = coordinatedTrio(QStringLiteral("stale"), {{m_etcd.urlText()}, {link.urlText()}, {m_etcd.urlText()}});
        QVERIFY(!nodes.empty());
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        link.swallow("/v3/kv/txn"); // keepalives pass: etcd looks reachable, reads (one txn each) never come back
        const auto staleButOk = [&] {
            const QJsonObject s = nodes[1]->clusterStatus();
            return s.value(QStringLiteral("etcd")).toString() == QLatin1String("ok") && s.value(QStringLiteral("read_age_ms")).toDouble() > 1500;
        };
        QTRY_VERIFY_WITH_TIMEOUT(staleButOk(), 10000);
        HttpTestClient a1("127.0.0.1", nodes[1]->port);
        const auto answer = a1.post("/v1/cluster/restart", R"({"grace_ms":100,"settle_ms":100})");
        QVERIFY2(answer.status == 503, answer.body.constData());
        QVERIFY2(answer.json().value(QStringLiteral("message")).toString().contains(QStringLiteral("last read the cluster")), answer.body.constData());
        link.heal();
        QTRY_VERIFY_WITH_TIMEOUT(nodes[1]->clusterStatus().value(QStringLiteral("read_age_ms")).toDouble() < 500, 5000);
    }
};

QTEST_GUILESS_MAIN(TestClusterTruth)
#include "tst_cluster_truth.moc"
