// ShardService in-process (no HTTP): a restart that cannot finish rolls every shard back
// to the old version: actor creation failing on any one shard (the ActorFactory seam), a
// failed or silent verify probe, a bad graph (the GraphLoader seam).
#include "tests/backend/ServiceTestSupport.h"

using namespace shardscope::servicetest;

class ServiceRollbackTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void actorCreationFailingOnOneShardRollsEveryShardBack_data();
    void actorCreationFailingOnOneShardRollsEveryShardBack();
    void aFailedVerifyProbeRollsEveryShardBack_data();
    void aFailedVerifyProbeRollsEveryShardBack();
    void aVerifyTimeoutRollsBackAndNamesTheSilentShard();
    void aBadGraphAbortsTheRestartBeforeTheGateCloses();
};
void ServiceRollbackTest::actorCreationFailingOnOneShardRollsEveryShardBack_data()
{
    QTest::addColumn<int>("failingShard");
    QTest::addColumn<bool>("throws");
    for (int k = 0; k < 4; ++k) {
        QTest::addRow("creation returns null on shard %d", k) << k << false;
        QTest::addRow("creation throws on shard %d", k) << k << true;
    }
}

void ServiceRollbackTest::actorCreationFailingOnOneShardRollsEveryShardBack()
{
    ReplyLedger ledger; // before the service: destroyed after it
    QFETCH(int, failingShard);
    QFETCH(bool, throws);

    ServiceConfig config = smallConfig(4);
    config.actorFactory = failingOn(failingShard, throws);
    auto service = startService(std::move(config));
    QVERIFY(service->snapshot().ready());

    const CommandTicket t = service->requestRestart(fastOptions());
    QCOMPARE(test::nameOf(t.refusal), QStringLiteral("none"));
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("rolled_back"));
    QCOMPARE(finished->version, Version(1));
    const QString shardName = QStringLiteral("shard %1").arg(failingShard);
    QVERIFY2(finished->message.contains(shardName), qPrintable(finished->message));
    const QString cause = throws ? QStringLiteral("injected exception from the actor factory")
                                 : QStringLiteral("injected creation failure");
    QVERIFY2(finished->message.contains(cause), qPrintable(finished->message));
    // No other shard is blamed.
    for (int other = 0; other < 4; ++other) {
        if (other != failingShard)
            QVERIFY2(!finished->message.contains(QStringLiteral("failed on shard %1").arg(other)), qPrintable(finished->message));
    }

    const ServiceSnapshot snap = service->snapshot();
    QByteArray why;
    QVERIFY2(allShards(snap, ShardState::Serving, 1, &why), why.constData());
    QCOMPARE(snap.version, Version(1));
    QVERIFY(snap.ready());
    COMPARE_NAMED(snap.phase, ServicePhase::Serving);

    // Queries still succeed afterwards, on v1, on every shard and round-robin.
    for (int i = 0; i < 4; ++i) {
        service->submitQuery(echoOn(i), ledger.make().second);
        service->submitQuery(query(QStringLiteral("degree"), {{QStringLiteral("v"), 7}}), ledger.make().second);
    }
    QVERIFY(ledger.waitAllAnswered(5s));
    for (const auto &e : ledger.entries()) {
        QVERIFY2(e.reply.ok(), qPrintable(e.reply.error));
        QCOMPARE(e.reply.version, Version(1));
    }
    QCOMPARE(ledger.notExactlyOnce(), 0);
}

void ServiceRollbackTest::aFailedVerifyProbeRollsEveryShardBack_data()
{
    QTest::addColumn<int>("brokenShard");
    QTest::newRow("the first shard's new actor is broken") << 0;
    QTest::newRow("the last shard's new actor is broken") << 3;
}

void ServiceRollbackTest::aFailedVerifyProbeRollsEveryShardBack()
{
    ReplyLedger ledger; // before the service: destroyed after it
    QFETCH(int, brokenShard);
    ServiceConfig config = smallConfig(4);
    ActorFactory base = defaultActorFactory();
    config.actorFactory = [base, brokenShard](const ActorSpec &spec, QString *error) -> std::unique_ptr<QueryActor> {
        if (spec.shard == brokenShard && spec.version >= 2)
            return std::make_unique<BrokenActor>(spec);
        return base(spec, error);
    };
    auto service = startService(std::move(config));
    const CommandTicket t = service->requestRestart(fastOptions());
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("rolled_back"));
    QVERIFY2(finished->message.contains(QLatin1String("verify")), qPrintable(finished->message));
    QVERIFY2(finished->message.contains(QStringLiteral("shard %1").arg(brokenShard)), qPrintable(finished->message));
    QByteArray why;
    QVERIFY2(allShards(service->snapshot(), ShardState::Serving, 1, &why), why.constData());
    service->submitQuery(echoOn(brokenShard), ledger.make().second);
    QVERIFY(ledger.waitAllAnswered(5s));
    QVERIFY2(ledger.entry(0).reply.ok(), qPrintable(ledger.entry(0).reply.error));
    QCOMPARE(ledger.entry(0).reply.version, Version(1));
}

void ServiceRollbackTest::aVerifyTimeoutRollsBackAndNamesTheSilentShard()
{
    ReplyLedger ledger; // before the service: destroyed after it
    constexpr int kSilent = 2;
    ServiceConfig config = smallConfig(4);
    ActorFactory base = defaultActorFactory();
    config.actorFactory = [base](const ActorSpec &spec, QString *error) -> std::unique_ptr<QueryActor> {
        if (spec.shard == kSilent && spec.version >= 2)
            return std::make_unique<SilentActor>(spec);
        return base(spec, error);
    };
    auto service = startService(std::move(config));
    RestartOptions options = fastOptions();
    options.verifyTimeoutMs = 200;
    const CommandTicket t = service->requestRestart(options);
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("rolled_back"));
    QVERIFY2(finished->message.contains(QLatin1String("verify")), qPrintable(finished->message));
    QByteArray why;
    QVERIFY2(allShards(service->snapshot(), ShardState::Serving, 1, &why), why.constData());
    service->submitQuery(echoOn(kSilent), ledger.make().second);
    QVERIFY(ledger.waitAllAnswered(5s));
    QVERIFY2(ledger.entry(0).reply.ok(), qPrintable(ledger.entry(0).reply.error));
    QCOMPARE(ledger.entry(0).reply.version, Version(1));

    QVERIFY2(finished->message.contains(QStringLiteral("shard %1").arg(kSilent)), qPrintable(finished->message));
}

void ServiceRollbackTest::aBadGraphAbortsTheRestartBeforeTheGateCloses()
{
    ReplyLedger ledger; // before the service: destroyed after it
    const QString loadError = QStringLiteral("edges.txt:7: expected two vertex ids");
    ServiceConfig config = smallConfig(4);
    auto loads = std::make_shared<std::atomic<int>>(0);
    config.graphLoader = [loadError, loads](Version v, QString *error) -> std::shared_ptr<const Graph> {
        ++*loads;
        if (v >= 2) {
            *error = loadError;
            return nullptr;
        }
        return smallGraph();
    };
    auto service = startService(std::move(config));
    QVERIFY(service->snapshot().ready());

    const std::uint64_t before = service->events().lastSeq();
    const CommandTicket t = service->requestRestart(fastOptions());
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("aborted"));
    QCOMPARE(finished->version, Version(1));
    QVERIFY2(finished->message.contains(loadError), qPrintable(finished->message));
    // The graph is read before the gate closes: no shard was gated, drained or touched.
    for (const ServiceEvent &e : service->events().since(before, 1000)) {
        QVERIFY2(e.kind != EventKind::ShardStateChanged, qPrintable(e.message));
        QVERIFY(e.phase != ServicePhase::Draining && e.phase != ServicePhase::Restarting);
    }
    QByteArray why;
    QVERIFY2(allShards(service->snapshot(), ShardState::Serving, 1, &why), why.constData());
    QCOMPARE(service->snapshot().version, Version(1));

    for (int i = 0; i < 4; ++i)
        service->submitQuery(query(QStringLiteral("khop"), {{QStringLiteral("v"), i}, {QStringLiteral("k"), 2}}, i),
                             ledger.make().second);
    QVERIFY(ledger.waitAllAnswered(5s));
    for (const auto &e : ledger.entries()) {
        QVERIFY2(e.reply.ok(), qPrintable(e.reply.error));
        QCOMPARE(e.reply.version, Version(1));
    }
    QCOMPARE(ledger.notExactlyOnce(), 0);
}


QTEST_GUILESS_MAIN(ServiceRollbackTest)
#include "tst_service_rollback.moc"
