// Bounded work: a shard's queue has a limit, every query a deadline, and work whose
// client has gone is discarded; each refusal is a clear error the ledger counts refused.
#include "tests/backend/ServiceTestSupport.h"

using namespace shardscope::servicetest;

namespace {

QueryRequest withDeadline(QueryRequest r, int ms)
{
    r.deadlineMs = ms;
    return r;
}

std::chrono::milliseconds waited(const ReplyLedger::Entry &e)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(e.repliedAt - e.sentAt);
}

// accepted = answered + refused once nothing is in flight, with `refused` refusals.
bool ledgerBalanced(const ShardService &service, std::uint64_t refused, QByteArray *why)
{
    const RequestLedger::Counts c = service.ledger();
    *why = QByteArray("accepted ") + QByteArray::number(qulonglong(c.accepted)) + ", answered "
        + QByteArray::number(qulonglong(c.answered)) + ", refused " + QByteArray::number(qulonglong(c.refused));
    return c.accepted == c.answered + c.refused && c.refused == refused && c.duplicateReplies == 0;
}

} // namespace

class BoundedWorkTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aFullShardQueueRefusesAtOnceWithRetryAfter();
    void aQueryWhoseDeadlinePassesInTheQueueIsNotRun();
    void aSleepingQueryIsAnsweredAtItsDeadline();
    void aSpinStopsAtItsDeadlineAndFreesTheShard();
    void theServiceDefaultDeadlineAppliesWhenARequestNamesNone();
    void aQueryWhoseClientLeftBeforeItRanIsDiscarded();
    void aStuckQueryWhoseClientLeftDoesNotBlockADefaultRestart();
};

void BoundedWorkTest::aFullShardQueueRefusesAtOnceWithRetryAfter()
{
    ReplyLedger ledger; // before the service: destroyed after it
    ServiceConfig config = smallConfig(2);
    config.queueLimit = 3;
    auto service = startService(std::move(config));
    service->submitQuery(spinOn(0, 1000), ledger.make().second);
    QVERIFY(waitUntilDequeued(*service, 0, 1));
    for (int i = 0; i < 3; ++i)
        service->submitQuery(echoOn(0), ledger.make().second);
    auto [full, fn] = ledger.make();
    service->submitQuery(echoOn(0), fn);
    // Refused on the sending thread, while the spin still holds the shard.
    QVERIFY(ledger.answered(full));
    QCOMPARE(service->snapshot().shards[0].queueDepth, 3u);
    const auto e = ledger.entry(full);
    QCOMPARE(e.reply.status, QueryStatus::Unavailable);
    QCOMPARE(e.reply.retryAfterSeconds, 1);
    QCOMPARE(e.reply.shard, 0);
    QVERIFY2(e.reply.error.contains(QLatin1String("shard 0's queue is full (limit 3); retry later")), qPrintable(e.reply.error));
    // Another shard's queue is its own.
    service->submitQuery(echoOn(1), ledger.make().second);

    QVERIFY(ledger.waitAllAnswered(10s));
    int ok = 0;
    for (const auto &entry : ledger.entries())
        ok += entry.reply.ok();
    QCOMPARE(ok, 5);
    QCOMPARE(ledger.notExactlyOnce(), 0);
    QByteArray why;
    QVERIFY2(ledgerBalanced(*service, 1, &why), why.constData());
}

void BoundedWorkTest::aQueryWhoseDeadlinePassesInTheQueueIsNotRun()
{
    ReplyLedger ledger;
    auto service = startService(smallConfig(2));
    service->submitQuery(spinOn(0, 800), ledger.make().second);
    QVERIFY(waitUntilDequeued(*service, 0, 1));
    auto [late, fn] = ledger.make();
    service->submitQuery(withDeadline(echoOn(0), 100), fn);
    QVERIFY(ledger.waitAllAnswered(10s));
    const auto e = ledger.entry(late);
    QCOMPARE(e.reply.status, QueryStatus::DeadlineExceeded);
    QVERIFY2(e.reply.error.startsWith(QLatin1String("deadline exceeded: the query waited ")), qPrintable(e.reply.error));
    QVERIFY2(e.reply.error.endsWith(QLatin1String("for shard 0 and was not run")), qPrintable(e.reply.error));
    QVERIFY(waited(e) >= 100ms);
    QCOMPARE(service->snapshot().shards[0].processed, 1u); // the spin only
    QByteArray why;
    QVERIFY2(ledgerBalanced(*service, 1, &why), why.constData());
}

void BoundedWorkTest::aSleepingQueryIsAnsweredAtItsDeadline()
{
    ReplyLedger ledger;
    auto service = startService(smallConfig(2));
    auto [sleeping, fn] = ledger.make();
    service->submitQuery(withDeadline(sleepOn(1, 60000), 200), fn);
    QVERIFY(ledger.waitAllAnswered(10s));
    const auto e = ledger.entry(sleeping);
    QCOMPARE(e.reply.status, QueryStatus::DeadlineExceeded);
    QVERIFY2(e.reply.error.contains(QLatin1String("had not finished on shard 1")), qPrintable(e.reply.error));
    QVERIFY(waited(e) >= 200ms && waited(e) < 10s);
    QTRY_COMPARE_WITH_TIMEOUT(service->snapshot().shards[1].inFlight, 0u, 5000); // counted out just after the reply
    QByteArray why;
    QVERIFY2(ledgerBalanced(*service, 1, &why), why.constData());
}

void BoundedWorkTest::aSpinStopsAtItsDeadlineAndFreesTheShard()
{
    ReplyLedger ledger;
    auto service = startService(smallConfig(2));
    auto [spinning, fn] = ledger.make();
    service->submitQuery(withDeadline(spinOn(0, 10000), 200), fn);
    auto [next, nextFn] = ledger.make();
    service->submitQuery(echoOn(0), nextFn);
    QVERIFY(ledger.waitAllAnswered(10s));
    const auto e = ledger.entry(spinning);
    QCOMPARE(e.reply.status, QueryStatus::DeadlineExceeded);
    QVERIFY2(e.reply.error.startsWith(QLatin1String("deadline exceeded: spin stopped after ")), qPrintable(e.reply.error));
    QVERIFY2(e.reply.error.endsWith(QLatin1String(" of 10000 ms")), qPrintable(e.reply.error));
    QVERIFY(waited(e) < 5s);
    QVERIFY(ledger.entry(next).reply.ok());
    QVERIFY(ledger.entry(next).repliedAt < e.sentAt + 5s);
    QByteArray why;
    QVERIFY2(ledgerBalanced(*service, 1, &why), why.constData());
}

void BoundedWorkTest::theServiceDefaultDeadlineAppliesWhenARequestNamesNone()
{
    ReplyLedger ledger;
    ServiceConfig config = smallConfig(2);
    config.queryDeadlineMs = 150;
    auto service = startService(std::move(config));
    auto [byDefault, fn] = ledger.make();
    service->submitQuery(sleepOn(0, 60000), fn);
    auto [ownDeadline, ownFn] = ledger.make();
    service->submitQuery(withDeadline(sleepOn(1, 400), 5000), ownFn); // its own, longer deadline
    QVERIFY(ledger.waitAllAnswered(10s));
    QCOMPARE(ledger.entry(byDefault).reply.status, QueryStatus::DeadlineExceeded);
    QVERIFY(waited(ledger.entry(byDefault)) >= 150ms);
    QVERIFY2(ledger.entry(ownDeadline).reply.ok(), qPrintable(ledger.entry(ownDeadline).reply.error));
    QByteArray why;
    QVERIFY2(ledgerBalanced(*service, 1, &why), why.constData());
}

void BoundedWorkTest::aQueryWhoseClientLeftBeforeItRanIsDiscarded()
{
    ReplyLedger ledger;
    auto service = startService(smallConfig(2));
    service->submitQuery(spinOn(0, 500), ledger.make().second);
    QVERIFY(waitUntilDequeued(*service, 0, 1));
    auto gone = std::make_shared<std::atomic<bool>>(false);
    QueryRequest r = echoOn(0);
    r.clientGone = gone;
    auto [left, fn] = ledger.make();
    service->submitQuery(std::move(r), fn);
    gone->store(true); // the connection closed while the query waited behind the spin
    QVERIFY(ledger.waitAllAnswered(10s));
    const auto e = ledger.entry(left);
    QCOMPARE(e.reply.status, QueryStatus::Unavailable);
    QCOMPARE(e.reply.error, QStringLiteral("discarded: the client went away before shard 0 ran the query"));
    QCOMPARE(service->snapshot().shards[0].processed, 1u);
    QByteArray why;
    QVERIFY2(ledgerBalanced(*service, 1, &why), why.constData());
}

void BoundedWorkTest::aStuckQueryWhoseClientLeftDoesNotBlockADefaultRestart()
{
    ReplyLedger ledger;
    ServiceConfig config = smallConfig(3);
    config.enableFaults = true;
    config.queryDeadlineMs = 500;
    auto service = startService(std::move(config));
    QString description;
    QVERIFY(service->injectFault(QJsonObject{{QStringLiteral("fault"), QStringLiteral("stuck")}, {QStringLiteral("shard"), 1}},
                                 &description).accepted());
    auto gone = std::make_shared<std::atomic<bool>>(false);
    QueryRequest r = echoOn(1);
    r.clientGone = gone;
    auto [stuck, fn] = ledger.make();
    service->submitQuery(std::move(r), fn);
    QVERIFY(waitUntilDequeued(*service, 1, 1));
    gone->store(true);

    // The restart's defaults (a 3 s drain that aborts on timeout) complete: the stuck
    // query's deadline answers it first.
    const CommandTicket t = service->requestRestart(service->config().restartDefaults);
    const auto finished = waitFinished(*service, t);
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("completed"));
    QVERIFY(ledger.waitAllAnswered(5s));
    QCOMPARE(ledger.entry(stuck).reply.status, QueryStatus::DeadlineExceeded);
    QByteArray why;
    QVERIFY2(allShards(service->snapshot(), ShardState::Serving, 2, &why), why.constData());
    QVERIFY2(ledgerBalanced(*service, 1, &why), why.constData());
}

QTEST_GUILESS_MAIN(BoundedWorkTest)
#include "tst_bounded_work.moc"
