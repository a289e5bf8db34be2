// Restarts driven over the real HTTP API: the seed's legacy failure, a phased restart
// under continuous load, the restart lock, and the reject admission policy.
#include "tests/support/ServiceFixture.h"

#include "backend/record/EventLog.h"
#include "backend/types/Clock.h"

#include <QJsonArray>
#include <QTest>

#include <atomic>
#include <thread>

using namespace shardscope;
using namespace shardscope::test;

namespace {

QJsonObject pinned(const char *procedure, int shard, QJsonObject args = {})
{
    return QJsonObject{{QStringLiteral("procedure"), QLatin1String(procedure)},
                       {QStringLiteral("shard"), shard},
                       {QStringLiteral("args"), args}};
}

std::uint64_t restartIdOf(const HttpTestClient::Response &r)
{
    return std::uint64_t(r.json().value(QStringLiteral("restart_id")).toDouble());
}

// What one client thread saw during a restart.
struct ClientLog {
    int sent = 0;
    int replied = 0;
    int failed = 0;
    QStringList failures;
    std::vector<std::pair<std::int64_t, int>> sendTimeAndVersion; // epoch ms at send, version served
};

} // namespace

class TestHttpRestart : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void a_legacy_restart_reproduces_the_seed_failure_on_shards_1_to_3()
    {
        ServiceFixture fixture(ServiceFixture::smallConfig(4));
        QVERIFY2(fixture.ok(), qPrintable(fixture.error()));
        auto client = fixture.client();
        const auto accepted = client->postJson("/v1/service/restart", QJsonObject{{QStringLiteral("mode"), QStringLiteral("legacy")}});
        QCOMPARE(accepted.status, 202);
        ServiceEvent finished;
        QVERIFY(fixture.waitRestartFinished(restartIdOf(accepted), &finished));

        const auto zero = client->postJson("/v1/query", pinned("echo", 0));
        QCOMPARE(zero.status, 200);
        QCOMPARE(zero.json().value(QStringLiteral("version")).toInt(), 2);
        for (int shard = 1; shard < 4; ++shard) {
            const auto r = client->postJson("/v1/query", pinned("echo", shard));
            QCOMPARE(r.status, 503);
            QCOMPARE(r.json().value(QStringLiteral("message")).toString(),
                     QStringLiteral("Unable to send message, the target actor has been canceled"));
            QCOMPARE(r.json().value(QStringLiteral("shard")).toInt(), shard);
        }
        QCOMPARE(client->get("/v1/service/ready").status, 503);
        const auto shards = client->get("/v1/service/shards").json().value(QStringLiteral("shards")).toArray();
        QCOMPARE(shards.at(0).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("serving"));
        for (int shard = 1; shard < 4; ++shard)
            QCOMPARE(shards.at(shard).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("canceled"));
        QVERIFY(fixture.ledgerBalances());
    }

    void a_phased_restart_after_a_legacy_one_brings_every_shard_back()
    {
        ServiceFixture fixture(ServiceFixture::smallConfig(4));
        QVERIFY(fixture.ok());
        auto client = fixture.client();
        ServiceEvent finished;
        QVERIFY(fixture.waitRestartFinished(restartIdOf(client->post("/v1/service/restart", R"({"mode":"legacy"})")), &finished));
        QVERIFY(fixture.waitRestartFinished(restartIdOf(client->post("/v1/service/restart")), &finished));
        QCOMPARE(finished.outcome, QStringLiteral("completed"));
        QCOMPARE(client->get("/v1/service/ready").status, 200);
        for (int shard = 0; shard < 4; ++shard)
            QCOMPARE(client->postJson("/v1/query", pinned("echo", shard)).json().value(QStringLiteral("version")).toInt(), 3);
        QVERIFY(fixture.ledgerBalances());
    }

    void a_phased_restart_under_load_loses_nothing_and_switches_versions_at_the_gate()
    {
        ServiceFixture fixture(ServiceFixture::smallConfig(4));
        QVERIFY(fixture.ok());
        constexpr int kClients = 4;
        constexpr int kCap = 20000; // per client: bounds the test even if a restart hangs
        std::atomic<bool> restartDone{false};
        std::atomic<int> afterRestart{0};
        std::vector<ClientLog> logs(kClients);
        std::vector<std::thread> threads;
        for (int c = 0; c < kClients; ++c) {
            threads.emplace_back([&, c] {
                HttpTestClient client("127.0.0.1", fixture.port());
                ClientLog &log = logs[std::size_t(c)];
                const char *procs[] = {R"({"procedure":"echo"})", R"({"procedure":"sleep","args":{"ms":3}})",
                                       R"({"procedure":"khop","args":{"v":1,"k":2}})"};
                while (log.sent < kCap && afterRestart.load() < 200 * kClients) {
                    const std::int64_t sentAt = nowEpochMs();
                    ++log.sent;
                    const auto r = client.post("/v1/query", procs[log.sent % 3]);
                    if (r.status != 0)
                        ++log.replied;
                    if (r.status != 200) {
                        ++log.failed;
                        log.failures << QStringLiteral("%1 %2").arg(r.status).arg(QString::fromUtf8(r.body));
                        continue;
                    }
                    log.sendTimeAndVersion.emplace_back(sentAt, r.json().value(QStringLiteral("version")).toInt());
                    if (restartDone.load())
                        afterRestart.fetch_add(1);
                }
            });
        }
        QVERIFY(QTest::qWaitFor([&] { return fixture.service().snapshot().shards.front().processed > 200; }, 10000));
        auto admin = fixture.client();
        const auto accepted = admin->post("/v1/service/restart");
        QCOMPARE(accepted.status, 202);
        ServiceEvent finished;
        const bool ended = fixture.waitRestartFinished(restartIdOf(accepted), &finished);
        restartDone = true;
        for (auto &t : threads)
            t.join();
        QVERIFY(ended);
        QCOMPARE(finished.outcome, QStringLiteral("completed"));

        // Prepare loads the next graph and only then closes the gate, so the end of
        // prepare is the earliest moment the gate is known to be closed.
        std::int64_t gateClosedAt = 0;
        for (const ServiceEvent &e : fixture.service().events().since(0, 100000)) {
            if (e.kind == EventKind::PhaseEnded && e.phase == ServicePhase::Preparing)
                gateClosedAt = e.timeMs;
        }
        QVERIFY(gateClosedAt > 0);
        int sawOld = 0;
        int sawNew = 0;
        for (const ClientLog &log : logs) {
            QCOMPARE(log.replied, log.sent);
            QVERIFY2(log.failed == 0, qPrintable(log.failures.join(QStringLiteral("\n"))));
            int highest = 1;
            for (const auto &[sentAt, version] : log.sendTimeAndVersion) {
                QVERIFY2(version >= highest, "a client saw v1 again after v2");
                highest = version;
                // Sent after the gate closed (with a millisecond of clock granularity): v2 only.
                if (sentAt > gateClosedAt + 1)
                    QCOMPARE(version, 2);
                (version == 1 ? sawOld : sawNew)++;
            }
        }
        QVERIFY(sawOld > 0);
        QVERIFY(sawNew > 0);
        for (const ShardSnapshot &s : fixture.service().snapshot().shards) {
            QCOMPARE(s.version, Version(2));
            QCOMPARE(nameOf(s.state), QStringLiteral("serving"));
        }
        QVERIFY(fixture.ledgerBalances());
    }

    void a_second_restart_while_one_runs_gets_409_and_only_one_happens()
    {
        ServiceFixture fixture(ServiceFixture::smallConfig(4));
        QVERIFY(fixture.ok());
        // A request in flight keeps the first restart in its drain phase.
        std::thread slow([&] {
            HttpTestClient c("127.0.0.1", fixture.port());
            c.postJson("/v1/query", pinned("sleep", 1, QJsonObject{{QStringLiteral("ms"), 800}}));
        });
        QVERIFY(QTest::qWaitFor([&] { return fixture.service().snapshot().shards[1].inFlight == 1; }, 5000));
        auto client = fixture.client();
        const auto first = client->post("/v1/service/restart");
        QCOMPARE(first.status, 202);
        const auto second = client->post("/v1/service/restart");
        QCOMPARE(second.status, 409);
        QVERIFY(second.json().value(QStringLiteral("message")).toString().contains(QStringLiteral("already running")));
        QCOMPARE(client->post("/v1/service/stop").status, 409);
        ServiceEvent finished;
        QVERIFY(fixture.waitRestartFinished(restartIdOf(first), &finished));
        slow.join();
        int restarts = 0;
        for (const ServiceEvent &e : fixture.service().events().since(0, 100000))
            restarts += e.kind == EventKind::RestartFinished;
        QCOMPARE(restarts, 1);
        QCOMPARE(fixture.service().snapshot().version, Version(2));
        QVERIFY(fixture.ledgerBalances());
    }

    void the_reject_policy_refuses_with_503_and_retry_after_while_restarting()
    {
        ServiceFixture fixture(ServiceFixture::smallConfig(2));
        QVERIFY(fixture.ok());
        std::thread slow([&] {
            HttpTestClient c("127.0.0.1", fixture.port());
            c.postJson("/v1/query", pinned("sleep", 0, QJsonObject{{QStringLiteral("ms"), 800}}));
        });
        QVERIFY(QTest::qWaitFor([&] { return fixture.service().snapshot().shards[0].inFlight == 1; }, 5000));
        auto client = fixture.client();
        const auto accepted = client->post("/v1/service/restart", R"({"admission":"reject"})");
        QCOMPARE(accepted.status, 202);
        QVERIFY(QTest::qWaitFor([&] { return fixture.service().snapshot().phase == ServicePhase::Draining; }, 5000));
        const auto refused = client->post("/v1/query", R"({"procedure":"echo"})");
        QCOMPARE(refused.status, 503);
        QVERIFY(refused.header("Retry-After").toInt() >= 1);
        QVERIFY(refused.json().value(QStringLiteral("message")).toString().contains(QStringLiteral("restarting")));
        ServiceEvent finished;
        QVERIFY(fixture.waitRestartFinished(restartIdOf(accepted), &finished));
        slow.join();
        QCOMPARE(client->post("/v1/query", R"({"procedure":"echo"})").status, 200);
        QVERIFY(fixture.ledgerBalances());
    }

    void stop_and_start_over_http_refuse_then_serve_again()
    {
        ServiceFixture fixture(ServiceFixture::smallConfig(2));
        QVERIFY(fixture.ok());
        auto client = fixture.client();
        QCOMPARE(client->post("/v1/service/stop").status, 202);
        QVERIFY(fixture.waitIdle());
        const auto refused = client->post("/v1/query", R"({"procedure":"echo"})");
        QCOMPARE(refused.status, 503);
        QCOMPARE(refused.json().value(QStringLiteral("message")).toString(), QStringLiteral("query service is stopped"));
        QCOMPARE(client->get("/v1/service/status").json().value(QStringLiteral("status")).toString(), QStringLiteral("stopped"));
        const auto restartWhileStopped = client->post("/v1/service/restart");
        QCOMPARE(restartWhileStopped.status, 409);
        QVERIFY(restartWhileStopped.json().value(QStringLiteral("message")).toString().contains(QStringLiteral("start it first")));
        QCOMPARE(client->post("/v1/service/stop").status, 409);
        QCOMPARE(client->post("/v1/service/start").status, 202);
        QVERIFY(fixture.waitIdle());
        QCOMPARE(client->post("/v1/query", R"({"procedure":"echo"})").status, 200);
        QCOMPARE(client->get("/v1/service/ready").status, 200);
        const auto startWhileRunning = client->post("/v1/service/start");
        QCOMPARE(startWhileRunning.status, 409);
        QCOMPARE(startWhileRunning.json().value(QStringLiteral("message")).toString(), QStringLiteral("the service is already running"));
        QVERIFY(fixture.ledgerBalances());
    }
};

QTEST_GUILESS_MAIN(TestHttpRestart)
#include "tst_http_restart.moc"
