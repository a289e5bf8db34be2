// Every way a restart can end leaves every shard in the state that matches what it does:
// a shard that serves says serving (never draining or verifying), and the service is
// ready again as soon as every shard serves one version. Each test looks at the shards
// right after the restart's finished event, well within one 100 ms snapshot frame.
#include "tests/backend/ServiceTestSupport.h"

using namespace shardscope::servicetest;

namespace {

constexpr int kFrameMs = 100; // one snapshot frame of /v1/stream and the console

// A shard is held by a spin on its thread: it can run no control message until the spin
// ends, the case where a restart used to leave its state behind.
constexpr int kHoldMs = 4000;

RestartOptions heldShardOptions()
{
    RestartOptions o = fastOptions();
    o.prepareTimeoutMs = 3000; // outlasts the first spin
    o.drainTimeoutMs = 300;
    o.restartTimeoutPerShardMs = 500;
    return o;
}

RestartOptions forcedDrainOptions()
{
    RestartOptions o = heldShardOptions();
    o.drainPolicy = DrainTimeoutPolicy::Force;
    return o;
}

QByteArray describe(const ServiceSnapshot &snap)
{
    QByteArray text;
    for (const ShardSnapshot &sh : snap.shards)
        text += "shard " + QByteArray::number(sh.id) + ": " + toString(sh.state).data() + " v"
            + QByteArray::number(qulonglong(sh.version)) + "; ";
    return text + (snap.ready() ? "ready" : "not ready");
}

bool servingOneVersion(const ServiceSnapshot &snap, Version v)
{
    return snap.ready() && allShards(snap, ShardState::Serving, v);
}

// The recipe: two spins pinned to `shard`, a short one and a long one. A restart
// asked for during the first gates the shard between them; the second then holds the
// shard's thread through the drain and beyond. Returns the long one's index.
int holdShard(ShardService &service, ReplyLedger &ledger, ShardId shard)
{
    service.submitQuery(spinOn(shard, 800), ledger.make().second);
    auto [index, fn] = ledger.make();
    service.submitQuery(spinOn(shard, kHoldMs), fn);
    const bool firstRuns = QTest::qWaitFor([&] {
        const ShardSnapshot sh = service.snapshot().shards[std::size_t(shard)];
        return sh.inFlight == 2 && sh.queueDepth == 1;
    }, 5000);
    if (!firstRuns)
        qWarning("the first spin never started on shard %d", shard);
    return index;
}

// Fails every actor creation on `shard` after its first (the start).
ActorFactory failingAfterStartOn(ShardId shard)
{
    auto created = std::make_shared<std::atomic<int>>(0);
    ActorFactory base = defaultActorFactory();
    return [=](const ActorSpec &spec, QString *error) -> std::unique_ptr<QueryActor> {
        if (spec.shard == shard && created->fetch_add(1) > 0) {
            *error = QStringLiteral("injected creation failure");
            return nullptr;
        }
        return base(spec, error);
    };
}

// An actor whose spin never yields (as a long computation with no preemption point would):
// its shard runs nothing else, control messages included, until the spin ends.
class HoggingActor : public QueryActor
{
public:
    using QueryActor::QueryActor;
    ProcedureOutcome handle(const QueryRequest &request) override
    {
        if (request.procedure != QLatin1String("spin"))
            return QueryActor::handle(request);
        const auto until = Clock::now() + std::chrono::milliseconds(request.args.value(QStringLiteral("ms")).toInt());
        while (Clock::now() < until) {
        }
        return ProcedureOutcome::done(QJsonObject{});
    }
};

ActorFactory hogging()
{
    return [](const ActorSpec &spec, QString *) -> std::unique_ptr<QueryActor> { return std::make_unique<HoggingActor>(spec); };
}

} // namespace

class RestartEndingsTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aCompletedRestartLeavesEveryShardServingTheNewVersion();
    void aDrainTimeoutAbortLeavesNoShardDrainingBehindAHeldShard();
    void anOperatorAbortLeavesNoShardDrainingBehindAHeldShard();
    void aForcedDrainLeavesEveryShardServingTheNewVersion();
    void aForcedDrainCancelsARunningSpinAndEveryShardServesTheNewVersion();
    void aForcedDrainThatCannotReachAHeldShardStillLeavesEveryShardServing();
    void aRolledBackRestartLeavesEveryShardServingTheOldVersion();
    void aFailedRollbackLeavesTheShardFailedAndTheRestServing();
    void aZeroOrOneMsRestartTimeoutLeavesEveryShardServingOneVersion_data();
    void aZeroOrOneMsRestartTimeoutLeavesEveryShardServingOneVersion();
};

void RestartEndingsTest::aCompletedRestartLeavesEveryShardServingTheNewVersion()
{
    auto service = startService(smallConfig(4));
    const CommandTicket t = service->requestRestart(fastOptions());
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    const ServiceSnapshot snap = service->snapshot();
    QCOMPARE(finished->outcome, QStringLiteral("completed"));
    QVERIFY2(servingOneVersion(snap, 2), describe(snap).constData());
}

void RestartEndingsTest::aDrainTimeoutAbortLeavesNoShardDrainingBehindAHeldShard()
{
    ReplyLedger ledger; // before the service: destroyed after it
    auto service = startService(smallConfig(4));
    const int held = holdShard(*service, ledger, 2);
    const CommandTicket t = service->requestRestart(heldShardOptions());
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    const ServiceSnapshot snap = service->snapshot();
    QCOMPARE(finished->outcome, QStringLiteral("aborted"));
    QVERIFY2(servingOneVersion(snap, 1), describe(snap).constData());
    // Still so once the held shard is free again (its queued state changes are not stale).
    QVERIFY(ledger.waitAllAnswered(std::chrono::milliseconds(kHoldMs + 5000)));
    QVERIFY(ledger.entry(held).reply.ok());
    const ServiceSnapshot later = service->snapshot();
    QVERIFY2(servingOneVersion(later, 1), describe(later).constData());
}

void RestartEndingsTest::anOperatorAbortLeavesNoShardDrainingBehindAHeldShard()
{
    ReplyLedger ledger;
    auto service = startService(smallConfig(4));
    holdShard(*service, ledger, 1);
    RestartOptions options = heldShardOptions();
    options.drainTimeoutMs = 30000;
    const CommandTicket t = service->requestRestart(options);
    QVERIFY(QTest::qWaitFor([&] { return service->snapshot().phase == ServicePhase::Draining; }, 5000));
    QCOMPARE(test::nameOf(service->requestAbort().refusal), QStringLiteral("none"));
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    const ServiceSnapshot snap = service->snapshot();
    QCOMPARE(finished->outcome, QStringLiteral("aborted"));
    QVERIFY2(servingOneVersion(snap, 1), describe(snap).constData());
    QVERIFY(ledger.waitAllAnswered(std::chrono::milliseconds(kHoldMs + 5000)));
    const ServiceSnapshot later = service->snapshot();
    QVERIFY2(servingOneVersion(later, 1), describe(later).constData());
}

void RestartEndingsTest::aForcedDrainLeavesEveryShardServingTheNewVersion()
{
    ReplyLedger ledger;
    auto service = startService(smallConfig(4));
    service->submitQuery(sleepOn(3, 30000), ledger.make().second);
    QVERIFY(waitUntilDequeued(*service, 3, 1));
    const RestartOptions options = forcedDrainOptions();
    const CommandTicket t = service->requestRestart(options);
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    const ServiceSnapshot snap = service->snapshot();
    QCOMPARE(finished->outcome, QStringLiteral("completed"));
    QVERIFY2(servingOneVersion(snap, 2), describe(snap).constData());
    QVERIFY(ledger.waitAllAnswered(5s));
}

void RestartEndingsTest::aForcedDrainCancelsARunningSpinAndEveryShardServesTheNewVersion()
{
    ReplyLedger ledger;
    auto service = startService(smallConfig(4));
    auto [spin, fn] = ledger.make();
    service->submitQuery(spinOn(2, kHoldMs), fn);
    QVERIFY(waitUntilDequeued(*service, 2, 1));
    const RestartOptions options = forcedDrainOptions();
    const auto requestedAt = Clock::now();
    const CommandTicket t = service->requestRestart(options);
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    const ServiceSnapshot snap = service->snapshot();
    QCOMPARE(finished->outcome, QStringLiteral("completed"));
    QVERIFY2(servingOneVersion(snap, 2), describe(snap).constData());
    // The spin was canceled between two of its slices, not left to run out.
    QVERIFY(ledger.waitAllAnswered(5s));
    const auto e = ledger.entry(spin);
    QCOMPARE(e.reply.status, QueryStatus::Unavailable);
    QVERIFY2(e.reply.error.contains(QLatin1String("forced its drain")), qPrintable(e.reply.error));
    QVERIFY(e.repliedAt - requestedAt < std::chrono::milliseconds(kHoldMs));
    const auto drain = phaseEnded(*service, t.restartId, ServicePhase::Draining);
    QVERIFY(drain);
    QVERIFY2(drain->message.contains(QLatin1String("canceled 1 request with 503 (1 running, 0 queued, 0 waiting)")),
             qPrintable(drain->message));
}

void RestartEndingsTest::aForcedDrainThatCannotReachAHeldShardStillLeavesEveryShardServing()
{
    ReplyLedger ledger;
    ServiceConfig config = smallConfig(4);
    config.actorFactory = hogging();
    auto service = startService(std::move(config));
    // A spin that never yields, already running: the forced drain's cancel cannot reach it.
    service->submitQuery(spinOn(2, kHoldMs), ledger.make().second);
    QVERIFY(waitUntilDequeued(*service, 2, 1));
    const RestartOptions options = forcedDrainOptions();
    const CommandTicket t = service->requestRestart(options);
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    const ServiceSnapshot snap = service->snapshot();
    // Shard 2 could not be restarted or rolled back while its thread spun; it still
    // serves v1 on its old actor, and says so.
    QCOMPARE(finished->outcome, QStringLiteral("rollback_failed"));
    QVERIFY2(finished->message.contains(QLatin1String("shard 2 did not answer")), qPrintable(finished->message));
    // The drain's event says the cancel did not reach it, and what it left in flight.
    const auto drain = phaseEnded(*service, t.restartId, ServicePhase::Draining);
    QVERIFY(drain);
    QVERIFY2(drain->message.contains(QLatin1String("canceled 0 requests with 503"))
                 && drain->message.contains(QLatin1String("shard 2 did not take the cancel"))
                 && drain->message.contains(QLatin1String("1 request still in flight")),
             qPrintable(drain->message));
    QVERIFY2(servingOneVersion(snap, 1), describe(snap).constData());
    // Its rollback runs once the spin ends: the shard is re-created on v1 and serves again.
    QVERIFY(ledger.waitAllAnswered(std::chrono::milliseconds(kHoldMs + 5000)));
    QTRY_VERIFY2_WITH_TIMEOUT(servingOneVersion(service->snapshot(), 1) && service->snapshot().shards[2].generation > snap.shards[2].generation,
                              describe(service->snapshot()).constData(), 5000);
}

void RestartEndingsTest::aRolledBackRestartLeavesEveryShardServingTheOldVersion()
{
    ServiceConfig config = smallConfig(4);
    config.actorFactory = failingOn(2, false);
    auto service = startService(std::move(config));
    const CommandTicket t = service->requestRestart(fastOptions());
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    const ServiceSnapshot snap = service->snapshot();
    QCOMPARE(finished->outcome, QStringLiteral("rolled_back"));
    QVERIFY2(servingOneVersion(snap, 1), describe(snap).constData());
}

void RestartEndingsTest::aFailedRollbackLeavesTheShardFailedAndTheRestServing()
{
    ServiceConfig config = smallConfig(4);
    config.actorFactory = failingAfterStartOn(2);
    config.supervision.restart = false; // the shard stays as the rollback left it
    auto service = startService(std::move(config));
    const CommandTicket t = service->requestRestart(fastOptions());
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    const ServiceSnapshot snap = service->snapshot();
    // Judged by the shards it left: failed, with the rollback's failure after the shard's.
    QCOMPARE(finished->outcome, QStringLiteral("failed"));
    QVERIFY2(finished->message.contains(QLatin1String("rollback failed")), qPrintable(finished->message));
    for (const ShardSnapshot &sh : snap.shards) {
        const ShardState expected = sh.id == 2 ? ShardState::Failed : ShardState::Serving;
        QVERIFY2(sh.state == expected, describe(snap).constData());
    }
    QVERIFY2(!snap.ready(), describe(snap).constData());
}

void RestartEndingsTest::aZeroOrOneMsRestartTimeoutLeavesEveryShardServingOneVersion_data()
{
    QTest::addColumn<int>("timeoutMs");
    QTest::newRow("restart_timeout_ms 0") << 0;
    QTest::newRow("restart_timeout_ms 1") << 1;
}

void RestartEndingsTest::aZeroOrOneMsRestartTimeoutLeavesEveryShardServingOneVersion()
{
    QFETCH(int, timeoutMs);
    auto service = startService(smallConfig(4));
    for (int round = 0; round < 10; ++round) {
        RestartOptions options = fastOptions();
        options.restartTimeoutPerShardMs = timeoutMs;
        const CommandTicket t = service->requestRestart(options);
        QCOMPARE(test::nameOf(t.refusal), QStringLiteral("none"));
        const auto finished = waitFinished(*service, t);
        QVERIFY(finished);
        // A replacement that outran its timeout may still be finishing on its shard (that
        // shard says restarting, which is true); within a frame every shard serves one version.
        QTRY_VERIFY2_WITH_TIMEOUT(service->snapshot().ready() && service->snapshot().distinctVersions() == 1,
                                  (finished->outcome + QLatin1String(": ") + finished->message + QLatin1String("; ")
                                   + QString::fromLatin1(describe(service->snapshot()))).toUtf8().constData(),
                                  kFrameMs);
        const ServiceSnapshot snap = service->snapshot();
        QVERIFY2(allShards(snap, ShardState::Serving, snap.shards[0].version), describe(snap).constData());
        if (finished->outcome == QLatin1String("completed"))
            QCOMPARE(snap.shards[0].version, finished->version);
    }
}

QTEST_GUILESS_MAIN(RestartEndingsTest)
#include "tst_restart_endings.moc"
