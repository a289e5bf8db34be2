// The audit file across processes, with the real headless binary: an accepted restart is
// on disk before it runs (a kill -9 mid-drain leaves its "started" line), and the next
// process on the same file serves the old entries and continues after the highest id.
#include "tests/support/HeadlessProcess.h"
#include "tests/support/JsonLines.h"
#include "tests/support/HttpTestClient.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <thread>

using namespace shardscope::test;

namespace {

QString text(const QJsonObject &o, const char *key) { return o.value(QLatin1String(key)).toString(); }
int number(const QJsonObject &o, const char *key) { return o.value(QLatin1String(key)).toInt(); }

QJsonObject shards(HttpTestClient &c) { return c.get("/v1/service/shards").json(); }

int inFlight(HttpTestClient &c)
{
    int n = 0;
    for (const QJsonValue &s : shards(c).value(QStringLiteral("shards")).toArray())
        n += s.toObject().value(QStringLiteral("in_flight")).toInt();
    return n;
}

} // namespace

class TestAuditRestart : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void a_restart_killed_mid_drain_leaves_its_started_line_and_the_next_process_continues()
    {
        QTemporaryDir dir;
        const QString audit = dir.filePath(QStringLiteral("audit.jsonl"));
        const QStringList args{QStringLiteral("--shards"), QStringLiteral("2"), QStringLiteral("--audit-file"), audit};

        QProcess first;
        const quint16 port = startHeadless(first, args);
        if (port == 0) // stderr is read only on failure: a later check may need it
            QFAIL(first.readAllStandardError().constData());
        // A 20 s sleep in flight on shard 0 holds the drain (a spin would hold prepare).
        std::thread sleeper([port] {
            HttpTestClient c("127.0.0.1", port, 30000);
            c.post("/v1/query", R"({"procedure":"sleep","args":{"ms":20000},"shard":0})");
        });
        HttpTestClient admin("127.0.0.1", port);
        QVERIFY(QTest::qWaitFor([&] { return inFlight(admin) == 1; }, 5000));
        const auto accepted = admin.post("/v1/service/restart", R"({"drain_timeout_ms":30000})");
        QCOMPARE(accepted.status, 202);
        const int restartId = accepted.json().value(QStringLiteral("restart_id")).toInt();
        QVERIFY(restartId > 0);
        QVERIFY(QTest::qWaitFor([&] { return text(shards(admin), "phase") == QLatin1String("draining"); }, 5000));

        first.kill(); // SIGKILL: nothing runs after this
        QVERIFY(first.waitForFinished(5000));
        sleeper.join();
        QList<QJsonObject> lines = jsonLines(audit);
        QCOMPARE(lines.size(), 1);
        QCOMPARE(text(lines.at(0), "command"), QStringLiteral("restart"));
        QCOMPARE(text(lines.at(0), "outcome"), QStringLiteral("started"));
        QCOMPARE(number(lines.at(0), "operation_id"), restartId);
        QVERIFY(text(lines.at(0), "client").startsWith(QStringLiteral("127.0.0.1:")));

        QProcess second;
        const quint16 port2 = startHeadless(second, args);
        if (port2 == 0) // stderr is read only on failure: a later check may need it
            QFAIL(second.readAllStandardError().constData());
        HttpTestClient admin2("127.0.0.1", port2);
        QJsonArray entries = admin2.get("/v1/service/audit").json().value(QStringLiteral("entries")).toArray();
        QCOMPARE(entries.size(), 1);
        QCOMPARE(number(entries.at(0).toObject(), "operation_id"), restartId);
        QCOMPARE(text(entries.at(0).toObject(), "outcome"), QStringLiteral("interrupted"));

        const auto next = admin2.post("/v1/service/restart");
        QCOMPARE(next.status, 202);
        QCOMPARE(next.json().value(QStringLiteral("restart_id")).toInt(), restartId + 1);
        QVERIFY(QTest::qWaitFor([&] {
            entries = admin2.get("/v1/service/audit").json().value(QStringLiteral("entries")).toArray();
            return entries.size() == 2 && text(entries.at(1).toObject(), "outcome") == QLatin1String("completed");
        }, 10000));
        QCOMPARE(number(entries.at(1).toObject(), "operation_id"), restartId + 1);

        second.terminate();
        QVERIFY(second.waitForFinished(10000));
        QCOMPARE(second.exitCode(), 0);
        // started, interrupted (written by the second process), started, completed
        lines = jsonLines(audit);
        QStringList outcomes;
        for (const QJsonObject &l : lines)
            outcomes << QStringLiteral("%1:%2").arg(number(l, "operation_id")).arg(text(l, "outcome"));
        const QStringList expected{QStringLiteral("%1:started").arg(restartId), QStringLiteral("%1:interrupted").arg(restartId),
                                   QStringLiteral("%1:started").arg(restartId + 1), QStringLiteral("%1:completed").arg(restartId + 1)};
        QCOMPARE(outcomes, expected);
    }
};

QTEST_GUILESS_MAIN(TestAuditRestart)
#include "tst_audit_restart.moc"
