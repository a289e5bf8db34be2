// The gate after each node of a rolling restart (issue 26), on real etcd, nodes and HAProxy
// with echo load through the balancer: a bad version is caught at the canary and rolled
// back, a good one passes every gate, too little traffic is inconclusive (never a pass).
#include "tests/cluster/ClusterTestSupport.h"
#include "tests/cluster/GateLoad.h"
#include "tests/support/HaproxyProcess.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>

using namespace shardscope;
using namespace shardscope::test;

namespace {

QByteArray dumpOf(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

bool readyAt(const ClusterNodeProcess &node)
{
    HttpTestClient http("127.0.0.1", node.port, 2000);
    return http.get("/v1/service/ready").status == 200;
}

// What a node says it served between two epoch ms.
QJsonObject qualityOf(const ClusterNodeProcess &node, qint64 fromMs, qint64 toMs)
{
    HttpTestClient http("127.0.0.1", node.port, 5000);
    return http.get(QByteArray("/v1/service/quality?from_ms=") + QByteArray::number(fromMs) + "&to_ms=" + QByteArray::number(toMs)).json();
}

QJsonObject gateOf(const QJsonObject &journal, const QString &id)
{
    return journalNode(journal, id).value(QStringLiteral("gate")).toObject();
}

} // namespace

class TestClusterGate : public QObject
{
    Q_OBJECT
private:
    EtcdProcess m_etcd;

    // Three nodes with the fault drill, HAProxy in front; false when something did not start.
    bool cluster(const QString &name, Nodes *nodes, HaproxyProcess *haproxy)
    {
        *nodes = startNodes(m_etcd, name, 3, 2, {QStringLiteral("--enable-faults")});
        for (const auto &n : *nodes) {
            if (!n->port)
                return false;
        }
        if (!QTest::qWaitFor([&] { return formed(*nodes); }, 5000))
            return false;
        QString error;
        if (!haproxy->start({(*nodes)[0]->port, (*nodes)[1]->port, (*nodes)[2]->port}, &error)) {
            qWarning("%s", qPrintable(error));
            return false;
        }
        return true;
    }

    QJsonObject runToEnd(const ClusterNodeProcess &admin, const QByteArray &body, int timeoutMs)
    {
        HttpTestClient http("127.0.0.1", admin.port);
        const auto accepted = http.post("/v1/cluster/restart", body);
        if (accepted.status != 202) {
            qWarning("restart refused: %d %s", accepted.status, accepted.body.constData());
            return {};
        }
        const double id = accepted.json().value(QStringLiteral("restart_id")).toDouble();
        QElapsedTimer clock;
        clock.start();
        if (!QTest::qWaitFor([&] { return !finishedRestart(admin, id).isEmpty(); }, timeoutMs))
            qWarning("restart %.0f not finished after %lld ms: %s", id, clock.elapsed(), dumpOf(admin.clusterStatus()).constData());
        qInfo("restart %.0f ended after %lld ms", id, clock.elapsed());
        return finishedRestart(admin, id);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_etcd.start(&error), qPrintable(error));
    }

    void gate_options_are_checked_with_reasons_and_ctl_sends_them()
    {
        const Nodes nodes = startNodes(m_etcd, QStringLiteral("gateoptions"), 2, 2);
        QVERIFY(nodes[0]->port && nodes[1]->port);
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        HttpTestClient http("127.0.0.1", nodes[0]->port);
        const std::pair<QByteArray, QString> refusals[] = {
            {R"({"strategy":"lockstep","gate":true})", QStringLiteral("a gate needs strategy rolling")},
            {R"({"gate":{"checks":2,"failed_checks_allowed":2}})", QStringLiteral("gate.failed_checks_allowed (2) must be below gate.checks (2)")},
            {R"({"gate":{"analysis_ms":50}})", QStringLiteral("gate.analysis_ms must be an integer in [100, 600000]")},
            {R"({"gate":{"inconclusive":"maybe"}})", QStringLiteral("gate.inconclusive must be stop or proceed")},
            {R"({"gate":true,"canary":3})", QStringLiteral("canary 3 is more than the 2 nodes of the cluster")},
            {R"({"canary":1})", QStringLiteral("canary needs a gate")},
        };
        for (const auto &[body, words] : refusals) {
            const auto r = http.post("/v1/cluster/restart", body);
            QCOMPARE(r.status, 400);
            QVERIFY2(r.json().value(QStringLiteral("message")).toString().contains(words), r.body.constData());
        }
        // ctl's --gate KEY=VALUE,... and --canary reach the journal; no load: inconclusive, proceeding.
        QProcess ctl;
        ctl.start(QStringLiteral(SHARDSCOPE_BINARY),
                  {QStringLiteral("ctl"), QStringLiteral("--url"), QStringLiteral("http://127.0.0.1:%1").arg(nodes[1]->port), QStringLiteral("cluster"),
                   QStringLiteral("restart"), QStringLiteral("--gate"), QStringLiteral("analysis_ms=1000,checks=1,min_requests=10,inconclusive=proceed"),
                   QStringLiteral("--canary"), QStringLiteral("2"), QStringLiteral("--grace-ms"), QStringLiteral("100"),
                   QStringLiteral("--settle-ms"), QStringLiteral("100"), QStringLiteral("--wait")});
        QVERIFY(ctl.waitForFinished(30000));
        const QString out = QString::fromUtf8(ctl.readAllStandardOutput() + ctl.readAllStandardError());
        QVERIFY2(ctl.exitCode() == 0, qPrintable(out));
        const QJsonObject done = nodes[0]->clusterStatus().value(QStringLiteral("last_restart")).toObject();
        QCOMPARE(done.value(QStringLiteral("gate")).toObject().value(QStringLiteral("analysis_ms")).toInt(), 1000);
        QCOMPARE(done.value(QStringLiteral("gate")).toObject().value(QStringLiteral("inconclusive")).toString(), QStringLiteral("proceed"));
        QCOMPARE(done.value(QStringLiteral("canary")).toInt(), 2);
        for (const auto &n : nodes)
            QCOMPARE(gateOf(done, n->id).value(QStringLiteral("verdict")).toString(), QStringLiteral("inconclusive"));
    }

    void a_version_that_fails_a_fifth_of_its_queries_is_caught_at_the_canary_and_rolled_back()
    {
        Nodes nodes;
        HaproxyProcess haproxy;
        QVERIFY(cluster(QStringLiteral("gatebad"), &nodes, &haproxy));
        const double before = versionOf(*nodes[0]);
        for (const auto &n : nodes) {
            HttpTestClient http("127.0.0.1", n->port);
            const auto r = http.post("/v1/faults", QByteArray(R"({"fault":"bad_version","version":)") + QByteArray::number(before + 1)
                                                      + R"(,"ms":0,"fail_percent":20})");
            QVERIFY2(r.status == 200, r.body.constData());
        }
        const qint64 startMs = QDateTime::currentMSecsSinceEpoch();
        GateLoad load(haproxy.port(), 200);
        QTRY_VERIFY_WITH_TIMEOUT(load.ok() > 100, 5000);
        const QJsonObject done = runToEnd(*nodes[2], R"({"grace_ms":400,"settle_ms":400,"admission":"reject",
            "gate":{"analysis_ms":1500,"checks":2,"min_requests":50},"canary":1})", 45000);
        load.stop();
        const qint64 endMs = QDateTime::currentMSecsSinceEpoch();
        QVERIFY(!done.isEmpty());
        qInfo("journal: %s", dumpOf(done).constData());

        QVERIFY2(done.value(QStringLiteral("state")).toString() == QLatin1String("rolled_back"), dumpOf(done).constData());
        const QString reason = done.value(QStringLiteral("reason")).toString();
        QVERIFY2(reason.contains(QStringLiteral("node n0: success rate")) && reason.contains(QStringLiteral("server errors in")), qPrintable(reason));
        // Only the canary (n0, first in the journal's order) was restarted, and went back.
        const QJsonObject canary = journalNode(done, QStringLiteral("n0"));
        QCOMPARE(canary.value(QStringLiteral("step")).toString(), QStringLiteral("reverted"));
        QCOMPARE(gateOf(done, QStringLiteral("n0")).value(QStringLiteral("verdict")).toString(), QStringLiteral("failed"));
        QVERIFY(gateOf(done, QStringLiteral("n0")).value(QStringLiteral("before")).isObject());
        QVERIFY(!gateOf(done, QStringLiteral("n0")).value(QStringLiteral("windows")).toArray().isEmpty());
        for (const char *other : {"n1", "n2"})
            QCOMPARE(journalNode(done, QLatin1String(other)).value(QStringLiteral("step")).toString(), QStringLiteral("waiting"));
        for (const auto &n : nodes) {
            QCOMPARE(versionOf(*n), before);
            QVERIFY(readyAt(*n));
            // No node but the canary served a failed query over the whole run.
            const QJsonObject q = qualityOf(*n, startMs, endMs);
            QVERIFY2(q.value(QStringLiteral("requests")).toDouble() > 0, dumpOf(q).constData());
            if (n->id != QLatin1String("n0"))
                QVERIFY2(q.value(QStringLiteral("server_errors")).toDouble() == 0, dumpOf(q).constData());
            else
                QVERIFY2(q.value(QStringLiteral("server_errors")).toDouble() > 0, dumpOf(q).constData());
        }
        // The cluster's event log carries the verdict.
        HttpTestClient events("127.0.0.1", nodes[1]->port);
        bool gateEvent = false;
        for (const QJsonValue &e : events.get("/v1/cluster/events?since=0&limit=1000").json().value(QStringLiteral("events")).toArray()) {
            const QJsonObject o = e.toObject();
            gateEvent = gateEvent || (o.value(QStringLiteral("kind")).toString() == QLatin1String("cluster_restart_gate")
                                      && o.value(QStringLiteral("node")).toString() == QLatin1String("n0")
                                      && o.value(QStringLiteral("verdict")).toString() == QLatin1String("failed")
                                      && o.value(QStringLiteral("check")).toString() == QLatin1String("success_rate"));
        }
        QVERIFY(gateEvent);
        // ctl's history of the run shows the canary's gate with its figures, window by window.
        QProcess ctl;
        ctl.start(QStringLiteral(SHARDSCOPE_BINARY), {QStringLiteral("ctl"), QStringLiteral("--url"),
                                                      QStringLiteral("http://127.0.0.1:%1").arg(nodes[1]->port), QStringLiteral("cluster"),
                                                      QStringLiteral("history"), done.value(QStringLiteral("id")).toString()});
        QVERIFY(ctl.waitForFinished(30000));
        const QString history = QString::fromUtf8(ctl.readAllStandardOutput());
        QVERIFY2(history.contains(QStringLiteral("    gate: failed: node n0: success rate"))
                     && history.contains(QRegularExpression(QStringLiteral("\\n      window \\d\\d:\\d\\d:\\d\\d-\\d\\d:\\d\\d:\\d\\d: failed: node n0: success rate"))),
                 qPrintable(history));
        qInfo("bad version: %d answered, %d failed through the balancer", load.ok(), load.failed());
    }

    void a_good_version_passes_every_gate_and_keeps_each_nodes_figures()
    {
        Nodes nodes;
        HaproxyProcess haproxy;
        QVERIFY(cluster(QStringLiteral("gategood"), &nodes, &haproxy));
        const double before = versionOf(*nodes[0]);
        GateLoad load(haproxy.port(), 200);
        QTRY_VERIFY_WITH_TIMEOUT(load.ok() > 100, 5000);
        // A loaded 2-core machine moves a 1 ms p99 by tens of ms: the ratio check stays, with room.
        const QJsonObject done = runToEnd(*nodes[2], R"({"grace_ms":400,"settle_ms":400,"admission":"reject",
            "gate":{"analysis_ms":1500,"checks":2,"min_requests":50,"p99_ratio":3,"p99_slack_ms":100}})", 55000);
        load.stop();
        QVERIFY(!done.isEmpty());
        QVERIFY2(done.value(QStringLiteral("state")).toString() == QLatin1String("completed"), dumpOf(done).constData());
        for (const auto &n : nodes) {
            const QJsonObject gate = gateOf(done, n->id);
            QVERIFY2(gate.value(QStringLiteral("verdict")).toString() == QLatin1String("passed"), dumpOf(gate).constData());
            QVERIFY2(gate.value(QStringLiteral("reason")).toString().contains(QStringLiteral("passed: success rate")), dumpOf(gate).constData());
            const QJsonArray windows = gate.value(QStringLiteral("windows")).toArray();
            QCOMPARE(windows.size(), 2);
            for (const QJsonValue &w : windows)
                QVERIFY(w.toObject().value(QStringLiteral("after")).toObject().value(QStringLiteral("requests")).toDouble() >= 50);
            QVERIFY(gate.value(QStringLiteral("before")).isObject());
            QCOMPARE(versionOf(*n), before + 1);
        }
        // The nodes not yet restarted were the first node's baseline; the last one had none.
        QCOMPARE(gateOf(done, QStringLiteral("n0")).value(QStringLiteral("windows")).toArray().at(0).toObject()
                     .value(QStringLiteral("baseline_nodes")).toArray().size(), 2);
        QVERIFY(!gateOf(done, QStringLiteral("n2")).value(QStringLiteral("windows")).toArray().at(0).toObject().contains(QStringLiteral("baseline")));
        QCOMPARE(load.failed(), 0);
    }

    void a_coordinator_killed_during_a_gate_is_replaced_and_the_new_one_judges_the_window_again()
    {
        const QString cluster = QStringLiteral("gatefailover");
        Nodes nodes;
        nodes.push_back(startNode(m_etcd.urlText(), QStringLiteral("z0"), 2, 2, cluster)); // first: elected
        QVERIFY(nodes[0]->port);
        QTRY_COMPARE_WITH_TIMEOUT(nodes[0]->clusterStatus().value(QStringLiteral("coordinator")).toString(), QStringLiteral("z0"), 3000);
        for (const char *id : {"a1", "a2"})
            nodes.push_back(startNode(m_etcd.urlText(), QLatin1String(id), 2, 2, cluster));
        QVERIFY(nodes[1]->port && nodes[2]->port);
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        HaproxyProcess haproxy;
        QString error;
        QVERIFY2(haproxy.start({nodes[0]->port, nodes[1]->port, nodes[2]->port}, &error), qPrintable(error));
        const double before = versionOf(*nodes[1]);
        GateLoad load(haproxy.port(), 200);
        QTRY_VERIFY_WITH_TIMEOUT(load.ok() > 100, 5000);
        HttpTestClient admin("127.0.0.1", nodes[1]->port);
        const auto accepted = admin.post("/v1/cluster/restart", R"({"grace_ms":400,"settle_ms":300,"admission":"reject",
            "gate":{"analysis_ms":1500,"checks":2,"min_requests":30,"p99_ratio":3,"p99_slack_ms":100}})");
        QCOMPARE(accepted.status, 202);
        const double id = accepted.json().value(QStringLiteral("restart_id")).toDouble();
        // The order is a1, a2, z0: the coordinator dies while the canary a1 is in its gate.
        QTRY_COMPARE_WITH_TIMEOUT(journalNode(nodes[1]->clusterStatus().value(QStringLiteral("restart")).toObject(), QStringLiteral("a1"))
                                      .value(QStringLiteral("step")).toString(), QStringLiteral("analysing"), 15000);
        nodes[0]->signal(SIGKILL);
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[1], id).isEmpty(), 40000);
        load.stop();
        const QJsonObject done = finishedRestart(*nodes[1], id);
        QCOMPARE(done.value(QStringLiteral("state")).toString(), QStringLiteral("failed")); // z0 is gone
        const QJsonObject a1 = gateOf(done, QStringLiteral("a1"));
        QVERIFY2(a1.value(QStringLiteral("verdict")).toString() == QLatin1String("passed"), dumpOf(a1).constData());
        // The window z0 had begun was started again under the new coordinator's fence, and
        // each judged window is in the journal with its figures.
        QVERIFY2(a1.value(QStringLiteral("note")).toString().contains(QStringLiteral("started again by a new coordinator")), dumpOf(a1).constData());
        const QJsonArray windows = a1.value(QStringLiteral("windows")).toArray();
        QCOMPARE(windows.size(), 2);
        for (const QJsonValue &w : windows)
            QVERIFY(w.toObject().value(QStringLiteral("after")).toObject().value(QStringLiteral("requests")).toDouble() >= 30);
        // a2 went after its canary passed; the lost z0 stops the restart, during a2's gate or after it.
        const QString a2 = gateOf(done, QStringLiteral("a2")).value(QStringLiteral("verdict")).toString();
        QVERIFY2(a2 == QLatin1String("passed") || a2 == QLatin1String("not judged"), dumpOf(done).constData());
        QVERIFY2(done.value(QStringLiteral("reason")).toString().contains(QStringLiteral("z0 is lost")), dumpOf(done).constData());
        for (int i : {1, 2})
            QCOMPARE(versionOf(*nodes[i]), before + 1);
    }

    void too_little_traffic_is_inconclusive_and_stops_or_proceeds_as_asked_never_passed_data()
    {
        QTest::addColumn<QString>("inconclusive");
        QTest::newRow("stop") << QStringLiteral("stop");
        QTest::newRow("proceed") << QStringLiteral("proceed");
    }
    void too_little_traffic_is_inconclusive_and_stops_or_proceeds_as_asked_never_passed()
    {
        QFETCH(QString, inconclusive);
        Nodes nodes;
        HaproxyProcess haproxy;
        QVERIFY(cluster(QStringLiteral("gatequiet") + inconclusive, &nodes, &haproxy));
        const double before = versionOf(*nodes[0]);
        const QJsonObject done = runToEnd(*nodes[2], QByteArray(R"({"grace_ms":300,"settle_ms":300,"gate":{"analysis_ms":1000,"checks":2,"min_requests":50,"inconclusive":")")
                                                        + inconclusive.toUtf8() + "\"}}", 45000);
        QVERIFY(!done.isEmpty());
        qInfo("journal: %s", dumpOf(done).constData());
        if (inconclusive == QLatin1String("stop")) {
            QVERIFY2(done.value(QStringLiteral("state")).toString() == QLatin1String("rolled_back"), dumpOf(done).constData());
            const QString reason = done.value(QStringLiteral("reason")).toString();
            QVERIFY2(reason.contains(QStringLiteral("node n0: inconclusive: 0 requests in 1 s, fewer than 50")), qPrintable(reason));
            QCOMPARE(journalNode(done, QStringLiteral("n0")).value(QStringLiteral("step")).toString(), QStringLiteral("reverted"));
            for (const auto &n : nodes)
                QCOMPARE(versionOf(*n), before);
        } else {
            QVERIFY2(done.value(QStringLiteral("state")).toString() == QLatin1String("completed"), dumpOf(done).constData());
            for (const auto &n : nodes) {
                QCOMPARE(gateOf(done, n->id).value(QStringLiteral("verdict")).toString(), QStringLiteral("inconclusive"));
                QCOMPARE(versionOf(*n), before + 1);
            }
            QVERIFY2(done.value(QStringLiteral("reason")).toString().contains(QStringLiteral("gate inconclusive")), dumpOf(done).constData());
        }
        for (const auto &n : nodes)
            QVERIFY(readyAt(*n));
    }
};

QTEST_GUILESS_MAIN(TestClusterGate)
#include "tst_cluster_gate.moc"
