// ShardService in-process (no HTTP): a phased restart, drain timeouts and aborts, the
// restart lock, requests arriving while the gate is closed. Legacy restarts and load are
// in tst_service_load, rollback in tst_service_rollback.
// Every scenario also checks that each ReplyFn was called exactly once.
#include "tests/backend/ServiceTestSupport.h"

#include <QRegularExpression>

#include <latch>

using namespace shardscope::servicetest;

class ServiceRestartTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aPhasedRestartMovesEveryShardToTheNextVersion();

    void aDrainTimeoutEndsAsItsPolicySays_data();
    void aDrainTimeoutEndsAsItsPolicySays();
    void anOperatorAbortDuringDrainReopensOnTheOldVersion();
    void aShardTooBusyToAnswerPrepareAbortsTheRestart();

    void aSecondRestartWhileOneRunsGets409_data();
    void aSecondRestartWhileOneRunsGets409();

    void aRequestArrivingDuringASlowDrainIsTreatedAsItsPolicySays_data();
    void aRequestArrivingDuringASlowDrainIsTreatedAsItsPolicySays();

    void aHeldRequestIsRefusedAtItsDeadlineEvenAfterTheDrain();
    void aRestartIsJudgedByTheShardsItLeaves_data();
    void aRestartIsJudgedByTheShardsItLeaves();

};

void ServiceRestartTest::aPhasedRestartMovesEveryShardToTheNextVersion()
{
    auto service = startService(smallConfig(4));
    const CommandTicket t = service->requestRestart(fastOptions());
    QCOMPARE(test::nameOf(t.refusal), QStringLiteral("none"));
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("completed"));
    QCOMPARE(finished->version, Version(2));
    QByteArray why;
    QVERIFY2(allShards(service->snapshot(), ShardState::Serving, 2, &why), why.constData());
    QVERIFY(service->snapshot().ready());
    COMPARE_NAMED(service->snapshot().phase, ServicePhase::Serving);
    for (ServicePhase p : {ServicePhase::Preparing, ServicePhase::Draining, ServicePhase::Restarting,
                           ServicePhase::Verifying, ServicePhase::Resuming}) {
        const auto ended = phaseEnded(*service, t.restartId, p);
        QVERIFY2(ended, toString(p).data());
        QCOMPARE(ended->outcome, QStringLiteral("ok"));
    }
    // Every shard went through the five states in order, each one an event; sequence
    // numbers grow by one.
    std::map<ShardId, QByteArrayList> states;
    std::uint64_t lastSeq = 0;
    for (const ServiceEvent &e : allEvents(*service)) {
        QCOMPARE(e.seq, lastSeq + 1);
        lastSeq = e.seq;
        if (e.kind == EventKind::ShardStateChanged && e.restartId == t.restartId)
            states[e.shard] << named(e.state);
    }
    QCOMPARE(int(states.size()), 4);
    for (const auto &[shard, list] : states)
        QCOMPARE(list.join(' '), QByteArray("gated draining restarting verifying serving"));
}

// a. Drain timeout with a long sleep in flight.
void ServiceRestartTest::aDrainTimeoutEndsAsItsPolicySays_data()
{
    QTest::addColumn<DrainTimeoutPolicy>("policy");
    QTest::newRow("policy abort reopens every shard on the old version") << DrainTimeoutPolicy::Abort;
    QTest::newRow("policy force cancels the stuck request and moves to the next version") << DrainTimeoutPolicy::Force;
}

void ServiceRestartTest::aDrainTimeoutEndsAsItsPolicySays()
{
    ReplyLedger ledger; // before the service: destroyed after it
    QFETCH(DrainTimeoutPolicy, policy);
    constexpr int kSleepMs = 2000;
    constexpr int kDrainMs = 200;

    auto service = startService(smallConfig(4));
    auto [stuck, fn] = ledger.make();
    service->submitQuery(sleepOn(1, kSleepMs), fn);
    QVERIFY(waitUntilDequeued(*service, 1, 1));

    RestartOptions options = fastOptions();
    options.drainTimeoutMs = kDrainMs;
    options.drainPolicy = policy;
    const auto requestedAt = Clock::now();
    const CommandTicket t = service->requestRestart(options);
    QCOMPARE(test::nameOf(t.refusal), QStringLiteral("none"));
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    const auto drainEnded = phaseEnded(*service, t.restartId, ServicePhase::Draining);
    QVERIFY(drainEnded);
    QByteArray why;

    if (policy == DrainTimeoutPolicy::Abort) {
        QCOMPARE(finished->outcome, QStringLiteral("aborted"));
        QCOMPARE(finished->version, Version(1));
        QCOMPARE(drainEnded->outcome, QStringLiteral("timeout"));
        QVERIFY2(finished->message.contains(QLatin1String("drain timed out")), qPrintable(finished->message));
        // It names what held the drain: the shard with the sleeping request.
        // "aborted: drain timed out after 200 ms waiting on shard 1 (1 request in flight, oldest 210 ms)"
        QVERIFY2(finished->message.startsWith(QLatin1String("aborted: drain timed out after 200 ms")), qPrintable(finished->message));
        const auto held = QRegularExpression(QStringLiteral("waiting on shard 1 \\(1 request in flight, oldest ([0-9.]+) (ms|s)\\)"))
                              .match(finished->message);
        QVERIFY2(held.hasMatch(), qPrintable(finished->message));
        const double oldestMs = held.captured(1).toDouble() * (held.captured(2) == QLatin1String("s") ? 1000 : 1);
        QVERIFY2(oldestMs >= kDrainMs && oldestMs < kSleepMs, qPrintable(finished->message));
        QVERIFY2(allShards(service->snapshot(), ShardState::Serving, 1, &why), why.constData());
        QCOMPARE(service->snapshot().version, Version(1));
        // The stuck request was left alone: it is answered OK by v1 when its sleep ends.
        QVERIFY(!ledger.answered(stuck));
        QVERIFY(ledger.waitAllAnswered(std::chrono::milliseconds(kSleepMs + 5000)));
        const auto e = ledger.entry(stuck);
        QVERIFY2(e.reply.ok(), qPrintable(e.reply.error));
        QCOMPARE(e.reply.version, Version(1));
        QCOMPARE(e.reply.shard, 1);
    } else {
        QCOMPARE(finished->outcome, QStringLiteral("completed"));
        QCOMPARE(finished->version, Version(2));
        QCOMPARE(drainEnded->outcome, QStringLiteral("forced"));
        QVERIFY2(allShards(service->snapshot(), ShardState::Serving, 2, &why), why.constData());
        QCOMPARE(service->snapshot().version, Version(2));
        QVERIFY(ledger.waitAllAnswered(5s));
        const auto e = ledger.entry(stuck);
        QCOMPARE(e.reply.status, QueryStatus::Unavailable);
        QVERIFY2(e.reply.error.contains(QLatin1String("forced its drain")), qPrintable(e.reply.error));
        QCOMPARE(e.reply.shard, 1);
        // Answered when the drain was forced, not when the sleep would have ended.
        QVERIFY(e.repliedAt - requestedAt < std::chrono::milliseconds(kSleepMs));
    }
    // Queries still succeed, on the version the restart ended on.
    const Version expected = policy == DrainTimeoutPolicy::Abort ? 1 : 2;
    std::vector<int> after;
    for (int i = 0; i < 4; ++i) {
        auto [index, f] = ledger.make();
        after.push_back(index);
        service->submitQuery(echoOn(i), f);
    }
    QVERIFY(ledger.waitAllAnswered(5s));
    for (int index : after) {
        const auto e = ledger.entry(index);
        QVERIFY2(e.reply.ok(), qPrintable(e.reply.error));
        QCOMPARE(e.reply.version, expected);
    }
    QCOMPARE(ledger.notExactlyOnce(), 0);
}

void ServiceRestartTest::anOperatorAbortDuringDrainReopensOnTheOldVersion()
{
    ReplyLedger ledger; // before the service: destroyed after it
    auto service = startService(smallConfig(2));
    auto [stuck, fn] = ledger.make();
    service->submitQuery(sleepOn(0, 1000), fn);
    QVERIFY(waitUntilDequeued(*service, 0, 1));
    RestartOptions options = fastOptions();
    options.drainTimeoutMs = 10000;
    const CommandTicket t = service->requestRestart(options);
    QCOMPARE(test::nameOf(t.refusal), QStringLiteral("none"));
    QVERIFY(QTest::qWaitFor([&] { return service->snapshot().phase == ServicePhase::Draining; }, 5000));
    QVERIFY(service->requestAbort().accepted());
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("aborted"));
    QByteArray why;
    QVERIFY2(allShards(service->snapshot(), ShardState::Serving, 1, &why), why.constData());
    QCOMPARE(test::nameOf(service->requestAbort().refusal), QStringLiteral("nothing_to_abort")); // nothing runs any more
    QVERIFY(ledger.waitAllAnswered(5s));
    QVERIFY(ledger.entry(stuck).reply.ok());
    QCOMPARE(ledger.entry(stuck).reply.version, Version(1));
    QCOMPARE(ledger.notExactlyOnce(), 0);
}

void ServiceRestartTest::aShardTooBusyToAnswerPrepareAbortsTheRestart()
{
    ReplyLedger ledger; // before the service: destroyed after it
    auto service = startService(smallConfig(3));
    auto [busy, fn] = ledger.make();
    service->submitQuery(spinOn(2, 800), fn); // occupies shard 2's thread
    QVERIFY(waitUntilDequeued(*service, 2, 1));

    RestartOptions options = fastOptions();
    options.prepareTimeoutMs = 100;
    const CommandTicket t = service->requestRestart(options);
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("aborted"));
    QCOMPARE(finished->version, Version(1));
    QVERIFY2(finished->message.contains(QLatin1String("prepare")), qPrintable(finished->message));
    QVERIFY2(finished->message.contains(QLatin1String("shard 2")), qPrintable(finished->message));
    QByteArray why;
    QVERIFY(QTest::qWaitFor([&] { return allShards(service->snapshot(), ShardState::Serving, 1, &why); }, 5000));
    QVERIFY(ledger.waitAllAnswered(5s));
    QVERIFY2(ledger.entry(busy).reply.ok(), qPrintable(ledger.entry(busy).reply.error));
    QCOMPARE(ledger.entry(busy).reply.version, Version(1));

    // The gate is open again: new queries are served on v1 at once.
    service->submitQuery(echoOn(-1), ledger.make().second);
    QVERIFY(ledger.waitAllAnswered(5s));
    QVERIFY(ledger.entries().back().reply.ok());
    QCOMPARE(ledger.notExactlyOnce(), 0);
}

// b. Actor creation failing on shard k.
// c. The restart lock.
void ServiceRestartTest::aSecondRestartWhileOneRunsGets409_data()
{
    QTest::addColumn<int>("competitors");
    QTest::newRow("one more restart while the first drains") << 1;
    QTest::newRow("eight threads ask for a restart while the first drains") << 8;
}

void ServiceRestartTest::aSecondRestartWhileOneRunsGets409()
{
    ReplyLedger ledger; // before the service: destroyed after it
    QFETCH(int, competitors);
    auto service = startService(smallConfig(2));
    auto [slow, fn] = ledger.make();
    // Holds the drain open long enough for every competitor to start, even on a slow
    // sanitizer build (at 600 ms the first restart sometimes ended before they ran).
    service->submitQuery(sleepOn(0, 3000), fn);
    QVERIFY(waitUntilDequeued(*service, 0, 1));

    RestartOptions options = fastOptions();
    options.drainTimeoutMs = 10000;
    const CommandTicket first = service->requestRestart(options);
    QCOMPARE(test::nameOf(first.refusal), QStringLiteral("none"));
    QVERIFY(service->restartRunning());

    std::atomic<int> accepted{0};
    std::atomic<int> conflicts{0};
    // Released together from a blocking latch: busy-waiting threads starved the service's
    // own threads on 2 cores under TSan, and the first restart ended before all had asked.
    std::latch start(competitors + 1);
    std::vector<std::thread> threads;
    for (int i = 0; i < competitors; ++i) {
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            const CommandTicket t = i % 3 == 1 ? service->requestStop()
                                  : i % 3 == 2 ? service->requestStart()
                                               : service->requestRestart(options);
            if (t.accepted())
                ++accepted;
            else if (t.refusal == Refusal::Busy && t.restartId == first.restartId && !t.error.isEmpty())
                ++conflicts;
        });
    }
    start.arrive_and_wait();
    for (auto &th : threads)
        th.join();
    QCOMPARE(accepted.load(), 0);
    QCOMPARE(conflicts.load(), competitors);

    const auto finished = waitFinished(*service, first);
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("completed"));
    QCOMPARE(countEvents(*service, EventKind::RestartRequested), 1);
    QCOMPARE(countEvents(*service, EventKind::RestartFinished), 1);
    QCOMPARE(countEvents(*service, EventKind::ServiceStopped), 0);
    QByteArray why;
    QVERIFY2(allShards(service->snapshot(), ShardState::Serving, 2, &why), why.constData());
    // The drained request was served by the old version, not canceled.
    QVERIFY(ledger.waitAllAnswered(5s));
    QVERIFY2(ledger.entry(slow).reply.ok(), qPrintable(ledger.entry(slow).reply.error));
    QCOMPARE(ledger.entry(slow).reply.version, Version(1));
    QCOMPARE(ledger.notExactlyOnce(), 0);

    // The lock is released: the next restart is accepted.
    const CommandTicket next = service->requestRestart(fastOptions());
    QCOMPARE(test::nameOf(next.refusal), QStringLiteral("none"));
    QVERIFY(next.restartId != first.restartId);
    const auto nextFinished = waitFinished(*service, next);
    QVERIFY(nextFinished);
    QCOMPARE(nextFinished->version, Version(3));
}

// Admission while the gate is closed: hold (released to v+1, or refused past the hold
// deadline) or reject (refused at once with Retry-After).
void ServiceRestartTest::aRequestArrivingDuringASlowDrainIsTreatedAsItsPolicySays_data()
{
    QTest::addColumn<AdmissionPolicy>("admission");
    QTest::addColumn<int>("holdDeadlineMs");
    QTest::addColumn<bool>("expectOk");
    QTest::addColumn<QString>("expectedError");
    QTest::newRow("hold: the request is released to the new version") << AdmissionPolicy::Hold << 30000 << true << QString();
    QTest::newRow("hold past the hold deadline: refused with Retry-After")
        << AdmissionPolicy::Hold << 100 << false << QStringLiteral("hold deadline");
    QTest::newRow("reject: refused at once with Retry-After") << AdmissionPolicy::Reject << 30000 << false
                                                              << QStringLiteral("restarting");
}

void ServiceRestartTest::aRequestArrivingDuringASlowDrainIsTreatedAsItsPolicySays()
{
    ReplyLedger ledger; // before the service: destroyed after it
    QFETCH(AdmissionPolicy, admission);
    QFETCH(int, holdDeadlineMs);
    QFETCH(bool, expectOk);
    QFETCH(QString, expectedError);

    auto service = startService(smallConfig(2));
    auto [slow, slowFn] = ledger.make();
    service->submitQuery(sleepOn(0, 700), slowFn);
    QVERIFY(waitUntilDequeued(*service, 0, 1));

    RestartOptions options = fastOptions();
    options.drainTimeoutMs = 5000;
    options.admission = admission;
    options.holdDeadlineMs = holdDeadlineMs;
    const CommandTicket t = service->requestRestart(options);
    QCOMPARE(test::nameOf(t.refusal), QStringLiteral("none"));
    QVERIFY(QTest::qWaitFor([&] { return service->snapshot().phase == ServicePhase::Draining; }, 5000));
    auto [late, lateFn] = ledger.make();
    service->submitQuery(echoOn(-1), lateFn);
    if (!expectOk) {
        // Refused while the drain still waits for the sleep, not when the restart ends.
        QVERIFY(QTest::qWaitFor([&] { return ledger.answered(late); }, 5000));
        QVERIFY(!ledger.answered(slow));
    }
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("completed"));
    QVERIFY(ledger.waitAllAnswered(5s));

    const QueryReply r = ledger.entry(late).reply;
    if (expectOk) {
        QVERIFY2(r.ok(), qPrintable(r.error));
        QCOMPARE(r.version, Version(2));
    } else {
        QCOMPARE(r.status, QueryStatus::Unavailable);
        QVERIFY2(r.error.contains(expectedError), qPrintable(r.error));
        QCOMPARE(r.retryAfterSeconds, 5); // ceil(drain timeout / 1 s)
    }
    QVERIFY(ledger.entry(slow).reply.ok());
    QCOMPARE(ledger.entry(slow).reply.version, Version(1));
    QCOMPARE(ledger.notExactlyOnce(), 0);
    QCOMPARE(service->snapshot().heldRequests, 0u);
}

// RestartOptions: "a held request older than hold_deadline_ms is refused with 503".
// Here the restart phase (a slow actor creation) outlasts the deadline; the drain was instant.
void ServiceRestartTest::aHeldRequestIsRefusedAtItsDeadlineEvenAfterTheDrain()
{
    ReplyLedger ledger; // before the service: destroyed after it
    auto latch = std::make_shared<Latch>();
    ServiceConfig config = smallConfig(2);
    config.actorFactory = [latch, base = defaultActorFactory()](const ActorSpec &spec, QString *error) {
        if (spec.version >= 2 && spec.shard == 0)
            latch->enterAndWait(10s); // an actor that takes long to build
        return base(spec, error);
    };
    auto service = startService(std::move(config));
    RestartOptions options = fastOptions();
    options.holdDeadlineMs = 100;
    const CommandTicket t = service->requestRestart(options);
    QCOMPARE(test::nameOf(t.refusal), QStringLiteral("none"));
    QVERIFY(QTest::qWaitFor([&] { return latch->hasEntered(); }, 5000));

    auto [held, fn] = ledger.make();
    service->submitQuery(echoOn(-1), fn);
    // 100 ms deadline; allow ten times that before calling it held too long.
    const bool refusedInTime = QTest::qWaitFor([&] { return ledger.answered(held); }, 1000);
    const QueryReply early = refusedInTime ? ledger.entry(held).reply : QueryReply{};
    latch->release();
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("completed"));
    QVERIFY(ledger.waitAllAnswered(5s));
    QCOMPARE(ledger.notExactlyOnce(), 0);

    QVERIFY2(refusedInTime, "the held request was still waiting 1 s after its 100 ms hold deadline");
    if (refusedInTime) {
        QCOMPARE(early.status, QueryStatus::Unavailable);
        QVERIFY2(early.error.contains(QLatin1String("hold deadline")), qPrintable(early.error));
    }
}

void ServiceRestartTest::aRestartIsJudgedByTheShardsItLeaves_data()
{
    QTest::addColumn<int>("shards");
    QTest::addColumn<bool>("legacy");
    QTest::addColumn<QString>("outcome");
    QTest::addColumn<QString>("message");
    QTest::newRow("a legacy restart of four shards leaves three canceled: failed")
        << 4 << true << QStringLiteral("failed")
        << QStringLiteral("3 of 4 shards canceled after a legacy restart (shards 1-3): requests to them get 503");
    QTest::newRow("a legacy restart of one shard leaves it serving: completed")
        << 1 << true << QStringLiteral("completed") << QStringLiteral("shard 0 serves v2");
    QTest::newRow("a phased restart leaves every shard serving: completed")
        << 4 << false << QStringLiteral("completed") << QStringLiteral("every shard serves v2");
}

void ServiceRestartTest::aRestartIsJudgedByTheShardsItLeaves()
{
    QFETCH(int, shards);
    QFETCH(bool, legacy);
    QFETCH(QString, outcome);
    QFETCH(QString, message);
    auto service = startService(smallConfig(shards));
    RestartOptions options = fastOptions();
    options.mode = legacy ? RestartMode::Legacy : RestartMode::Phased;
    const CommandTicket t = service->requestRestart(options);
    QVERIFY(t.accepted());
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    QCOMPARE(finished->outcome, outcome);
    QCOMPARE(finished->message, message);
    QCOMPARE(finished->severity == Severity::Info, outcome == QStringLiteral("completed"));
}

QTEST_GUILESS_MAIN(ServiceRestartTest)
#include "tst_service_restart.moc"
