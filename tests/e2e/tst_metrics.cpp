// GET /metrics is valid Prometheus text exposition and counts what happened. Checked by
// `promtool check metrics` when it is installed, and by this file's own reader always.
#include "tests/support/ServiceFixture.h"

#include "backend/record/ServiceMetrics.h"

#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTest>

#include <thread>

using namespace shardscope;
using namespace shardscope::test;

namespace {

struct Exposition {
    QMap<QString, QString> types;          // family -> type
    QMap<QString, double> samples;         // "name{labels}" -> value
    QStringList problems;
};

// Reads the text format: HELP and TYPE before samples, one sample a line, known types,
// histogram buckets that never decrease and end in +Inf equal to _count.
Exposition read(const QByteArray &text)
{
    Exposition e;
    static const QRegularExpression sample(QStringLiteral(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (-?[0-9.e+-]+|\+Inf|NaN)$)"));
    QSet<QString> helped;
    for (const QByteArray &raw : text.split('\n')) {
        const QString line = QString::fromUtf8(raw);
        if (line.isEmpty())
            continue;
        if (line.startsWith(QLatin1String("# HELP "))) {
            helped.insert(line.section(QLatin1Char(' '), 2, 2));
            continue;
        }
        if (line.startsWith(QLatin1String("# TYPE "))) {
            const QString family = line.section(QLatin1Char(' '), 2, 2);
            const QString type = line.section(QLatin1Char(' '), 3, 3);
            if (!QStringList{QStringLiteral("counter"), QStringLiteral("gauge"), QStringLiteral("histogram")}.contains(type))
                e.problems << QStringLiteral("unknown type: ") + line;
            if (!helped.contains(family))
                e.problems << QStringLiteral("TYPE without HELP: ") + family;
            e.types[family] = type;
            continue;
        }
        const auto m = sample.match(line);
        if (!m.hasMatch()) {
            e.problems << QStringLiteral("not a sample: ") + line;
            continue;
        }
        QString family = m.captured(1);
        for (const char *suffix : {"_bucket", "_sum", "_count"}) {
            if (!e.types.contains(family) && family.endsWith(QLatin1String(suffix)))
                family.chop(qsizetype(qstrlen(suffix)));
        }
        if (!e.types.contains(family))
            e.problems << QStringLiteral("sample before its TYPE: ") + line;
        e.samples[m.captured(1) + m.captured(2)] = m.captured(3) == QLatin1String("+Inf") ? qInf() : m.captured(3).toDouble();
    }
    return e;
}

} // namespace

class TestMetrics : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void metrics_are_valid_exposition_and_count_restarts_replies_and_phases()
    {
        ServiceFixture f(ServiceFixture::smallConfig(3));
        QVERIFY(f.ok());
        auto client = f.client();
        for (int i = 0; i < 5; ++i)
            QCOMPARE(client->post("/v1/query", R"({"procedure":"echo"})").status, 200);
        QCOMPARE(client->post("/v1/query", R"({"procedure":"nope"})").status, 404);
        QCOMPARE(client->post("/v1/query", R"({"procedure":"degree","args":{"v":-1}})").status, 400);
        QCOMPARE(client->post("/v1/service/restart").status, 202);
        QVERIFY(f.waitIdle());
        QCOMPARE(client->post("/v1/service/restart", R"({"mode":"legacy"})").status, 202);
        QVERIFY(f.waitIdle());
        QCOMPARE(client->post("/v1/query", R"({"procedure":"echo","shard":2})").status, 503);

        const auto r = client->get("/metrics");
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("Content-Type").startsWith("text/plain; version=0.0.4"));
        const Exposition e = read(r.body);
        QVERIFY2(e.problems.isEmpty(), qPrintable(e.problems.join(QLatin1Char('\n'))));

        QCOMPARE(e.types.value(QStringLiteral("shardscope_restart_phase_duration_seconds")), QStringLiteral("histogram"));
        QCOMPARE(e.samples.value(QStringLiteral(R"(shardscope_restarts_total{mode="phased",outcome="completed"})")), 1.0);
        QCOMPARE(e.samples.value(QStringLiteral(R"(shardscope_restarts_total{mode="legacy",outcome="failed"})")), 1.0); // judged by the canceled shards it leaves
        QCOMPARE(e.samples.value(QStringLiteral(R"(shardscope_replies_total{cause="ok"})")), 5.0);
        QCOMPARE(e.samples.value(QStringLiteral(R"(shardscope_replies_total{cause="not_found"})")), 1.0);
        QCOMPARE(e.samples.value(QStringLiteral(R"(shardscope_replies_total{cause="bad_request"})")), 1.0);
        QCOMPARE(e.samples.value(QStringLiteral(R"(shardscope_replies_total{cause="unavailable"})")), 1.0);
        // After the legacy restart only shard 0 serves (v3): one version serving, yet not ready.
        QCOMPARE(e.samples.value(QStringLiteral("shardscope_version_skew")), 1.0);
        QCOMPARE(e.samples.value(QStringLiteral("shardscope_service_ready")), 0.0);
        QCOMPARE(e.samples.value(QStringLiteral(R"(shardscope_shard_state{shard="1",state="canceled"})")), 1.0);
        // The drain phase of the phased restart: buckets never decrease and +Inf == count.
        double previous = 0;
        for (double le : ServiceMetrics::kPhaseBucketsMs) {
            const double v = e.samples.value(QStringLiteral(R"(shardscope_restart_phase_duration_seconds_bucket{phase="draining",le="%1"})")
                                                 .arg(le / 1000.0));
            QVERIFY(v >= previous);
            previous = v;
        }
        QCOMPARE(e.samples.value(QStringLiteral(R"(shardscope_restart_phase_duration_seconds_bucket{phase="draining",le="+Inf"})")),
                 e.samples.value(QStringLiteral(R"(shardscope_restart_phase_duration_seconds_count{phase="draining"})")));

        const QString promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
        if (promtool.isEmpty())
            QSKIP("promtool is not installed (Debian package prometheus); the exposition was checked by this test's reader");
        QProcess check;
        check.start(promtool, {QStringLiteral("check"), QStringLiteral("metrics")});
        check.write(r.body);
        check.closeWriteChannel();
        QVERIFY(check.waitForFinished(30000));
        QVERIFY2(check.exitCode() == 0, check.readAllStandardError().constData());
    }

    void hold_capacity_is_the_running_holds_else_the_default()
    {
        ServiceConfig config = ServiceFixture::smallConfig(2);
        config.restartDefaults.holdCapacity = 500;
        ServiceFixture f(config);
        QVERIFY(f.ok());
        auto client = f.client();
        auto metric = [&](const QString &name) { return read(client->get("/metrics").body).samples.value(name, -1); };
        QCOMPARE(metric(QStringLiteral("shardscope_hold_capacity")), 500.0);

        // A request in flight keeps the drain waiting, so the gate holds with the restart's capacity.
        std::thread sleeper([port = f.port()] {
            HttpTestClient c("127.0.0.1", port);
            c.post("/v1/query", R"({"procedure":"sleep","args":{"ms":3000},"shard":1})");
        });
        QVERIFY(QTest::qWaitFor([&] { return metric(QStringLiteral(R"(shardscope_shard_in_flight{shard="1"})")) == 1.0; }, 10000));
        QCOMPARE(client->post("/v1/service/restart", R"({"admission":"hold","hold_capacity":7})").status, 202);
        QVERIFY(QTest::qWaitFor([&] { return metric(QStringLiteral("shardscope_hold_capacity")) == 7.0; }, 10000));
        sleeper.join();
        QVERIFY(f.waitIdle());
        QCOMPARE(metric(QStringLiteral("shardscope_hold_capacity")), 500.0);
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
