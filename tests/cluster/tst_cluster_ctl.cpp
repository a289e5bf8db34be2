// `shardscope ctl cluster ...` against a two-node cluster on a real etcd: output and exit codes.
#include "tests/cluster/ClusterTestSupport.h"

using namespace shardscope;
using namespace shardscope::test;

class TestClusterCtl : public QObject
{
    Q_OBJECT
private:
    struct Run {
        int code = -1;
        QString out;
        QString err;
    };
    Run ctl(quint16 port, const QStringList &args)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("SHARDSCOPE_URL"));
        env.remove(QStringLiteral("SHARDSCOPE_TOKEN"));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(SHARDSCOPE_BINARY), QStringList{QStringLiteral("ctl"), QStringLiteral("--url"),
                                                               QStringLiteral("http://127.0.0.1:%1").arg(port)} + args);
        Run r;
        if (!p.waitForFinished(30000))
            return r;
        r.code = p.exitCode();
        r.out = QString::fromUtf8(p.readAllStandardOutput());
        r.err = QString::fromUtf8(p.readAllStandardError());
        return r;
    }

    EtcdProcess m_etcd;
    std::unique_ptr<ClusterNodeProcess> m_a, m_b;

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_etcd.start(&error), qPrintable(error));
        m_a = startNode(m_etcd.urlText(), QStringLiteral("a"), 2, 2, QStringLiteral("ctl"));
        m_b = startNode(m_etcd.urlText(), QStringLiteral("b"), 2, 2, QStringLiteral("ctl"));
        QVERIFY(m_a->port && m_b->port);
        for (const auto *observer : {m_a.get(), m_b.get()}) { // each node's own view
            for (const char *id : {"a", "b"})
                QTRY_VERIFY_WITH_TIMEOUT(nodeIn(observer->clusterStatus(), QLatin1String(id)).value(QStringLiteral("ready")).toBool(), 3000);
        }
    }

    void cluster_status_lists_every_node_and_the_versions()
    {
        const Run r = ctl(m_b->port, {QStringLiteral("cluster"), QStringLiteral("status")});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(QStringLiteral("cluster ctl  etcd ok")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("  a  http://127.0.0.1:%1  v1  ready").arg(m_a->port)), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("versions: v1: 2 node(s)")), qPrintable(r.out));
    }

    void cluster_restart_wait_prints_each_step_and_exits_0_when_every_node_completed()
    {
        // A step lasts at least its grace period: 400 ms, several of ctl's 100 ms reads.
        const Run r = ctl(m_a->port, {QStringLiteral("cluster"), QStringLiteral("restart"), QStringLiteral("--grace-ms"),
                                      QStringLiteral("400"), QStringLiteral("--settle-ms"), QStringLiteral("100"), QStringLiteral("--wait")});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains(QStringLiteral("accepted")) && r.out.contains(QStringLiteral("a=restarting")), qPrintable(r.out));
        QVERIFY2(r.out.trimmed().endsWith(QStringLiteral("completed  a=done b=done")), qPrintable(r.out));
        // ctl names its request, so asking again after no answer cannot start a second restart.
        QVERIFY(!m_b->clusterStatus().value(QStringLiteral("last_restart")).toObject().value(QStringLiteral("request_id")).toString().isEmpty());
        const Run events = ctl(m_b->port, {QStringLiteral("cluster"), QStringLiteral("events")});
        QCOMPARE(events.code, 0);
        QVERIFY2(events.out.contains(QStringLiteral("cluster_restart_finished")), qPrintable(events.out));
        HttpTestClient http("127.0.0.1", m_b->port);
        const QByteArray metrics = http.get("/metrics").body;
        for (const char *line : {"shardscope_cluster_versions_distinct 1\n", "shardscope_cluster_nodes_by_version{version=\"2\"} 2\n",
                                 "shardscope_cluster_restarts_total{strategy=\"rolling\",outcome=\"completed\"} 1\n",
                                 "shardscope_cluster_etcd_up 1\n", "shardscope_cluster_nodes{state=\"up\"} 2\n"})
            QVERIFY2(metrics.contains(line), line);
    }

    void cluster_restart_lockstep_wait_exits_0_when_every_node_committed_and_4_on_a_bad_option()
    {
        const Run r = ctl(m_b->port, {QStringLiteral("cluster"), QStringLiteral("restart"), QStringLiteral("--strategy"),
                                      QStringLiteral("lockstep"), QStringLiteral("--wait")});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.trimmed().endsWith(QStringLiteral("completed  a=done b=done")), qPrintable(r.out));
        const Run bad = ctl(m_b->port, {QStringLiteral("cluster"), QStringLiteral("restart"), QStringLiteral("--strategy"),
                                        QStringLiteral("lockstep"), QStringLiteral("--commit-wait-ms"), QStringLiteral("600000")});
        QCOMPARE(bad.code, 4);
        QVERIFY2(bad.err.contains(QStringLiteral("commit_wait_ms must be an integer in [1, 60000]")), qPrintable(bad.err));
    }

    void refusals_exit_4_and_say_why()
    {
        const Run abort = ctl(m_a->port, {QStringLiteral("cluster"), QStringLiteral("abort")});
        QCOMPARE(abort.code, 4);
        QVERIFY2(abort.err.contains(QStringLiteral("409: no cluster restart is running")), qPrintable(abort.err));
        const Run bad = ctl(m_a->port, {QStringLiteral("cluster"), QStringLiteral("restart"), QStringLiteral("--strategy"), QStringLiteral("sideways")});
        QCOMPARE(bad.code, 4);
        QVERIFY2(bad.err.contains(QStringLiteral("400: strategy must be rolling or lockstep")), qPrintable(bad.err));
        const Run usage = ctl(m_a->port, {QStringLiteral("cluster")});
        QCOMPARE(usage.code, 2);
    }

    void a_node_without_cluster_mode_and_an_unreachable_one_have_their_own_exit_codes()
    {
        QProcess plain;
        const quint16 port = startHeadless(plain, {QStringLiteral("--shards"), QStringLiteral("1"), QStringLiteral("--audit-file"), QString()});
        QVERIFY(port);
        const Run off = ctl(port, {QStringLiteral("cluster"), QStringLiteral("status")});
        QCOMPARE(off.code, 4);
        QVERIFY2(off.err.contains(QStringLiteral("cluster mode is off")), qPrintable(off.err));
        plain.kill();
        plain.waitForFinished(5000);
        QCOMPARE(ctl(freeLocalPort(), {QStringLiteral("cluster"), QStringLiteral("status")}).code, 3);
    }
};

QTEST_GUILESS_MAIN(TestClusterCtl)
#include "tst_cluster_ctl.moc"
