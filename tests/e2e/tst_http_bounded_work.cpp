// Bounded work over real sockets: a full shard queue answers 503 with Retry-After, a
// deadline_ms out of range is a 400, a missed deadline is a clear error, and the request
// ledger balances afterwards.
#include "tests/support/ServiceFixture.h"

#include <QTest>

#include <thread>

using namespace shardscope;
using namespace shardscope::test;

namespace {

ShardSnapshot shardOf(ServiceFixture &f, ShardId id)
{
    return f.service().snapshot().shards[std::size_t(id)];
}

// Posts `body` on its own connection and thread; the reply's status lands in `status`.
std::thread postInBackground(quint16 port, QByteArray body, std::atomic<int> *status)
{
    return std::thread([port, body = std::move(body), status] {
        HttpTestClient client("127.0.0.1", port);
        status->store(client.post("/v1/query", body).status);
    });
}

} // namespace

class TestHttpBoundedWork : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void a_deadline_out_of_range_is_a_400_naming_the_range()
    {
        ServiceFixture f(ServiceFixture::smallConfig(2));
        QVERIFY2(f.ok(), qPrintable(f.error()));
        auto client = f.client();
        for (const QByteArray deadline : {"0", "300001", "-1", "1.5", "\"10\""}) {
            const auto r = client->post("/v1/query", R"({"procedure":"echo","deadline_ms":)" + deadline + "}");
            QCOMPARE(r.status, 400);
            QCOMPARE(r.json().value(QStringLiteral("message")).toString(),
                     QStringLiteral("\"deadline_ms\" must be an integer in [1, 300000]"));
        }
        QCOMPARE(client->post("/v1/query", R"({"procedure":"echo","deadline_ms":300000})").status, 200);
    }

    void a_full_shard_queue_is_a_503_with_retry_after()
    {
        ServiceConfig config = ServiceFixture::smallConfig(2);
        config.queueLimit = 1;
        ServiceFixture f(config);
        QVERIFY2(f.ok(), qPrintable(f.error()));
        std::atomic<int> spinStatus{0};
        std::atomic<int> queuedStatus{0};
        std::thread spin = postInBackground(f.port(), R"({"procedure":"spin","args":{"ms":1500},"shard":0})", &spinStatus);
        QVERIFY(QTest::qWaitFor([&] { return shardOf(f, 0).inFlight == 1 && shardOf(f, 0).queueDepth == 0; }, 5000));
        std::thread queued = postInBackground(f.port(), R"({"procedure":"echo","shard":0})", &queuedStatus);
        QVERIFY(QTest::qWaitFor([&] { return shardOf(f, 0).queueDepth == 1; }, 5000));

        auto client = f.client();
        const auto r = client->post("/v1/query", R"({"procedure":"echo","shard":0})");
        QCOMPARE(r.status, 503);
        QCOMPARE(r.header("Retry-After"), QByteArray("1"));
        QCOMPARE(r.json().value(QStringLiteral("message")).toString(),
                 QStringLiteral("shard 0's queue is full (limit 1); retry later"));
        QCOMPARE(client->post("/v1/query", R"({"procedure":"echo","shard":1})").status, 200); // shard 1 has room
        spin.join();
        queued.join();
        QCOMPARE(spinStatus.load(), 200);
        QCOMPARE(queuedStatus.load(), 200);
        QVERIFY(f.ledgerBalances());
        QCOMPARE(f.service().ledger().refused, 1u);
    }

    void a_missed_deadline_is_an_error_that_says_so_and_frees_the_shard()
    {
        ServiceFixture f(ServiceFixture::smallConfig(2));
        QVERIFY2(f.ok(), qPrintable(f.error()));
        auto client = f.client();
        const auto sleeping = client->post("/v1/query", R"({"procedure":"sleep","args":{"ms":60000},"shard":1,"deadline_ms":200})");
        QVERIFY2(sleeping.status == 504, sleeping.body.constData());
        QVERIFY2(sleeping.json().value(QStringLiteral("message")).toString().startsWith(QLatin1String("deadline exceeded after ")),
                 sleeping.body.constData());
        const auto spinning = client->post("/v1/query", R"({"procedure":"spin","args":{"ms":10000},"shard":0,"deadline_ms":200})");
        QVERIFY2(spinning.status == 504, spinning.body.constData());
        QVERIFY2(spinning.json().value(QStringLiteral("message")).toString().startsWith(QLatin1String("deadline exceeded: spin stopped")),
                 spinning.body.constData());
        QCOMPARE(client->post("/v1/query", R"({"procedure":"echo","shard":0})").status, 200);
        QVERIFY(f.ledgerBalances());
        QCOMPARE(f.service().ledger().refused, 2u);
    }
};

QTEST_GUILESS_MAIN(TestHttpBoundedWork)
#include "tst_http_bounded_work.moc"
