// ShardService in-process (no HTTP): start, stop and start again, and shutdown with
// queries in flight or a restart running. Every reply is checked to come exactly once.
#include "tests/backend/ServiceTestSupport.h"

using namespace shardscope::servicetest;

class ServiceLifecycleTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aStartedServiceServesEveryShardOnVersionOne();
    void shutdownDuringARestartAnswersHeldAndInFlightRequestsOnce();
    void aStoppedServiceRefusesQueriesUntilStartedAgain();
    void startingAServiceThatAlreadyServesIsRefusedAndLeavesItsRequestsAlone();
    void shutdownWithQueriesInFlightAnswersEachOnceInBoundedTime_data();
    void shutdownWithQueriesInFlightAnswersEachOnceInBoundedTime();
    void destroyingAServiceWithQueuedQueriesAnswersEachOnce();
    void theNextRestartIsAdmittedTheMomentTheLastOneIsSeenToEnd();
    void theEndIsRecordedTheMomentTheCoordinatorIsSeenFree();
};
void ServiceLifecycleTest::aStartedServiceServesEveryShardOnVersionOne()
{
    ReplyLedger ledger; // before the service: destroyed after it
    auto service = startService(smallConfig(3));
    const ServiceSnapshot snap = service->snapshot();
    QByteArray why;
    QVERIFY2(allShards(snap, ShardState::Serving, 1, &why), why.constData());
    QVERIFY(snap.ready());
    QCOMPARE(snap.version, Version(1));

    for (int i = 0; i < 3; ++i) {
        auto [index, fn] = ledger.make();
        service->submitQuery(echoOn(i), fn);
    }
    QVERIFY(ledger.waitAllAnswered(5s));
    for (int i = 0; i < 3; ++i) {
        const auto e = ledger.entry(i);
        QVERIFY2(e.reply.ok(), qPrintable(e.reply.error));
        QCOMPARE(e.reply.shard, i);
        QCOMPARE(e.reply.version, Version(1));
    }
    QCOMPARE(ledger.notExactlyOnce(), 0);
}

void ServiceLifecycleTest::shutdownDuringARestartAnswersHeldAndInFlightRequestsOnce()
{
    ReplyLedger ledger; // before the service: destroyed after it
    auto service = startService(smallConfig(2));
    service->submitQuery(sleepOn(0, 5000), ledger.make().second); // keeps the drain open
    QVERIFY(waitUntilDequeued(*service, 0, 1));
    RestartOptions options = fastOptions();
    options.drainTimeoutMs = 20000;
    const CommandTicket t = service->requestRestart(options);
    QCOMPARE(test::nameOf(t.refusal), QStringLiteral("none"));
    QVERIFY(QTest::qWaitFor([&] { return service->snapshot().phase == ServicePhase::Draining; }, 5000));
    for (int i = 0; i < 6; ++i)
        service->submitQuery(echoOn(-1), ledger.make().second); // held
    QVERIFY(QTest::qWaitFor([&] { return service->snapshot().heldRequests == 6; }, 5000));

    const auto before = Clock::now();
    service->shutdown(300ms);
    QVERIFY2(Clock::now() - before < 3s, "shutdown waited for the restart's 20 s drain");
    QCOMPARE(ledger.replied(), ledger.sent());
    QCOMPARE(ledger.notExactlyOnce(), 0);
    const auto finished = eventOf(*service, EventKind::RestartFinished, t.restartId);
    QVERIFY(finished);
    QVERIFY(finished->outcome != QLatin1String("completed"));
    // The held requests were answered (served on v1 or refused), the sleep refused.
    const auto entries = ledger.entries();
    QCOMPARE(entries[0].reply.status, QueryStatus::Unavailable);
    for (std::size_t i = 1; i < entries.size(); ++i) {
        if (entries[i].reply.ok())
            QCOMPARE(entries[i].reply.version, Version(1));
    }
}

void ServiceLifecycleTest::aStoppedServiceRefusesQueriesUntilStartedAgain()
{
    ReplyLedger ledger; // before the service: destroyed after it
    auto service = startService(smallConfig(3));
    auto [sleeping, fn] = ledger.make();
    service->submitQuery(sleepOn(2, 10000), fn);
    QVERIFY(waitUntilDequeued(*service, 2, 1));

    const CommandTicket stop = service->requestStop();
    QCOMPARE(test::nameOf(stop.refusal), QStringLiteral("none"));
    const auto stopped = waitFinished(*service, stop, EventKind::ServiceStopped);
    QVERIFY(stopped);
    QCOMPARE(stopped->outcome, QStringLiteral("completed"));
    const ServiceSnapshot snap = service->snapshot();
    COMPARE_NAMED(snap.phase, ServicePhase::Stopped);
    for (const ShardSnapshot &sh : snap.shards)
        COMPARE_NAMED(sh.state, ShardState::Stopped);
    QVERIFY(!snap.ready());

    // The request in flight at the stop is answered at once, not after its 10 s sleep.
    QVERIFY(QTest::qWaitFor([&] { return ledger.answered(sleeping); }, 5000));
    QCOMPARE(ledger.entry(sleeping).reply.status, QueryStatus::Unavailable);
    QCOMPARE(ledger.entry(sleeping).reply.error, QStringLiteral("query service is stopped"));

    std::vector<int> whileStopped;
    for (ShardId pin : {-1, 0, 2}) {
        auto [index, f] = ledger.make();
        whileStopped.push_back(index);
        service->submitQuery(echoOn(pin), f);
    }
    QVERIFY(ledger.waitAllAnswered(5s));
    for (int index : whileStopped) {
        const auto e = ledger.entry(index);
        QCOMPARE(e.reply.status, QueryStatus::Unavailable);
        QCOMPARE(e.reply.error, QStringLiteral("query service is stopped"));
    }

    // A stopped service can only be started: restart and stop are refused with a reason.
    const CommandTicket restartWhileStopped = service->requestRestart(fastOptions());
    QCOMPARE(test::nameOf(restartWhileStopped.refusal), QStringLiteral("stopped"));
    QVERIFY2(restartWhileStopped.error.contains(QLatin1String("stopped")), qPrintable(restartWhileStopped.error));
    const CommandTicket stopAgain = service->requestStop();
    QCOMPARE(test::nameOf(stopAgain.refusal), QStringLiteral("stopped"));
    COMPARE_NAMED(service->snapshot().phase, ServicePhase::Stopped);

    const CommandTicket start = service->requestStart();
    QCOMPARE(test::nameOf(start.refusal), QStringLiteral("none"));
    const auto started = waitFinished(*service, start, EventKind::ServiceStarted);
    QVERIFY(started);
    QCOMPARE(started->outcome, QStringLiteral("completed"));
    QByteArray why;
    QVERIFY2(allShards(service->snapshot(), ShardState::Serving, 1, &why), why.constData());
    QVERIFY(service->snapshot().ready());
    COMPARE_NAMED(service->snapshot().phase, ServicePhase::Serving);

    std::vector<int> afterStart;
    for (int i = 0; i < 3; ++i) {
        auto [index, f] = ledger.make();
        afterStart.push_back(index);
        service->submitQuery(echoOn(i), f);
    }
    QVERIFY(ledger.waitAllAnswered(5s));
    for (int index : afterStart) {
        const auto e = ledger.entry(index);
        QVERIFY2(e.reply.ok(), qPrintable(e.reply.error));
        QCOMPARE(e.reply.version, Version(1));
    }
    QCOMPARE(ledger.notExactlyOnce(), 0);
}

void ServiceLifecycleTest::startingAServiceThatAlreadyServesIsRefusedAndLeavesItsRequestsAlone()
{
    ReplyLedger ledger; // before the service: destroyed after it
    auto service = startService(smallConfig(2));
    auto [sleeping, fn] = ledger.make();
    service->submitQuery(sleepOn(1, 300), fn);
    QVERIFY(waitUntilDequeued(*service, 1, 1));

    // Re-creating the actors of a serving service would cancel what is in flight.
    const CommandTicket start = service->requestStart();
    QCOMPARE(test::nameOf(start.refusal), QStringLiteral("already_running"));
    QVERIFY2(start.error.contains(QLatin1String("already running")), qPrintable(start.error));
    QVERIFY(!service->restartRunning());
    QCOMPARE(countEvents(*service, EventKind::RestartRequested), 0);

    QVERIFY(ledger.waitAllAnswered(5s));
    const auto e = ledger.entry(sleeping);
    QVERIFY2(e.reply.ok(), qPrintable(e.reply.error));
    QCOMPARE(e.reply.version, Version(1));
    QByteArray why;
    QVERIFY2(allShards(service->snapshot(), ShardState::Serving, 1, &why), why.constData());
    QCOMPARE(ledger.notExactlyOnce(), 0);
    // The refusal did not take the lock: a restart is accepted right after.
    const CommandTicket restart = service->requestRestart(fastOptions());
    QCOMPARE(test::nameOf(restart.refusal), QStringLiteral("none"));
    QVERIFY(waitFinished(*service, restart));
}

void ServiceLifecycleTest::shutdownWithQueriesInFlightAnswersEachOnceInBoundedTime_data()
{
    QTest::addColumn<int>("drainMs");
    QTest::addColumn<bool>("expectAllOk");
    QTest::newRow("a drain long enough answers every query") << 2000 << true;
    QTest::newRow("a drain too short refuses what is left") << 50 << false;
}

void ServiceLifecycleTest::shutdownWithQueriesInFlightAnswersEachOnceInBoundedTime()
{
    ReplyLedger ledger; // before the service: destroyed after it
    QFETCH(int, drainMs);
    QFETCH(bool, expectAllOk);
    constexpr int kShards = 4;

    auto service = startService(smallConfig(kShards));
    for (int i = 0; i < kShards; ++i) {
        service->submitQuery(sleepOn(i, 200), ledger.make().second);
        for (int s = 0; s < 3; ++s)
            service->submitQuery(spinOn(i, 80), ledger.make().second);
    }
    const auto started = Clock::now();
    service->shutdown(std::chrono::milliseconds(drainMs));
    const auto took = Clock::now() - started;
    QVERIFY2(took < std::chrono::milliseconds(drainMs) + 3s,
             qPrintable(QStringLiteral("shutdown took %1 ms")
                            .arg(std::chrono::duration_cast<std::chrono::milliseconds>(took).count())));

    // Every shard thread is joined: every reply has been sent by now, each exactly once.
    QCOMPARE(ledger.replied(), ledger.sent());
    QCOMPARE(ledger.notExactlyOnce(), 0);
    int ok = 0;
    int refused = 0;
    for (const auto &e : ledger.entries()) {
        if (e.reply.ok()) {
            ++ok;
        } else {
            ++refused;
            QCOMPARE(e.reply.status, QueryStatus::Unavailable);
            QVERIFY2(e.reply.error.contains(QLatin1String("shutting down")) || e.reply.error.contains(QLatin1String("shut down")),
                     qPrintable(e.reply.error));
        }
    }
    if (expectAllOk)
        QCOMPARE(refused, 0);
    else
        QVERIFY(refused > 0);

    // After shutdown: queries are refused at once, commands get 503.
    ReplyLedger late;
    service->submitQuery(echoOn(0), late.make().second);
    QCOMPARE(late.replied(), 1);
    QCOMPARE(late.entry(0).reply.status, QueryStatus::Unavailable);
    QCOMPARE(late.entry(0).reply.error, QStringLiteral("service is shutting down"));
    QCOMPARE(test::nameOf(service->requestRestart(fastOptions()).refusal), QStringLiteral("shutting_down"));
    service->shutdown(); // idempotent
    QCOMPARE(ledger.replied(), ledger.sent());
}

void ServiceLifecycleTest::destroyingAServiceWithQueuedQueriesAnswersEachOnce()
{
    ReplyLedger ledger;
    {
        auto service = startService(smallConfig(2));
        for (int i = 0; i < 2; ++i) {
            service->submitQuery(sleepOn(i, 5000), ledger.make().second);
            for (int s = 0; s < 5; ++s)
                service->submitQuery(spinOn(i, 50), ledger.make().second);
        }
        const auto before = Clock::now();
        service.reset();
        QVERIFY(Clock::now() - before < 3s);
    }
    QCOMPARE(ledger.replied(), ledger.sent());
    QCOMPARE(ledger.notExactlyOnce(), 0);
}


// A client that saw RestartFinished and asks again at once (ctl restart --wait in a
// script) must be admitted, not told 409 with the finished restart's id.
void ServiceLifecycleTest::theNextRestartIsAdmittedTheMomentTheLastOneIsSeenToEnd()
{
    auto service = startService(smallConfig(2));
    std::uint64_t seq = service->events().lastSeq();
    for (int i = 0; i < 30; ++i) {
        const CommandTicket t = service->requestRestart(fastOptions());
        QVERIFY2(t.accepted(), qPrintable(QStringLiteral("restart %1: %2 %3").arg(i).arg(test::nameOf(t.refusal)).arg(t.error)));
        // Polled without sleeping, to ask again within microseconds of the event.
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        bool finished = false;
        while (!finished && std::chrono::steady_clock::now() < deadline) {
            for (const ServiceEvent &e : service->events().since(seq, 1000)) {
                seq = e.seq;
                finished |= e.kind == EventKind::RestartFinished && e.restartId == t.restartId;
            }
        }
        QVERIFY2(finished, "a restart did not finish within 10 s");
    }
}

// The mirror image: a client that polls restart_running and reads the outcome as soon
// as it turns false finds the end in the event log (found by fuzz_restart_machine).
void ServiceLifecycleTest::theEndIsRecordedTheMomentTheCoordinatorIsSeenFree()
{
    auto service = startService(smallConfig(2));
    for (int i = 0; i < 30; ++i) {
        const CommandTicket t = service->requestRestart(fastOptions());
        QVERIFY(t.accepted());
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (service->restartRunning() && std::chrono::steady_clock::now() < deadline) {
        }
        QVERIFY2(!service->restartRunning(), "a restart did not finish within 10 s");
        bool recorded = false;
        for (const ServiceEvent &e : service->events().since(0, 100000))
            recorded |= e.kind == EventKind::RestartFinished && e.restartId == t.restartId;
        QVERIFY2(recorded, qPrintable(QStringLiteral("restart %1: free, but its end is not in the log").arg(i)));
    }
}

QTEST_GUILESS_MAIN(ServiceLifecycleTest)
#include "tst_service_lifecycle.moc"
