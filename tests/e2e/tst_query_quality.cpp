// What clients saw, per node, over a window (issue 26's node side): GET /v1/service/quality
// and the query metrics, checked against a known load on a real headless process; and the
// bad-version drill (POST /v1/faults {"fault": "bad_version"}), which applies only while
// the node serves its version.
#include "tests/support/HeadlessProcess.h"
#include "tests/support/HttpTestClient.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>

#include <memory>

using namespace shardscope::test;

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

// Returns once the wall clock is in a later second than `ms`: a window ending at `ms` and
// a load sent after this share no second (the record's resolution).
bool nextSecondAfter(qint64 ms)
{
    return QTest::qWaitFor([ms] { return nowMs() / 1000 > ms / 1000; }, 3000);
}

QByteArray echo(int i)
{
    return QByteArray(R"({"procedure":"echo","args":{"i":)") + QByteArray::number(i) + "}}";
}

QByteArray badVersion(int version, int ms, int failPercent)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("fault"), QStringLiteral("bad_version")}, {QStringLiteral("version"), version},
                                     {QStringLiteral("ms"), ms}, {QStringLiteral("fail_percent"), failPercent}})
        .toJson(QJsonDocument::Compact);
}

} // namespace

class TestQueryQuality : public QObject
{
    Q_OBJECT
private:
    QProcess m_process;
    std::unique_ptr<HttpTestClient> m_client;

    QJsonObject quality(qint64 from, qint64 to)
    {
        const auto r = m_client->get("/v1/service/quality?from_ms=" + QByteArray::number(from) + "&to_ms=" + QByteArray::number(to));
        if (r.status != 200)
            qWarning("quality: %d %s", r.status, r.body.constData());
        return r.json();
    }

    // Restarts the node (to `target`, or one up with 0) and waits until it serves that version.
    bool restartTo(int target)
    {
        const QByteArray body = target ? "{\"target_version\":" + QByteArray::number(target) + "}" : QByteArray();
        if (m_client->post("/v1/service/restart", body).status != 202)
            return false;
        return QTest::qWaitFor([&] {
            const auto ready = m_client->get("/v1/service/ready");
            return ready.status == 200 && ready.json().value(QStringLiteral("version")).toInt() == target;
        }, 30000);
    }

private Q_SLOTS:
    void init()
    {
        const quint16 port = startHeadless(m_process, {QStringLiteral("--shards"), QStringLiteral("2"), QStringLiteral("--enable-faults")});
        QVERIFY2(port, "the headless service did not come up");
        m_client = std::make_unique<HttpTestClient>("127.0.0.1", port);
    }

    void cleanup()
    {
        m_client.reset();
        m_process.kill();
        m_process.waitForFinished(5000);
    }

    void the_window_counts_replies_by_class_and_procedure_as_sent()
    {
        QCOMPARE(m_client->post("/v1/faults", badVersion(1, 0, 10)).status, 200);
        const qint64 from = nowMs();
        int failed = 0;
        for (int i = 0; i < 200; ++i) {
            const auto r = m_client->post("/v1/query", echo(i));
            QVERIFY2(r.status == 200 || r.status == 500, r.body.constData());
            if (r.status == 500) {
                ++failed;
                QCOMPARE(r.json().value(QStringLiteral("message")).toString(), QStringLiteral("drill: version 1 fails this query"));
            }
        }
        QCOMPARE(failed, 20); // query k of every 100 fails when k < 10
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(m_client->post("/v1/query", "{not json").status, 400);
            QCOMPARE(m_client->post("/v1/query", R"({"procedure":"no_such_procedure"})").status, 404);
        }
        const QJsonObject q = quality(from, nowMs());
        QCOMPARE(q.value(QStringLiteral("requests")).toInt(), 210);
        QCOMPARE(q.value(QStringLiteral("server_errors")).toInt(), 20);
        QCOMPARE(q.value(QStringLiteral("client_errors")).toInt(), 10);
        QCOMPARE(q.value(QStringLiteral("success_rate")).toDouble(), 100.0 * 190 / 210);
        QVERIFY(q.value(QStringLiteral("p50_ms")).toDouble() > 0);
        QVERIFY(q.value(QStringLiteral("p99_ms")).toDouble() >= q.value(QStringLiteral("p50_ms")).toDouble());
        QCOMPARE(q.value(QStringLiteral("versions")).toObject(), QJsonObject({{QStringLiteral("1"), 210}}));
        QVERIFY(!q.value(QStringLiteral("node")).toString().isEmpty());
        QVERIFY(q.value(QStringLiteral("covered_from_ms")).toDouble() <= double(from));
        const QJsonObject procedures = q.value(QStringLiteral("procedures")).toObject();
        QCOMPARE(procedures.keys(), QStringList({QStringLiteral("echo"), QStringLiteral("other")}));
        const QJsonObject e = procedures.value(QStringLiteral("echo")).toObject();
        QCOMPARE(e.value(QStringLiteral("requests")).toInt(), 200);
        QCOMPARE(e.value(QStringLiteral("server_errors")).toInt(), 20);
        QCOMPARE(e.value(QStringLiteral("client_errors")).toInt(), 0);
        const QJsonObject other = procedures.value(QStringLiteral("other")).toObject();
        QCOMPARE(other.value(QStringLiteral("requests")).toInt(), 10);
        QCOMPARE(other.value(QStringLiteral("client_errors")).toInt(), 10);

        // /metrics says the same since start.
        const QByteArray metrics = m_client->get("/metrics").body;
        QVERIFY(metrics.contains("shardscope_query_requests_total{procedure=\"echo\",class=\"2xx\"} 180\n"));
        QVERIFY(metrics.contains("shardscope_query_requests_total{procedure=\"echo\",class=\"5xx\"} 20\n"));
        QVERIFY(metrics.contains("shardscope_query_requests_total{procedure=\"other\",class=\"4xx\"} 10\n"));
        QVERIFY(metrics.contains("shardscope_query_duration_seconds_count{procedure=\"echo\"} 200\n"));
        QVERIFY(metrics.contains("shardscope_query_duration_seconds_bucket{procedure=\"echo\",le=\"+Inf\"} 200\n"));
    }

    void a_window_before_the_load_counts_nothing_and_says_so_with_nulls()
    {
        const qint64 before = nowMs();
        QVERIFY(nextSecondAfter(before));
        for (int i = 0; i < 20; ++i)
            QCOMPARE(m_client->post("/v1/query", echo(i)).status, 200);
        const QJsonObject empty = quality(before - 1000, before);
        QCOMPARE(empty.value(QStringLiteral("requests")).toInt(), 0);
        QVERIFY(empty.value(QStringLiteral("success_rate")).isNull());
        QVERIFY(empty.value(QStringLiteral("p50_ms")).isNull());
        QVERIFY(empty.value(QStringLiteral("p99_ms")).isNull());
        QCOMPARE(empty.value(QStringLiteral("versions")).toObject(), QJsonObject());
        QCOMPARE(empty.value(QStringLiteral("procedures")).toObject(), QJsonObject());
        QCOMPARE(empty.value(QStringLiteral("to_ms")).toDouble(), double(before));
        const QJsonObject after = quality(before + 1000 - before % 1000, nowMs());
        QCOMPARE(after.value(QStringLiteral("requests")).toInt(), 20);
        QCOMPARE(after.value(QStringLiteral("success_rate")).toDouble(), 100.0);
        // The default window is the last 10 s.
        const auto byDefault = m_client->get("/v1/service/quality");
        QCOMPARE(byDefault.status, 200);
        QCOMPARE(byDefault.json().value(QStringLiteral("requests")).toInt(), 20);
        const QJsonObject d = byDefault.json();
        QCOMPARE(d.value(QStringLiteral("to_ms")).toDouble() - d.value(QStringLiteral("from_ms")).toDouble(), 10000.0);
    }

    void bad_window_parameters_are_400_json_errors_data()
    {
        QTest::addColumn<QByteArray>("query");
        QTest::addColumn<QString>("says");
        QTest::newRow("from_ms not a number") << QByteArray("from_ms=abc") << QStringLiteral("epoch milliseconds");
        QTest::newRow("to_ms negative") << QByteArray("to_ms=-5") << QStringLiteral("epoch milliseconds");
        QTest::newRow("to_ms empty") << QByteArray("to_ms=") << QStringLiteral("epoch milliseconds");
        QTest::newRow("from after to") << QByteArray("from_ms=2000000000000&to_ms=1999999999999") << QStringLiteral("is after to_ms");
        QTest::newRow("a window wholly before what is kept") << QByteArray("from_ms=1000&to_ms=2000")
                                                             << QStringLiteral("before the oldest second kept");
    }

    void bad_window_parameters_are_400_json_errors()
    {
        QFETCH(QByteArray, query);
        QFETCH(QString, says);
        const auto r = m_client->get("/v1/service/quality?" + query);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json().value(QStringLiteral("code")).toInt(), 400);
        QVERIFY2(r.json().value(QStringLiteral("message")).toString().contains(says), r.body.constData());
    }

    void the_bad_version_drill_applies_only_while_the_node_serves_its_version()
    {
        QCOMPARE(m_client->post("/v1/faults", badVersion(2, 300, 50)).status, 200);
        const QJsonObject armed = m_client->get("/v1/faults").json().value(QStringLiteral("bad_version")).toObject();
        QCOMPARE(armed.value(QStringLiteral("version")).toInt(), 2);
        QCOMPARE(armed.value(QStringLiteral("ms")).toInt(), 300);
        QCOMPARE(armed.value(QStringLiteral("fail_percent")).toInt(), 50);

        const qint64 onV1 = nowMs();
        for (int i = 0; i < 10; ++i)
            QCOMPARE(m_client->post("/v1/query", echo(i)).status, 200);
        const QJsonObject healthy = quality(onV1, nowMs());
        QCOMPARE(healthy.value(QStringLiteral("server_errors")).toInt(), 0);
        QVERIFY2(healthy.value(QStringLiteral("p99_ms")).toDouble() < 250, "v1 is not the drill's version: no delay");

        QVERIFY(restartTo(2));
        QVERIFY(nextSecondAfter(nowMs()));
        const qint64 onV2 = nowMs();
        int failed = 0;
        for (int i = 0; i < 10; ++i) {
            const auto r = m_client->post("/v1/query", echo(i));
            failed += r.status == 500;
            QVERIFY2(r.status == 500 || r.json().value(QStringLiteral("version")).toInt() == 2, r.body.constData());
        }
        QCOMPARE(failed, 5);
        const QJsonObject bad = quality(onV2, nowMs());
        QCOMPARE(bad.value(QStringLiteral("requests")).toInt(), 10);
        QCOMPARE(bad.value(QStringLiteral("server_errors")).toInt(), 5);
        QCOMPARE(bad.value(QStringLiteral("success_rate")).toDouble(), 50.0);
        QCOMPARE(bad.value(QStringLiteral("versions")).toObject(), QJsonObject({{QStringLiteral("2"), 10}}));
        // The five that succeed waited 300 ms (the estimate is within 9.6%); the failures did not.
        QVERIFY2(bad.value(QStringLiteral("p99_ms")).toDouble() >= 300 / 1.1, qPrintable(QString::number(bad.value(QStringLiteral("p99_ms")).toDouble())));

        QVERIFY(restartTo(1));
        QVERIFY(nextSecondAfter(nowMs()));
        const qint64 backOnV1 = nowMs();
        for (int i = 0; i < 10; ++i)
            QCOMPARE(m_client->post("/v1/query", echo(i)).status, 200);
        const QJsonObject again = quality(backOnV1, nowMs());
        QCOMPARE(again.value(QStringLiteral("server_errors")).toInt(), 0);
        QCOMPARE(again.value(QStringLiteral("versions")).toObject(), QJsonObject({{QStringLiteral("1"), 10}}));
        QVERIFY(again.value(QStringLiteral("p99_ms")).toDouble() < 250);

        QCOMPARE(m_client->post("/v1/faults", R"({"fault":"clear"})").status, 200);
        QVERIFY(m_client->get("/v1/faults").json().value(QStringLiteral("bad_version")).isNull());
    }

    void a_bad_version_drill_with_bad_values_is_refused_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("says");
        QTest::newRow("version 0") << QByteArray(R"({"fault":"bad_version","version":0,"ms":10})") << QStringLiteral("\"version\"");
        QTest::newRow("no version") << QByteArray(R"({"fault":"bad_version","ms":10})") << QStringLiteral("\"version\"");
        QTest::newRow("ms too long") << QByteArray(R"({"fault":"bad_version","version":2,"ms":10001})") << QStringLiteral("\"ms\"");
        QTest::newRow("percent over 100") << QByteArray(R"({"fault":"bad_version","version":2,"fail_percent":101})")
                                          << QStringLiteral("\"fail_percent\"");
        QTest::newRow("percent not whole") << QByteArray(R"({"fault":"bad_version","version":2,"fail_percent":2.5})")
                                           << QStringLiteral("\"fail_percent\"");
        QTest::newRow("nothing to do") << QByteArray(R"({"fault":"bad_version","version":2,"ms":0,"fail_percent":0})")
                                       << QStringLiteral("would change nothing");
    }

    void a_bad_version_drill_with_bad_values_is_refused()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, says);
        const auto r = m_client->post("/v1/faults", body);
        QCOMPARE(r.status, 400);
        QVERIFY2(r.json().value(QStringLiteral("message")).toString().contains(says), r.body.constData());
        QVERIFY(m_client->get("/v1/faults").json().value(QStringLiteral("bad_version")).isNull());
    }
};

QTEST_GUILESS_MAIN(TestQueryQuality)
#include "tst_query_quality.moc"
