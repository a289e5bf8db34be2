// The HTTP API answers every kind of bad input with a JSON error and a fitting status,
// and keeps serving good queries afterwards.
#include "tests/support/ServiceFixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace shardscope;
using namespace shardscope::test;

class TestHttpApi : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<ServiceFixture> m_fixture;

    void expectEchoStillWorks(HttpTestClient &client)
    {
        const auto r = client.post("/v1/query", R"({"procedure":"echo","args":{"still":"alive"}})");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(QStringLiteral("result")).toObject().value(QStringLiteral("still")).toString(),
                 QStringLiteral("alive"));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_fixture = std::make_unique<ServiceFixture>(ServiceFixture::smallConfig(4));
        QVERIFY2(m_fixture->ok(), qPrintable(m_fixture->error()));
    }
    void cleanupTestCase() { m_fixture.reset(); }

    void a_query_reply_names_the_shard_and_version_that_served_it()
    {
        auto client = m_fixture->client();
        for (int shard = 0; shard < 4; ++shard) {
            const auto r = client->postJson("/v1/query", QJsonObject{{QStringLiteral("procedure"), QStringLiteral("degree")},
                                                                     {QStringLiteral("args"), QJsonObject{{QStringLiteral("v"), 3}}},
                                                                     {QStringLiteral("shard"), shard}});
            QCOMPARE(r.status, 200);
            QCOMPARE(r.json().value(QStringLiteral("shard")).toInt(), shard);
            QCOMPARE(r.json().value(QStringLiteral("version")).toInt(), 1);
            QVERIFY(r.json().value(QStringLiteral("result")).toObject().contains(QStringLiteral("degree")));
        }
    }

    void unpinned_queries_are_spread_round_robin_over_all_shards()
    {
        auto client = m_fixture->client();
        QSet<int> seen;
        for (int i = 0; i < 8; ++i)
            seen.insert(client->post("/v1/query", R"({"procedure":"echo"})").json().value(QStringLiteral("shard")).toInt());
        QCOMPARE(seen.size(), 4);
    }

    void bad_input_gets_a_json_error_and_the_service_keeps_answering_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("malformed JSON") << QByteArray("POST") << QByteArray("/v1/query") << QByteArray("{\"procedure\": ") << 400 << QStringLiteral("malformed JSON");
        QTest::newRow("body is an array") << QByteArray("POST") << QByteArray("/v1/query") << QByteArray("[1,2]") << 400 << QStringLiteral("JSON object");
        QTest::newRow("empty body") << QByteArray("POST") << QByteArray("/v1/query") << QByteArray() << 400 << QStringLiteral("malformed JSON");
        QTest::newRow("procedure is a number") << QByteArray("POST") << QByteArray("/v1/query") << QByteArray(R"({"procedure":5})") << 400 << QStringLiteral("\"procedure\"");
        QTest::newRow("args is a string") << QByteArray("POST") << QByteArray("/v1/query") << QByteArray(R"({"procedure":"echo","args":"x"})") << 400 << QStringLiteral("\"args\"");
        QTest::newRow("shard out of range") << QByteArray("POST") << QByteArray("/v1/query") << QByteArray(R"({"procedure":"echo","shard":4})") << 400 << QStringLiteral("\"shard\" must be an integer in [0, 3]");
        QTest::newRow("shard not an integer") << QByteArray("POST") << QByteArray("/v1/query") << QByteArray(R"({"procedure":"echo","shard":1.5})") << 400 << QStringLiteral("\"shard\"");
        QTest::newRow("vertex of the wrong type") << QByteArray("POST") << QByteArray("/v1/query") << QByteArray(R"({"procedure":"degree","args":{"v":"x"}})") << 400 << QStringLiteral("args.v");
        QTest::newRow("vertex out of range") << QByteArray("POST") << QByteArray("/v1/query") << QByteArray(R"({"procedure":"degree","args":{"v":1000}})") << 400 << QStringLiteral("args.v");
        QTest::newRow("unknown procedure") << QByteArray("POST") << QByteArray("/v1/query") << QByteArray(R"({"procedure":"drop_tables"})") << 404 << QStringLiteral("unknown procedure 'drop_tables'");
        QTest::newRow("unknown path") << QByteArray("GET") << QByteArray("/v2/nothing") << QByteArray() << 404 << QStringLiteral("no such path");
        QTest::newRow("GET on the query path") << QByteArray("GET") << QByteArray("/v1/query") << QByteArray() << 405 << QStringLiteral("POST only");
        QTest::newRow("POST on status") << QByteArray("POST") << QByteArray("/v1/service/status") << QByteArray() << 405 << QStringLiteral("GET and HEAD only");
        QTest::newRow("restart with a bad mode") << QByteArray("POST") << QByteArray("/v1/service/restart") << QByteArray(R"({"mode":"sideways"})") << 400 << QStringLiteral("mode must be one of");
        QTest::newRow("restart with a negative timeout") << QByteArray("POST") << QByteArray("/v1/service/restart") << QByteArray(R"({"drain_timeout_ms":-1})") << 400 << QStringLiteral("drain_timeout_ms");
        QTest::newRow("restart with an unknown option") << QByteArray("POST") << QByteArray("/v1/service/restart") << QByteArray(R"({"colour":"red"})") << 400 << QStringLiteral("unknown restart option");
        QTest::newRow("restart body not JSON") << QByteArray("POST") << QByteArray("/v1/service/restart") << QByteArray("now please") << 400 << QStringLiteral("JSON object");
        QTest::newRow("events since not a number") << QByteArray("GET") << QByteArray("/v1/service/events?since=abc") << QByteArray() << 400 << QStringLiteral("since");
        QTest::newRow("abort with no restart running") << QByteArray("POST") << QByteArray("/v1/service/restart/abort") << QByteArray() << 409 << QStringLiteral("no restart is running");
    }
    void bad_input_gets_a_json_error_and_the_service_keeps_answering()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, messagePart);
        auto client = m_fixture->client();
        const auto r = client->request(method, path, body);
        QCOMPARE(r.status, status);
        QVERIFY2(r.header("Content-Type").startsWith("application/json"), r.header("Content-Type").constData());
        const QJsonObject error = r.json();
        QCOMPARE(error.value(QStringLiteral("code")).toInt(), status);
        QVERIFY2(error.value(QStringLiteral("message")).toString().contains(messagePart), r.body.constData());
        if (status == 405)
            QVERIFY(!r.header("Allow").isEmpty());
        expectEchoStillWorks(*client);
        QCOMPARE(m_fixture->service().snapshot().version, Version(1));
    }

    void a_body_over_one_mebibyte_gets_413()
    {
        auto client = m_fixture->client();
        const QByteArray huge = "{\"procedure\":\"echo\",\"args\":{\"pad\":\"" + QByteArray(1024 * 1024 + 10, 'x') + "\"}}";
        const auto r = client->post("/v1/query", huge);
        QCOMPARE(r.status, 413);
        QVERIFY(r.json().value(QStringLiteral("message")).toString().contains(QStringLiteral("exceeds the limit")));
        auto fresh = m_fixture->client();
        expectEchoStillWorks(*fresh);
    }

    void status_ready_shards_events_and_metrics_describe_the_service()
    {
        auto client = m_fixture->client();
        const auto status = client->get("/v1/service/status");
        QCOMPARE(status.status, 200);
        QCOMPARE(status.json().value(QStringLiteral("shard_num")).toInt(), 4);
        QCOMPARE(status.json().value(QStringLiteral("status")).toString(), QStringLiteral("running"));
        QCOMPARE(client->get("/v1/service/ready").status, 200);
        const auto shards = client->get("/v1/service/shards").json().value(QStringLiteral("shards")).toArray();
        QCOMPARE(shards.size(), 4);
        for (const auto &s : shards)
            QCOMPARE(s.toObject().value(QStringLiteral("state")).toString(), QStringLiteral("serving"));
        const auto events = client->get("/v1/service/events?since=0&limit=5").json();
        QVERIFY(events.value(QStringLiteral("events")).toArray().size() <= 5);
        QVERIFY(events.value(QStringLiteral("last_seq")).toInt() > 0);
        const auto metrics = client->get("/metrics");
        QCOMPARE(metrics.status, 200);
        QVERIFY(metrics.body.contains("shardscope_shard_state{shard=\"3\",state=\"serving\"} 1"));
        QVERIFY(metrics.body.contains("# TYPE shardscope_shard_processed_total counter"));
    }
};

QTEST_GUILESS_MAIN(TestHttpApi)
#include "tst_http_api.moc"
