// Waiting for "no request in flight": DrainSignal on its own, then a restart's drain and
// shutdown, which end when the last answer is sent or an abort comes, not at a poll.
// Requests here block their shard until the test lets them go, so nothing depends on a
// sleep's length.
#include "backend/runtime/DrainSignal.h"
#include "tests/backend/ServiceTestSupport.h"

using namespace shardscope::servicetest;

namespace {

// Shard 0's actor holds its thread on "hold" and on "block", each until its latch opens.
struct BlockProbe {
    Latch hold;
    Latch block;
    std::mutex mutex;
    std::optional<Clock::time_point> answeredAt;  // "block" answered
    std::optional<Clock::time_point> nextActorAt; // shard 0 asked for its v2 actor

    void mark(std::optional<Clock::time_point> &at)
    {
        std::lock_guard lock(mutex);
        if (!at)
            at = Clock::now();
    }
    std::optional<Clock::duration> answerToNextActor()
    {
        std::lock_guard lock(mutex);
        if (!answeredAt || !nextActorAt)
            return std::nullopt;
        return *nextActorAt - *answeredAt;
    }
};

class BlockingActor : public QueryActor
{
public:
    BlockingActor(ActorSpec spec, std::shared_ptr<BlockProbe> probe)
        : QueryActor(std::move(spec))
        , m_probe(std::move(probe))
    {
    }
    ProcedureOutcome handle(const QueryRequest &request) override
    {
        if (request.procedure == QLatin1String("hold")) {
            m_probe->hold.enterAndWait(30s);
        } else if (request.procedure == QLatin1String("block")) {
            m_probe->block.enterAndWait(30s);
            m_probe->mark(m_probe->answeredAt);
        } else {
            return QueryActor::handle(request);
        }
        return ProcedureOutcome::done(QJsonObject{{QStringLiteral("held"), true}});
    }

private:
    std::shared_ptr<BlockProbe> m_probe;
};

// Two shards; shard 0's v1 actor is a BlockingActor.
ServiceConfig blockingConfig(const std::shared_ptr<BlockProbe> &probe)
{
    ServiceConfig config = smallConfig(2);
    config.actorFactory = [probe, base = defaultActorFactory()](const ActorSpec &spec, QString *error) -> std::unique_ptr<QueryActor> {
        if (spec.shard == 0 && spec.version == 1)
            return std::make_unique<BlockingActor>(spec, probe);
        if (spec.shard == 0 && spec.version == 2)
            probe->mark(probe->nextActorAt);
        return base(spec, error);
    };
    return config;
}

// Opens both latches when a test ends early, so that the service's shutdown does not
// wait for them. Declare it after the service: it goes first.
struct ReleaseOnExit {
    BlockProbe &probe;
    ~ReleaseOnExit()
    {
        probe.hold.release();
        probe.block.release();
    }
};

QueryRequest holdOn(ShardId shard) { return query(QStringLiteral("hold"), {}, shard); }
QueryRequest blockOn(ShardId shard) { return query(QStringLiteral("block"), {}, shard); }

// Brings a restart to its drain with a request in flight that blocks shard 0 until
// probe.block opens. Prepare needs every shard's thread, so "block" must start only after
// shard 0 took prepare's message: "hold" keeps shard 0 busy, "block" queues behind it,
// prepare's message (control lane) overtakes "block", and "hold" ends only then.
// Returns once shard 1 (idle) shows Draining: the coordinator is at the drain's wait.
bool restartIntoDrain(ShardService &service, BlockProbe &probe, ReplyLedger &ledger, int drainTimeoutMs,
                      CommandTicket *ticket, int *blocked)
{
    service.submitQuery(holdOn(0), ledger.make().second);
    if (!QTest::qWaitFor([&] { return probe.hold.hasEntered(); }, 5000))
        return false;
    auto [index, fn] = ledger.make();
    *blocked = index;
    service.submitQuery(blockOn(0), fn);
    RestartOptions options = fastOptions();
    options.prepareTimeoutMs = 10000;
    options.drainTimeoutMs = drainTimeoutMs;
    *ticket = service.requestRestart(options);
    if (!ticket->accepted())
        return false;
    // "block" and prepare's message wait in shard 0's mailbox.
    if (!QTest::qWaitFor([&] { return service.snapshot().shards[0].queueDepth == 2; }, 5000))
        return false;
    probe.hold.release();
    return QTest::qWaitFor([&] {
        const ServiceSnapshot snap = service.snapshot();
        return probe.block.hasEntered() && snap.phase == ServicePhase::Draining
            && snap.shards[1].state == ShardState::Draining;
    }, 5000);
}

} // namespace

class ServiceDrainTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aWaiterWakesWhenTheLastShardGoesIdle();
    void aWaiterWithNothingToWaitForReturnsAtOnce();
    void aWaiterGivesUpAtItsDeadline();
    void noRingIsLostBetweenAWaitersCheckAndItsSleep();

    void aDrainEndsAsSoonAsTheLastRequestIsAnswered();
    void anAbortWakesAWaitingDrain_data();
    void anAbortWakesAWaitingDrain();
    void shutdownEndsItsDrainAsSoonAsTheLastRequestIsAnswered();

    void aShardsOldestInFlightAgeFollowsItsOldestUnansweredRequest();
};

void ServiceDrainTest::aWaiterWakesWhenTheLastShardGoesIdle()
{
    DrainSignal signal;
    std::atomic<int> inFlight{1};
    std::atomic<bool> returned{false};
    std::atomic<bool> result{false};
    std::thread waiter([&] {
        result = signal.waitUntil([&] { return inFlight.load() == 0; }, Clock::now() + 60s);
        returned = true;
    });
    QVERIFY(QTest::qWaitFor([&] { return signal.waiters() == 1; }, 5000));
    QVERIFY(!returned.load());
    inFlight = 0;
    signal.shardIdle();
    // Well before the 60 s deadline: only the ring can have woken it.
    const bool woke = QTest::qWaitFor([&] { return returned.load(); }, 5000);
    signal.ring(); // lets a waiter that missed shardIdle() go, so the thread can be joined
    waiter.join();
    QVERIFY2(woke, "shardIdle() did not wake the waiter");
    QVERIFY(result.load());
}

void ServiceDrainTest::aWaiterWithNothingToWaitForReturnsAtOnce()
{
    DrainSignal signal;
    const auto before = Clock::now();
    QVERIFY(signal.waitUntil([] { return true; }, Clock::now() + 60s));
    QVERIFY(Clock::now() - before < 5s);
}

void ServiceDrainTest::aWaiterGivesUpAtItsDeadline()
{
    DrainSignal signal;
    const auto deadline = Clock::now() + 50ms;
    QVERIFY(!signal.waitUntil([] { return false; }, deadline));
    QVERIFY(Clock::now() >= deadline);
}

// Ping-pong between a waiter and a "shard": a lost ring would leave the waiter asleep until
// its deadline (far beyond the bound checked per round).
void ServiceDrainTest::noRingIsLostBetweenAWaitersCheckAndItsSleep()
{
    constexpr int kRounds = 2000;
    DrainSignal signal;
    std::atomic<int> round{0};   // the waiter waits for the shard to reach this round
    std::atomic<int> reached{0}; // the round the shard has finished
    std::atomic<bool> stop{false};
    std::thread shard([&] {
        for (int r = 1; r <= kRounds && !stop.load(); ++r) {
            while (round.load() < r && !stop.load())
                std::this_thread::yield();
            reached.store(r, std::memory_order_seq_cst);
            signal.shardIdle();
        }
    });
    int slowRound = 0;
    for (int r = 1; r <= kRounds && slowRound == 0; ++r) {
        const auto before = Clock::now();
        round.store(r);
        const bool done = signal.waitUntil([&] { return reached.load(std::memory_order_seq_cst) >= r; }, before + 5s);
        if (!done || Clock::now() - before > 2s)
            slowRound = r;
    }
    stop = true;
    shard.join();
    QCOMPARE(slowRound, 0);
}

void ServiceDrainTest::aDrainEndsAsSoonAsTheLastRequestIsAnswered()
{
    ReplyLedger ledger; // before the service: destroyed after it
    auto probe = std::make_shared<BlockProbe>();
    auto service = startService(blockingConfig(probe));
    ReleaseOnExit releaseOnExit{*probe};
    CommandTicket t;
    int blocked = -1;
    QVERIFY(restartIntoDrain(*service, *probe, ledger, 30000, &t, &blocked));
    probe->block.release();

    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("completed"));
    const auto drained = phaseEnded(*service, t.restartId, ServicePhase::Draining);
    QVERIFY(drained);
    QCOMPARE(drained->outcome, QStringLiteral("ok"));
    // From the answer to the restart phase asking for shard 0's next actor. Usually tens of
    // microseconds; the bound only has to tell a wake-up from the 30 s drain timeout.
    const auto gap = probe->answerToNextActor();
    QVERIFY(gap);
    qInfo("last answer to next actor: %lld us",
          static_cast<long long>(std::chrono::duration_cast<std::chrono::microseconds>(*gap).count()));
    QVERIFY(*gap < 2s);

    QVERIFY(ledger.waitAllAnswered(5s));
    for (const auto &e : ledger.entries())
        QVERIFY2(e.reply.ok(), qPrintable(e.reply.error));
    QCOMPARE(ledger.entry(blocked).reply.version, Version(1));
    QByteArray why;
    QVERIFY2(allShards(service->snapshot(), ShardState::Serving, 2, &why), why.constData());
    QCOMPARE(ledger.notExactlyOnce(), 0);
}

void ServiceDrainTest::anAbortWakesAWaitingDrain_data()
{
    QTest::addColumn<bool>("byShutdown");
    QTest::addColumn<QString>("reason");
    QTest::newRow("an operator's abort") << false << QStringLiteral("aborted by operator");
    QTest::newRow("the service shutting down") << true << QStringLiteral("aborted: the service is shutting down");
}

void ServiceDrainTest::anAbortWakesAWaitingDrain()
{
    QFETCH(bool, byShutdown);
    QFETCH(QString, reason);
    ReplyLedger ledger; // before the service: destroyed after it
    auto probe = std::make_shared<BlockProbe>();
    auto service = startService(blockingConfig(probe));
    ReleaseOnExit releaseOnExit{*probe};
    // The request stays blocked throughout: only the abort can end this 60 s drain early.
    CommandTicket t;
    int blocked = -1;
    QVERIFY(restartIntoDrain(*service, *probe, ledger, 60000, &t, &blocked));
    std::thread shutdown;
    if (byShutdown)
        shutdown = std::thread([&] { service->shutdown(std::chrono::milliseconds(0)); });
    else
        QVERIFY(service->requestAbort().accepted());
    const bool drainEnded = QTest::qWaitFor([&] { return phaseEnded(*service, t.restartId, ServicePhase::Draining).has_value(); }, 5000);
    // Let go of the shard before checking, so that a failure does not leave the shutdown hanging.
    probe->block.release();
    if (shutdown.joinable())
        shutdown.join();
    QVERIFY2(drainEnded, "the drain was still waiting 5 s after the abort");
    const auto drained = phaseEnded(*service, t.restartId, ServicePhase::Draining);
    QCOMPARE(drained->outcome, QStringLiteral("aborted"));
    QCOMPARE(drained->message, reason);

    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("aborted"));
    QCOMPARE(finished->version, Version(1));
    QVERIFY(ledger.waitAllAnswered(5s));
    for (const auto &e : ledger.entries())
        QVERIFY2(e.reply.ok(), qPrintable(e.reply.error));
    QCOMPARE(ledger.entry(blocked).reply.version, Version(1));
    QCOMPARE(ledger.notExactlyOnce(), 0);
}

void ServiceDrainTest::shutdownEndsItsDrainAsSoonAsTheLastRequestIsAnswered()
{
    ReplyLedger ledger; // before the service: destroyed after it
    auto probe = std::make_shared<BlockProbe>();
    auto service = startService(blockingConfig(probe));
    ReleaseOnExit releaseOnExit{*probe};
    auto [blocked, fn] = ledger.make();
    service->submitQuery(blockOn(0), fn);
    QVERIFY(QTest::qWaitFor([&] { return probe->block.hasEntered(); }, 5000));

    std::atomic<bool> returned{false};
    std::thread shutdown([&] {
        service->shutdown(std::chrono::seconds(60));
        returned = true;
    });
    // The gate closes first: a query refused for shutting down means shutdown is draining.
    QVERIFY(QTest::qWaitFor([&] {
        ReplyLedger probeLedger;
        auto [index, f] = probeLedger.make();
        service->submitQuery(echoOn(1), f);
        return probeLedger.waitAllAnswered(5s) && probeLedger.entry(index).reply.error.contains(QLatin1String("shutting down"));
    }, 5000));
    QVERIFY(!returned.load());
    probe->block.release();
    const bool inTime = QTest::qWaitFor([&] { return returned.load(); }, 5000);
    shutdown.join();
    QVERIFY2(inTime, "shutdown still waited 5 s after the last request was answered");
    QVERIFY(ledger.waitAllAnswered(5s));
    QVERIFY2(ledger.entry(blocked).reply.ok(), qPrintable(ledger.entry(blocked).reply.error));
    QCOMPARE(ledger.notExactlyOnce(), 0);
}

void ServiceDrainTest::aShardsOldestInFlightAgeFollowsItsOldestUnansweredRequest()
{
    ReplyLedger ledger; // before the service: destroyed after it
    auto service = startService(smallConfig(3));
    auto shardOf = [&](ShardId id) { return service->snapshot().shards[std::size_t(id)]; };
    const auto sentAt = Clock::now();
    auto sinceSent = [&] { return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - sentAt).count(); };
    // Shard 0: one running (a spin holds its thread) and one queued behind it.
    // Shard 1: one deferred (a sleep is in flight without holding the thread).
    service->submitQuery(spinOn(0, 1500), ledger.make().second);
    service->submitQuery(echoOn(0), ledger.make().second);
    service->submitQuery(sleepOn(1, 1500), ledger.make().second);
    QVERIFY(QTest::qWaitFor([&] { return shardOf(0).oldestInFlightMs >= 300 && shardOf(1).oldestInFlightMs >= 300; }, 5000));

    // A newer request does not make the shard look younger; the age never exceeds the
    // time since the oldest was sent.
    const std::uint32_t before = shardOf(1).oldestInFlightMs;
    service->submitQuery(sleepOn(1, 50), ledger.make().second);
    const ShardSnapshot one = shardOf(1);
    QVERIFY2(one.oldestInFlightMs >= before && one.oldestInFlightMs <= sinceSent(),
             qPrintable(QStringLiteral("%1 ms, was %2 ms").arg(one.oldestInFlightMs).arg(before)));
    QCOMPARE(shardOf(2).inFlight, 0u);
    QCOMPARE(shardOf(2).oldestInFlightMs, 0u);
    // /metrics carries it per shard, in seconds.
    const QByteArray metrics = service->metricsText();
    const QByteArray sample = "shardscope_shard_oldest_in_flight_seconds{shard=\"1\"} ";
    const qsizetype at = metrics.indexOf(sample);
    QVERIFY2(at >= 0, metrics.constData());
    const double seconds = metrics.mid(at + sample.size(), metrics.indexOf('\n', at) - at - sample.size()).toDouble();
    QVERIFY2(seconds >= 0.3 && seconds * 1000 <= sinceSent(), qPrintable(QString::number(seconds)));
    QVERIFY(metrics.contains("shardscope_shard_oldest_in_flight_seconds{shard=\"2\"} 0\n"));

    QVERIFY(ledger.waitAllAnswered(10s));
    for (ShardId id : {0, 1})
        QTRY_COMPARE_WITH_TIMEOUT(shardOf(id).oldestInFlightMs, 0u, 5000);
}

QTEST_GUILESS_MAIN(ServiceDrainTest)
#include "tst_service_drain.moc"
