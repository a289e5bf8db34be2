// ShardService in-process (no HTTP): the seed's legacy restart next to the phased one,
// and a phased restart under concurrent load that loses no request.
// Every scenario also checks that each ReplyFn was called exactly once.
#include "tests/backend/ServiceTestSupport.h"

using namespace shardscope::servicetest;

class ServiceLoadTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aLegacyRestartLeavesShardsOneToThreeCanceledAndPhasedHealsIt();

    void aPhasedRestartUnderLoadLosesNoRequest_data();
    void aPhasedRestartUnderLoadLosesNoRequest();
};

// e. The seed's bug, kept on purpose, and its cure.
void ServiceLoadTest::aLegacyRestartLeavesShardsOneToThreeCanceledAndPhasedHealsIt()
{
    ReplyLedger pinned;
    ReplyLedger afterHeal;
    auto service = startService(smallConfig(4));
    RestartOptions legacy = fastOptions();
    legacy.mode = RestartMode::Legacy;
    const CommandTicket t = service->requestRestart(legacy);
    QCOMPARE(test::nameOf(t.refusal), QStringLiteral("none"));
    QVERIFY(waitFinished(*service, t));

    ServiceSnapshot snap = service->snapshot();
    COMPARE_NAMED(snap.shards[0].state, ShardState::Serving);
    QCOMPARE(snap.shards[0].version, Version(2));
    for (int i = 1; i < 4; ++i)
        COMPARE_NAMED(snap.shards[std::size_t(i)].state, ShardState::Canceled);
    QVERIFY(!snap.ready());

    std::vector<int> idx;
    for (int i = 0; i < 4; ++i) {
        auto [index, fn] = pinned.make();
        idx.push_back(index);
        service->submitQuery(echoOn(i), fn);
    }
    QVERIFY(pinned.waitAllAnswered(5s));
    const auto zero = pinned.entry(idx[0]);
    QVERIFY2(zero.reply.ok(), qPrintable(zero.reply.error));
    QCOMPARE(zero.reply.version, Version(2));
    for (int i = 1; i < 4; ++i) {
        const auto e = pinned.entry(idx[std::size_t(i)]);
        QCOMPARE(e.reply.status, QueryStatus::Unavailable);
        QCOMPARE(e.reply.error, canceledMessage());
        QCOMPARE(e.reply.shard, i);
    }
    QCOMPARE(pinned.notExactlyOnce(), 0);

    // A phased restart heals it: every shard serves v3.
    const CommandTicket heal = service->requestRestart(fastOptions());
    QCOMPARE(test::nameOf(heal.refusal), QStringLiteral("none"));
    const auto healed = waitFinished(*service, heal);
    QVERIFY(healed);
    QCOMPARE(healed->outcome, QStringLiteral("completed"));
    snap = service->snapshot();
    QByteArray why;
    QVERIFY2(allShards(snap, ShardState::Serving, 3, &why), why.constData());
    QVERIFY(snap.ready());
    for (int i = 0; i < 4; ++i)
        service->submitQuery(echoOn(i), afterHeal.make().second);
    QVERIFY(afterHeal.waitAllAnswered(5s));
    for (const auto &e : afterHeal.entries()) {
        QVERIFY2(e.reply.ok(), qPrintable(e.reply.error));
        QCOMPARE(e.reply.version, Version(3));
    }
    QCOMPARE(afterHeal.notExactlyOnce(), 0);
}

// f. A phased restart while clients send the whole time.
void ServiceLoadTest::aPhasedRestartUnderLoadLosesNoRequest_data()
{
    QTest::addColumn<int>("clients");
    QTest::addColumn<int>("window"); // requests each client keeps in flight
    QTest::newRow("four clients, one request at a time") << 4 << 1;
    QTest::newRow("four clients, eight requests in flight each") << 4 << 8;
}

void ServiceLoadTest::aPhasedRestartUnderLoadLosesNoRequest()
{
    ReplyLedger ledger; // before the service: destroyed after it
    QFETCH(int, clients);
    QFETCH(int, window);
    constexpr int kAfterFinish = 300; // requests each client sends after the restart finished
    constexpr int kHardCap = 50000;   // per client, whatever happens

    auto service = startService(smallConfig(4));
    std::atomic<bool> restartFinished{false};
    std::atomic<int> stalled{0};
    // Per client: ledger indices in submission order.
    std::vector<std::vector<int>> order(static_cast<std::size_t>(clients));
    std::vector<std::atomic<int>> sentBy(static_cast<std::size_t>(clients));

    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
            // Shared with the reply callbacks, which may outlive this thread if it gives up.
            struct Window {
                std::mutex m;
                std::condition_variable cv;
                int outstanding = 0;
            };
            auto w = std::make_shared<Window>();
            int afterFinish = 0;
            for (int n = 0; n < kHardCap && afterFinish < kAfterFinish; ++n) {
                {
                    std::unique_lock lock(w->m);
                    if (!w->cv.wait_for(lock, 10s, [&] { return w->outstanding < window; })) {
                        ++stalled;
                        return;
                    }
                    ++w->outstanding;
                }
                auto [index, fn] = ledger.make();
                order[std::size_t(c)].push_back(index);
                service->submitQuery(echoOn(-1), [w, fn = std::move(fn)](QueryReply r) {
                    fn(std::move(r));
                    std::lock_guard lock(w->m);
                    --w->outstanding;
                    w->cv.notify_one();
                });
                ++sentBy[std::size_t(c)];
                if (restartFinished.load())
                    ++afterFinish;
            }
            std::unique_lock lock(w->m);
            if (!w->cv.wait_for(lock, 10s, [&] { return w->outstanding == 0; }))
                ++stalled;
        });
    }

    // Restart once every client is under way.
    QVERIFY(QTest::qWaitFor([&] {
        for (const auto &s : sentBy) {
            if (s.load() < 50)
                return false;
        }
        return true;
    }, 10000));
    // A sleep in flight keeps the drain open for a while, so clients' requests are held.
    auto [slow, slowFn] = ledger.make();
    service->submitQuery(sleepOn(0, 300), slowFn);
    const CommandTicket t = service->requestRestart(fastOptions());
    QCOMPARE(test::nameOf(t.refusal), QStringLiteral("none"));
    const bool sawHeld = QTest::qWaitFor([&] { return service->snapshot().heldRequests > 0; }, 5000);
    const auto finished = waitFinished(*service, t);
    restartFinished = true;
    for (auto &th : threads)
        th.join();
    QVERIFY(finished);
    QCOMPARE(finished->outcome, QStringLiteral("completed"));
    QCOMPARE(stalled.load(), 0);
    QVERIFY2(sawHeld, "no request was ever held at the gate: the hold path was not exercised");

    QVERIFY(ledger.waitAllAnswered(10s));
    QVERIFY(ledger.entry(slow).reply.ok());
    QCOMPARE(ledger.entry(slow).reply.version, Version(1));
    QCOMPARE(ledger.replied(), ledger.sent());
    QCOMPARE(ledger.notExactlyOnce(), 0);

    const std::vector<ReplyLedger::Entry> entries = ledger.entries();
    int failures = 0;
    int onOld = 0;
    int onNew = 0;
    int otherVersion = 0;
    QString firstFailure;
    for (const auto &e : entries) {
        if (!e.reply.ok()) {
            if (failures++ == 0)
                firstFailure = e.reply.error;
            continue;
        }
        if (e.reply.version == 1)
            ++onOld;
        else if (e.reply.version == 2)
            ++onNew;
        else
            ++otherVersion;
    }
    QVERIFY2(failures == 0, qPrintable(QStringLiteral("%1 failed requests; first: %2").arg(failures).arg(firstFailure)));
    QCOMPARE(otherVersion, 0);
    QVERIFY(onOld > 0);
    QVERIFY(onNew >= clients * kAfterFinish);

    // Per client, in submission order: once a request was served by v2, every later one is.
    int backwards = 0;
    for (const auto &indices : order) {
        bool seenNew = false;
        for (int index : indices) {
            const Version v = entries[std::size_t(index)].reply.version;
            if (v == 2)
                seenNew = true;
            else if (seenNew)
                ++backwards;
        }
    }
    QCOMPARE(backwards, 0);

    QByteArray why;
    QVERIFY2(allShards(service->snapshot(), ShardState::Serving, 2, &why), why.constData());
    QCOMPARE(service->snapshot().heldRequests, 0u);
}

QTEST_GUILESS_MAIN(ServiceLoadTest)
#include "tst_service_load.moc"
