// Long work cannot hold the service, over real sockets: a short query on an idle shard is
// answered while long spins run, a forced drain cancels a running query at its timeout,
// and a client that closes its connection takes its work (and its connection slot) with it.
#include "tests/support/RawHttp.h"
#include "tests/support/ServiceFixture.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QTest>

#include <memory>
#include <vector>

using namespace shardscope;
using namespace shardscope::test;

namespace {

constexpr int kLongSpinMs = 5000;

QByteArray post(const QByteArray &path, const QByteArray &body)
{
    return "POST " + path + " HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

QByteArray queryOn(const char *procedure, int ms, int shard)
{
    return post("/v1/query", QByteArray(R"({"procedure":")") + procedure + R"(","args":{"ms":)" + QByteArray::number(ms)
                                 + R"(},"shard":)" + QByteArray::number(shard) + '}');
}

std::uint32_t inFlight(ServiceFixture &f)
{
    std::uint32_t n = 0;
    for (const ShardSnapshot &s : f.service().snapshot().shards)
        n += s.inFlight;
    return n;
}

// Shards 0..n-1 each hold one request that has left its queue (it runs or waits).
bool running(ServiceFixture &f, int n)
{
    return QTest::qWaitFor([&] {
        const ServiceSnapshot snap = f.service().snapshot();
        for (int s = 0; s < n; ++s) {
            if (snap.shards[std::size_t(s)].inFlight != 1 || snap.shards[std::size_t(s)].queueDepth != 0)
                return false;
        }
        return true;
    }, 5000);
}

// Nothing has come back on `c` yet: its query still runs.
bool unanswered(RawConnection &c)
{
    return !c.read(0).has_value();
}

std::optional<ServiceEvent> drainEnded(ServiceFixture &f, std::uint64_t restartId)
{
    for (const ServiceEvent &e : f.service().events().since(0, 100000)) {
        if (e.kind == EventKind::PhaseEnded && e.restartId == restartId && e.phase == ServicePhase::Draining)
            return e;
    }
    return std::nullopt;
}

ServiceConfig sixteenShards(bool faults = false)
{
    ServiceConfig config = ServiceFixture::smallConfig(16);
    config.enableFaults = faults;
    return config;
}

} // namespace

class TestLongWork : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void an_echo_on_an_idle_shard_is_answered_while_six_long_spins_run_data()
    {
        QTest::addColumn<bool>("pipelined");
        QTest::newRow("six connections") << false;
        QTest::newRow("one connection pipelining six spins") << true;
    }
    void an_echo_on_an_idle_shard_is_answered_while_six_long_spins_run()
    {
        QFETCH(bool, pipelined);
        ServiceFixture f(sixteenShards());
        QVERIFY2(f.ok(), qPrintable(f.error()));
        std::vector<std::unique_ptr<RawConnection>> spins;
        if (pipelined) {
            QByteArray all;
            for (int s = 0; s < 6; ++s)
                all += queryOn("spin", kLongSpinMs, s);
            spins.push_back(std::make_unique<RawConnection>(f.port()));
            QVERIFY(spins.back()->send(all));
        } else {
            for (int s = 0; s < 6; ++s) {
                spins.push_back(std::make_unique<RawConnection>(f.port()));
                QVERIFY(spins.back()->send(queryOn("spin", kLongSpinMs, s)));
            }
        }
        QVERIFY2(running(f, 6), "the six spins never all started");
        auto client = f.client();
        QElapsedTimer took;
        took.start();
        const auto echo = client->post("/v1/query", R"({"procedure":"echo","args":{"n":15},"shard":15})");
        const qint64 ms = took.elapsed();
        QCOMPARE(echo.status, 200);
        // Not a tight bound: the point is that no spin had to end first.
        for (auto &c : spins)
            QVERIFY2(unanswered(*c), qPrintable(QStringLiteral("a spin ended before the echo was answered (%1 ms)").arg(ms)));
        QVERIFY2(running(f, 6), "a spin ended before the echo was answered");
        qInfo("echo on idle shard 15 answered in %lld ms while six %d ms spins ran", (long long)ms, kLongSpinMs);
        // Per-shard order still holds: a query queued behind a spin waits for it.
        RawConnection behind(f.port());
        QVERIFY(behind.send(post("/v1/query", R"({"procedure":"echo","args":{},"shard":0})")));
        QVERIFY(QTest::qWaitFor([&] { return f.service().snapshot().shards[0].queueDepth == 1; }, 5000));
        QVERIFY(unanswered(behind));
    }

    void a_forced_drain_cancels_a_running_query_at_its_timeout()
    {
        ServiceFixture f(sixteenShards());
        QVERIFY2(f.ok(), qPrintable(f.error()));
        RawConnection spin(f.port());
        QVERIFY(spin.send(queryOn("spin", 6000, 0)));
        QVERIFY(running(f, 1));
        auto admin = f.client();
        QElapsedTimer took;
        took.start();
        const auto accepted = admin->post("/v1/service/restart", R"({"drain_timeout_ms":1000,"drain_policy":"force"})");
        QCOMPARE(accepted.status, 202);
        const auto restartId = std::uint64_t(accepted.json().value(QStringLiteral("restart_id")).toDouble());
        // Held at the closed gate, then answered on the new version.
        QVERIFY(QTest::qWaitFor([&] { return f.service().snapshot().phase == ServicePhase::Draining; }, 5000));
        RawConnection held(f.port());
        QVERIFY(held.send(post("/v1/query", R"({"procedure":"echo","args":{},"shard":3})")));
        ServiceEvent finished;
        QVERIFY(f.waitRestartFinished(restartId, &finished));
        const qint64 restartMs = took.elapsed();
        QCOMPARE(finished.outcome, QStringLiteral("completed"));
        const auto spinReply = spin.read();
        QVERIFY(spinReply);
        QCOMPARE(spinReply->status, 503);
        const QString why = QJsonDocument::fromJson(spinReply->body).object().value(QStringLiteral("message")).toString();
        QVERIFY2(why.contains(QLatin1String("forced its drain")), qPrintable(why));
        const auto heldReply = held.read();
        QVERIFY(heldReply);
        QCOMPARE(heldReply->status, 200);
        QCOMPARE(QJsonDocument::fromJson(heldReply->body).object().value(QStringLiteral("version")).toInt(), 2);
        // The spin would have run 6 s: the restart ended near its 1 s drain timeout instead.
        QVERIFY2(restartMs < 4500, qPrintable(QString::number(restartMs)));
        const auto drain = drainEnded(f, restartId);
        QVERIFY(drain);
        QCOMPARE(drain->outcome, QStringLiteral("forced"));
        QVERIFY2(drain->message.contains(QLatin1String("canceled 1 request with 503 (1 running, 0 queued, 0 waiting)")),
                 qPrintable(drain->message));
        QVERIFY(f.ledgerBalances());
    }

    void a_stuck_query_whose_client_closed_leaves_nothing_in_flight()
    {
        ServiceFixture f(sixteenShards(true));
        QVERIFY2(f.ok(), qPrintable(f.error()));
        auto admin = f.client();
        QCOMPARE(admin->post("/v1/faults", R"({"fault":"stuck","shard":1})").status, 200);
        const auto refusedBefore = f.service().ledger().refused;
        {
            RawConnection stuck(f.port());
            QVERIFY(stuck.send(queryOn("echo", 0, 1)));
            QVERIFY(QTest::qWaitFor([&] { return inFlight(f) == 1; }, 5000));
        } // the client closes its connection
        QVERIFY2(QTest::qWaitFor([&] { return inFlight(f) == 0; }, 3000),
                 "the stuck query stayed in flight after its client left");
        QCOMPARE(f.service().ledger().refused, refusedBefore + 1);
        // A default restart's drain has nothing to wait for.
        const auto accepted = admin->post("/v1/service/restart");
        ServiceEvent finished;
        QVERIFY(f.waitRestartFinished(std::uint64_t(accepted.json().value(QStringLiteral("restart_id")).toDouble()), &finished));
        QCOMPARE(finished.outcome, QStringLiteral("completed"));
        QVERIFY(f.ledgerBalances());
    }

    void clients_that_close_while_sleeping_free_their_slots_at_once()
    {
        ConnectionGuard::Limits limits;
        limits.maxConnections = 48;
        limits.maxPerAddress = 48;
        ServiceFixture f(sixteenShards(), {}, limits);
        QVERIFY2(f.ok(), qPrintable(f.error()));
        std::vector<std::unique_ptr<RawConnection>> sleepers;
        for (int i = 0; i < limits.maxPerAddress; ++i) {
            sleepers.push_back(std::make_unique<RawConnection>(f.port()));
            QVERIFY(sleepers.back()->send(queryOn("sleep", 30000, i % 16)));
        }
        QVERIFY(QTest::qWaitFor([&] { return inFlight(f) == std::uint32_t(limits.maxPerAddress); }, 5000));
        // Every slot is busy: a health check is turned away (what the clients' leaving must undo).
        QCOMPARE(HttpTestClient("127.0.0.1", f.port()).get("/v1/service/ready").status, 503);
        const auto refusedBefore = f.service().ledger().refused;
        sleepers.clear(); // every client closes its socket
        QVERIFY2(QTest::qWaitFor([&] { return inFlight(f) == 0; }, 3000), "the sleeping queries outlived their clients");
        int status = 0;
        QVERIFY2(QTest::qWaitFor([&] {
            status = HttpTestClient("127.0.0.1", f.port(), 2000).get("/v1/service/ready").status;
            return status == 200;
        }, 3000), qPrintable(QStringLiteral("ready still answers %1 after every client left").arg(status)));
        QCOMPARE(f.service().ledger().refused, refusedBefore + std::uint64_t(limits.maxPerAddress));
        QVERIFY(f.ledgerBalances());
    }
};

QTEST_GUILESS_MAIN(TestLongWork)
#include "tst_long_work.moc"
