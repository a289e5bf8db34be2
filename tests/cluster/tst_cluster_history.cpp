// The restart history and resume through a real etcd and three nodes: a rolling restart that
// stopped on a lost node is refused while the node is away, resumed once it is back, and
// completes; the history lists both runs with their times; the routes' errors.
#include "tests/cluster/RollingSupport.h"

#include "model/client/ClusterClient.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QSignalSpy>
#include <QUrlQuery>

using namespace shardscope;
using namespace shardscope::test;

namespace {

QString idText(double id)
{
    return QString::number(qint64(id));
}

QByteArray resumeBody(const QString &id)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("restart_id"), id}}).toJson(QJsonDocument::Compact);
}

QString blockersOf(const HttpTestClient::Response &r)
{
    QStringList out;
    for (const QJsonValue &b : r.json().value(QStringLiteral("blockers")).toArray())
        out << b.toString();
    return out.join(QStringLiteral(" | "));
}

// Every node's stamps are in time order, start with the step it began in and end with its step.
bool stepsTimed(const QJsonObject &journal)
{
    const double started = journal.value(QStringLiteral("started_ms")).toDouble();
    const double ended = journal.value(QStringLiteral("ended_ms")).toDouble();
    if (started <= 0 || ended < started)
        return false;
    for (const QJsonValue &v : journal.value(QStringLiteral("nodes")).toArray()) {
        const QJsonArray steps = v.toObject().value(QStringLiteral("steps")).toArray();
        if (steps.isEmpty() || steps.last().toObject().value(QStringLiteral("step")) != v.toObject().value(QStringLiteral("step")))
            return false;
        double previous = 0;
        for (const QJsonValue &s : steps) {
            const double at = s.toObject().value(QStringLiteral("at_ms")).toDouble();
            if (at < previous || at < started || at > ended)
                return false;
            previous = at;
        }
    }
    return true;
}

QStringList stepNames(const QJsonObject &node)
{
    QStringList names;
    for (const QJsonValue &s : node.value(QStringLiteral("steps")).toArray())
        names << s.toObject().value(QStringLiteral("step")).toString();
    return names;
}

} // namespace

class TestClusterHistory : public QObject
{
    Q_OBJECT
private:
    EtcdProcess m_etcd;

    int ctl(quint16 port, const QStringList &args, QString *out)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("SHARDSCOPE_URL"));
        env.remove(QStringLiteral("SHARDSCOPE_TOKEN"));
        p.setProcessEnvironment(env);
        p.start(qEnvironmentVariable("SHARDSCOPE_TEST_BINARY", QStringLiteral(SHARDSCOPE_BINARY)),
                QStringList{QStringLiteral("ctl"), QStringLiteral("--url"), QStringLiteral("http://127.0.0.1:%1").arg(port)} + args);
        if (!p.waitForFinished(30000))
            return -1;
        *out = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
        return p.exitCode();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_etcd.start(&error), qPrintable(error));
    }

    void a_rolling_restart_stopped_by_a_lost_node_is_resumed_once_it_is_back_and_completes()
    {
        const NodeSpec spec{m_etcd.urlText(), 2};
        Nodes nodes = coordinatedTrio(QStringLiteral("resume"), {spec, spec, spec});
        QVERIFY(!nodes.empty());
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 5000);
        const double before = versionOf(*nodes[0]);
        HttpTestClient admin("127.0.0.1", nodes[0]->port);

        // The order is a1, a2, z0: a2 stops (SIGSTOP) as a1 starts; its 2 s lease lapses within
        // a1's 4 s settle time, so a2 is lost when its turn comes: z0 goes on, and the restart
        // stops once a2 had its grace to come back.
        const auto accepted = admin.post("/v1/cluster/restart", R"({"grace_ms":300,"settle_ms":4000})");
        QCOMPARE(accepted.status, 202);
        const double first = restartIdOf(accepted);
        QTRY_COMPARE_WITH_TIMEOUT(stepIn(*nodes[0], QStringLiteral("a1")), QStringLiteral("restarting"), 10000);
        nodes[2]->signal(SIGSTOP);
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*nodes[0], first).isEmpty(), 30000);
        const QJsonObject stopped = finishedRestart(*nodes[0], first);
        QCOMPARE(stopped.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
        QCOMPARE(journalNode(stopped, QStringLiteral("a1")).value(QStringLiteral("step")).toString(), QStringLiteral("done"));
        // a2 was passed over while lost (z0 went on) and never touched.
        QCOMPARE(journalNode(stopped, QStringLiteral("a2")).value(QStringLiteral("step")).toString(), QStringLiteral("waiting"));

        // While a2 is away, preflight names it.
        const auto refused = admin.post("/v1/cluster/restart/resume", resumeBody(idText(first)));
        QCOMPARE(refused.status, 409);
        QVERIFY2(blockersOf(refused).contains(QStringLiteral("node a2 is lost")), refused.body.constData());

        nodes[2]->signal(SIGCONT);
        QTRY_VERIFY_WITH_TIMEOUT(formed(nodes), 10000);
        QString out;
        QCOMPARE(ctl(nodes[1]->port, {QStringLiteral("cluster"), QStringLiteral("resume"), idText(first)}, &out), 0);
        QVERIFY2(out.contains(QStringLiteral("resumes restart %1").arg(idText(first))), qPrintable(out));
        QTRY_VERIFY_WITH_TIMEOUT(nodes[0]->clusterStatus().value(QStringLiteral("last_restart")).toObject()
                                     .value(QStringLiteral("resumed_from")).toString() == idText(first), 30000);
        const QJsonObject resumed = nodes[0]->clusterStatus().value(QStringLiteral("last_restart")).toObject();
        QVERIFY2(resumed.value(QStringLiteral("state")).toString() == QLatin1String("completed"), dump(resumed).constData());
        QVERIFY(allOn(nodes, before + 1));
        const QJsonObject a1 = journalNode(resumed, QStringLiteral("a1"));
        QCOMPARE(a1.value(QStringLiteral("note")).toString(), QStringLiteral("done in restart %1").arg(idText(first)));
        QCOMPARE(stepNames(a1), QStringList{QStringLiteral("done")}); // never restarted again
        QVERIFY2(stepNames(journalNode(resumed, QStringLiteral("a2"))).contains(QStringLiteral("restarting")), dump(resumed).constData());

        // The history: both runs, newest first, with times.
        const auto list = admin.get("/v1/cluster/history");
        QCOMPARE(list.status, 200);
        const QJsonArray runs = list.json().value(QStringLiteral("runs")).toArray();
        QVERIFY2(runs.size() == 2, list.body.constData());
        QCOMPARE(runs[0].toObject().value(QStringLiteral("id")).toString(), resumed.value(QStringLiteral("id")).toString());
        QCOMPARE(runs[0].toObject().value(QStringLiteral("resumed_from")).toString(), idText(first));
        QCOMPARE(runs[0].toObject().value(QStringLiteral("nodes")).toInt(), 3);
        QCOMPARE(runs[1].toObject().value(QStringLiteral("id")).toString(), idText(first));
        QCOMPARE(runs[1].toObject().value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
        QVERIFY(runs[1].toObject().value(QStringLiteral("resumed_from")).isNull());
        const auto one = admin.get("/v1/cluster/history?id=" + idText(first).toLatin1());
        QCOMPARE(one.status, 200);
        QVERIFY2(stepsTimed(one.json()), one.body.constData());
        QCOMPARE(stepNames(journalNode(one.json(), QStringLiteral("a1"))).mid(0, 3),
                 (QStringList{QStringLiteral("waiting"), QStringLiteral("restarting"), QStringLiteral("settling")}));
        QVERIFY2(stepsTimed(admin.get("/v1/cluster/history?id=" + resumed.value(QStringLiteral("id")).toString().toLatin1()).json()),
                 dump(resumed).constData());
        QCOMPARE(ctl(nodes[2]->port, {QStringLiteral("cluster"), QStringLiteral("history")}, &out), 0);
        QVERIFY2(out.contains(idText(first)) && out.contains(QStringLiteral("resumes %1").arg(idText(first))), qPrintable(out));

        // The console's client reads the same history from the node it talks to.
        ClusterClient client(m_etcd.url(), QStringLiteral("resume"), QByteArray());
        QSignalSpy status(&client, &ClusterClient::statusReceived);
        QSignalSpy history(&client, &ClusterClient::historyReceived);
        client.start();
        QTRY_VERIFY_WITH_TIMEOUT(!status.isEmpty(), 5000);
        client.fetchHistory();
        QTRY_COMPARE_WITH_TIMEOUT(history.size(), 1, 5000);
        QCOMPARE(history[0][0].toString(), QString());
        QCOMPARE(history[0][1].toJsonObject().value(QStringLiteral("runs")).toArray().size(), 2);
        client.fetchHistoryRun(idText(first));
        QTRY_COMPARE_WITH_TIMEOUT(history.size(), 2, 5000);
        QCOMPARE(history[1][0].toString(), idText(first));
        QCOMPARE(history[1][1].toJsonObject().value(QStringLiteral("id")).toString(), idText(first));
        client.stop();

        // The routes' errors.
        for (const char *bad : {"/v1/cluster/history?limit=0", "/v1/cluster/history?limit=51", "/v1/cluster/history?id=x1",
                                "/v1/cluster/history?colour=red"})
            QCOMPARE(admin.get(bad).status, 400);
        const auto unknown = admin.get("/v1/cluster/history?id=42");
        QCOMPARE(unknown.status, 404);
        QVERIFY(!unknown.json().value(QStringLiteral("message")).toString().isEmpty());
        QCOMPARE(admin.post("/v1/cluster/restart/resume", "{}").status, 400);
        QCOMPARE(admin.post("/v1/cluster/restart/resume", resumeBody(QStringLiteral("42"))).status, 404);
        const auto older = admin.post("/v1/cluster/restart/resume", resumeBody(idText(first)));
        QCOMPARE(older.status, 409);
        QVERIFY2(blockersOf(older).contains(QStringLiteral("only the newest restart")), older.body.constData());
        const auto completed = admin.post("/v1/cluster/restart/resume", resumeBody(resumed.value(QStringLiteral("id")).toString()));
        QCOMPARE(completed.status, 409);
        QVERIFY2(blockersOf(completed).contains(QStringLiteral("ended completed")), completed.body.constData());

        // etcd gone: the history says so, and resume names it as the blocker.
        m_etcd.stop();
        const auto away = admin.get("/v1/cluster/history");
        QCOMPARE(away.status, 503);
        QVERIFY2(away.json().value(QStringLiteral("message")).toString().startsWith(QStringLiteral("etcd is not reachable")), away.body.constData());
        QTRY_COMPARE_WITH_TIMEOUT(nodes[0]->clusterStatus().value(QStringLiteral("etcd")).toString() != QLatin1String("ok"), true, 10000);
        const auto blind = admin.post("/v1/cluster/restart/resume", resumeBody(resumed.value(QStringLiteral("id")).toString()));
        QCOMPARE(blind.status, 409);
        QVERIFY2(blockersOf(blind).startsWith(QStringLiteral("etcd is not reachable")), blind.body.constData());
    }
};

QTEST_GUILESS_MAIN(TestClusterHistory)
#include "tst_cluster_history.moc"
