// Membership through a real etcd: nodes appear, are lost when they stop renewing their
// lease, register again when they come back, and serve queries whether or not etcd is there.
#include "tests/cluster/ClusterTestSupport.h"

using namespace shardscope;
using namespace shardscope::test;

namespace {
constexpr int kTtlMs = 1000; // the nodes run with --lease-ttl 1
}

class TestClusterMembership : public QObject
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

    void a_node_appears_within_a_second_and_a_killed_one_is_lost_within_the_ttl_and_a_second()
    {
        auto a = startNode(m_etcd.urlText(), QStringLiteral("a"));
        QVERIFY(a->port);
        auto b = startNode(m_etcd.urlText(), QStringLiteral("b"));
        QVERIFY(b->port);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(*a, QStringLiteral("b")), QStringLiteral("up"), 1000);
        const QJsonObject seen = nodeIn(a->clusterStatus(), QStringLiteral("b"));
        QCOMPARE(seen.value(QStringLiteral("url")).toString(), QStringLiteral("http://127.0.0.1:%1").arg(b->port));
        QCOMPARE(seen.value(QStringLiteral("shards")).toInt(), 2);
        QCOMPARE(a->clusterStatus().value(QStringLiteral("etcd")).toString(), QStringLiteral("ok"));

        b->signal(SIGKILL);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(*a, QStringLiteral("b")), QStringLiteral("lost"), kTtlMs + 1000);
        QCOMPARE(nodeIn(a->clusterStatus(), QStringLiteral("b")).value(QStringLiteral("ready")).toBool(), false);
        b->process->waitForFinished(2000);
    }

    void a_node_stopped_past_its_ttl_is_lost_and_registers_again_when_it_continues()
    {
        auto a = startNode(m_etcd.urlText(), QStringLiteral("a2"));
        auto c = startNode(m_etcd.urlText(), QStringLiteral("c"));
        QVERIFY(a->port && c->port);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(*a, QStringLiteral("c")), QStringLiteral("up"), 1000);
        c->signal(SIGSTOP);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(*a, QStringLiteral("c")), QStringLiteral("lost"), kTtlMs + 1000);
        c->signal(SIGCONT);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(*a, QStringLiteral("c")), QStringLiteral("up"), kTtlMs + 2000);
        QTRY_VERIFY_WITH_TIMEOUT(c->clusterStatus().value(QStringLiteral("registered")).toBool(), 2000);
    }

    void a_node_that_shuts_down_is_shown_as_left_not_lost()
    {
        auto a = startNode(m_etcd.urlText(), QStringLiteral("a3"));
        auto d = startNode(m_etcd.urlText(), QStringLiteral("d"));
        QVERIFY(a->port && d->port);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(*a, QStringLiteral("d")), QStringLiteral("up"), 1000);
        d->process->terminate();
        QVERIFY(d->process->waitForFinished(10000));
        QCOMPARE(d->process->exitCode(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(*a, QStringLiteral("d")), QStringLiteral("left"), 1000);
    }


    // L2: a dead watch only slows restarts down to the poll; the status says so.
    void the_cluster_status_says_whether_the_restart_watch_is_up()
    {
        EtcdProcess etcd;
        QString error;
        QVERIFY2(etcd.start(&error), qPrintable(error));
        auto w = startNode(etcd.urlText(), QStringLiteral("w"));
        QVERIFY(w->port);
        QTRY_COMPARE_WITH_TIMEOUT(w->clusterStatus().value(QStringLiteral("watch")).toString(), QStringLiteral("up"), 3000);
        etcd.kill();
        QTRY_COMPARE_WITH_TIMEOUT(w->clusterStatus().value(QStringLiteral("watch")).toString(), QStringLiteral("down"), 3000);
    }

    void a_node_started_without_etcd_serves_queries_and_says_etcd_is_unreachable()
    {
        const QString nowhere = QStringLiteral("http://127.0.0.1:%1").arg(freeLocalPort());
        auto e = startNode(nowhere, QStringLiteral("e"));
        QVERIFY(e->port);
        HttpTestClient http("127.0.0.1", e->port);
        const auto reply = http.post("/v1/query", R"({"procedure":"echo","args":{"x":1}})");
        QCOMPARE(reply.status, 200);
        // Until the first attempt fails the error says "not contacted yet"; then it names etcd.
        QTRY_VERIFY_WITH_TIMEOUT(e->clusterStatus().value(QStringLiteral("etcd_error")).toString().contains(nowhere), 3000);
        const QJsonObject status = e->clusterStatus();
        QCOMPARE(status.value(QStringLiteral("etcd")).toString(), QStringLiteral("unreachable"));
        QVERIFY(!status.value(QStringLiteral("registered")).toBool());
        const auto refused = http.post("/v1/cluster/restart", "{}");
        QCOMPARE(refused.status, 503);
        QVERIFY2(refused.json().value(QStringLiteral("message")).toString().contains(QStringLiteral("unavailable")), refused.body.constData());
        QTRY_VERIFY_WITH_TIMEOUT(e->log().contains(QStringLiteral("etcd unreachable")), 3000);
    }
};

QTEST_GUILESS_MAIN(TestClusterMembership)
#include "tst_cluster_membership.moc"
