// Shards as strands on a pool of workers (ShardPool): a spinning shard does not stop its
// neighbours, one shard's messages run one at a time and in order whoever sends them,
// a shutdown answers every queued message exactly once, and 1024 shards restart under
// load without a failed request.
#include "tests/backend/ServiceTestSupport.h"

#include "backend/runtime/Shard.h"
#include "backend/runtime/ShardPool.h"

using namespace shardscope::servicetest;

namespace {

ServiceConfig poolConfig(int shards, int threads)
{
    ServiceConfig c = smallConfig(shards);
    c.threads = threads;
    return c;
}

} // namespace

class ShardPoolTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aSpinningShardDoesNotStopItsNeighboursOnTheSameWorker_data();
    void aSpinningShardDoesNotStopItsNeighboursOnTheSameWorker();
    void aSleepingQueryOccupiesNoWorker();
    void oneShardsMessagesRunOneAtATimeInOrderUnderManySenders();
    void stoppingAnswersEveryQueuedMessageOnceWhileEveryWorkerIsBusy();
    void aThousandShardsRestartUnderLoadWithNoFailedRequest();
};

void ShardPoolTest::aSpinningShardDoesNotStopItsNeighboursOnTheSameWorker_data()
{
    QTest::addColumn<int>("threads");
    QTest::addColumn<int>("spinning"); // shards 0..spinning-1 spin
    QTest::newRow("one worker, one shard spinning") << 1 << 1;
    QTest::newRow("two workers, both held by spinning shards") << 2 << 2;
}

void ShardPoolTest::aSpinningShardDoesNotStopItsNeighboursOnTheSameWorker()
{
    QFETCH(int, threads);
    QFETCH(int, spinning);
    constexpr int kShards = 8;
    constexpr int kSpinMs = 6000;
    // Far below the spin, far above one batch: a loaded 2-core machine still meets it.
    constexpr auto kBound = 2000ms;
    ReplyLedger ledger;
    auto service = startService(poolConfig(kShards, threads));
    QCOMPARE(service->poolWorkers(), threads);

    std::vector<int> spins;
    for (int s = 0; s < spinning; ++s) {
        auto [index, fn] = ledger.make();
        spins.push_back(index);
        service->submitQuery(spinOn(s, kSpinMs), fn);
    }
    for (int s = 0; s < spinning; ++s)
        QVERIFY(waitUntilDequeued(*service, s, 1)); // every worker is now in a spin's turn

    const auto sent = Clock::now();
    std::vector<int> echoes;
    for (int round = 0; round < 3; ++round) {
        for (int s = spinning; s < kShards; ++s) {
            auto [index, fn] = ledger.make();
            echoes.push_back(index);
            service->submitQuery(echoOn(s), fn);
        }
    }
    const bool allAnswered = QTest::qWaitFor([&] {
        for (int index : echoes) {
            if (!ledger.answered(index))
                return false;
        }
        return true;
    }, int(kBound.count()));
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - sent).count();
    QVERIFY2(allAnswered, qPrintable(QStringLiteral("neighbours not answered within %1 ms").arg(kBound.count())));
    for (int index : echoes)
        QVERIFY2(ledger.entry(index).reply.ok(), qPrintable(ledger.entry(index).reply.error));
    for (int index : spins)
        QVERIFY2(!ledger.answered(index), "the spin ended before its neighbours were answered: the test proved nothing");
    qInfo("neighbours of %d spinning shard(s) on %d worker(s) answered in %lld ms", spinning, threads, (long long)took);
    service->shutdown(0ms); // refuses nothing: the spins run to their end first
    QVERIFY(ledger.waitAllAnswered(20s));
    QCOMPARE(ledger.notExactlyOnce(), 0);
}

void ShardPoolTest::aSleepingQueryOccupiesNoWorker()
{
    ReplyLedger ledger;
    auto service = startService(poolConfig(2, 1));
    auto [sleeping, sleepFn] = ledger.make();
    service->submitQuery(sleepOn(0, 30000), sleepFn);
    QVERIFY(waitUntilDequeued(*service, 0, 1));
    std::vector<int> echoes;
    for (int s : {0, 1, 0, 1}) {
        auto [index, fn] = ledger.make();
        echoes.push_back(index);
        service->submitQuery(echoOn(s), fn);
    }
    QVERIFY(QTest::qWaitFor([&] { return ledger.replied() == int(echoes.size()); }, 5000));
    QVERIFY(!ledger.answered(sleeping));
    for (int index : echoes)
        QVERIFY(ledger.entry(index).reply.ok());
    COMPARE_NAMED(service->snapshot().shards[0].state, ShardState::Serving);
    QCOMPARE(service->snapshot().shards[0].inFlight, 1u);
    service->shutdown(0ms);
    QVERIFY(ledger.waitAllAnswered(5s));
    QCOMPARE(ledger.entry(sleeping).reply.status, QueryStatus::Unavailable);
    QCOMPARE(ledger.notExactlyOnce(), 0);
}

void ShardPoolTest::oneShardsMessagesRunOneAtATimeInOrderUnderManySenders()
{
    constexpr int kShards = 16;
    constexpr int kSenders = 8;
    constexpr int kPerSender = 2000;
    ShardPool pool(2);
    ShardHooks hooks;
    hooks.pool = &pool;
    std::vector<std::unique_ptr<Shard>> shards;
    // Per shard, written only by the shard's messages, without a lock: two turns of one
    // shard at once would be a data race (ThreadSanitizer) or a lost entry.
    std::vector<std::vector<std::pair<int, int>>> ran(kShards);
    std::vector<int> running(kShards, 0);
    std::atomic<int> overlaps{0};
    for (int i = 0; i < kShards; ++i)
        shards.push_back(std::make_unique<Shard>(i, defaultActorFactory(), hooks));

    std::vector<std::thread> senders;
    for (int sender = 0; sender < kSenders; ++sender) {
        senders.emplace_back([&, sender] {
            for (int seq = 0; seq < kPerSender; ++seq) {
                const int s = (seq * 7 + sender) % kShards;
                Envelope e;
                e.run = [&, s, sender, seq] {
                    if (++running[std::size_t(s)] != 1)
                        ++overlaps;
                    ran[std::size_t(s)].emplace_back(sender, seq);
                    --running[std::size_t(s)];
                };
                shards[std::size_t(s)]->post(std::move(e), seq % 5 == 0 ? Lane::Control : Lane::Normal);
            }
        });
    }
    for (auto &t : senders)
        t.join();
    // A control message posted last on each shard runs after everything queued before it
    // in its lane; once every shard has run it, each has run what the senders posted.
    std::atomic<int> done{0};
    for (auto &shard : shards) {
        Envelope e;
        e.run = [&] { ++done; };
        shard->post(std::move(e), Lane::Normal);
    }
    QVERIFY(QTest::qWaitFor([&] { return done.load() == kShards; }, 20000));
    for (auto &shard : shards)
        shard->stop(QStringLiteral("test over"));

    QCOMPARE(overlaps.load(), 0);
    int total = 0;
    for (int s = 0; s < kShards; ++s) {
        // Per sender and lane, the shard ran the messages in the order they were sent.
        std::map<std::pair<int, bool>, int> last;
        for (auto [sender, seq] : ran[std::size_t(s)]) {
            const auto key = std::make_pair(sender, seq % 5 == 0);
            const auto it = last.find(key);
            const int before = it == last.end() ? -1 : it->second;
            if (before >= seq)
                QFAIL(qPrintable(QStringLiteral("shard %1 ran sender %2's message %3 after %4").arg(s).arg(sender).arg(seq).arg(before)));
            last[key] = seq;
        }
        total += int(ran[std::size_t(s)].size());
    }
    QCOMPARE(total, kSenders * kPerSender);
}

void ShardPoolTest::stoppingAnswersEveryQueuedMessageOnceWhileEveryWorkerIsBusy()
{
    constexpr int kWorkers = 2;
    constexpr int kShards = 16;
    constexpr int kPerShard = 200;
    ShardPool pool(kWorkers, 0); // no spare worker: every worker stays held
    ShardHooks hooks;
    hooks.pool = &pool;
    std::vector<std::unique_ptr<Shard>> shards;
    for (int i = 0; i < kShards; ++i)
        shards.push_back(std::make_unique<Shard>(i, defaultActorFactory(), hooks));

    Latch hold;
    std::atomic<int> holding{0};
    for (int i = 0; i < kWorkers; ++i) {
        Envelope e;
        e.run = [&] {
            ++holding;
            hold.enterAndWait(30s);
        };
        shards[std::size_t(i)]->post(std::move(e), Lane::Normal);
    }
    QVERIFY(QTest::qWaitFor([&] { return holding.load() == kWorkers; }, 5000));

    // Every shard, those held included, gets a queue; none of it can run yet.
    std::vector<std::atomic<int>> ran(kShards * kPerShard);
    std::vector<std::atomic<int>> refused(kShards * kPerShard);
    for (int s = 0; s < kShards; ++s) {
        for (int m = 0; m < kPerShard; ++m) {
            const int id = s * kPerShard + m;
            Envelope e;
            e.run = [&, id] { ++ran[std::size_t(id)]; };
            e.refuse = [&, id](const QString &) { ++refused[std::size_t(id)]; };
            shards[std::size_t(s)]->post(std::move(e), m % 3 == 0 ? Lane::Control : Lane::Normal);
        }
    }
    for (int s = 0; s < kShards; ++s)
        QCOMPARE(shards[std::size_t(s)]->snapshot().queueDepth, std::uint32_t(kPerShard));

    // Stop them all at once; each stop refuses its queue, then waits for the held turns.
    std::vector<std::thread> stoppers;
    for (auto &shard : shards)
        stoppers.emplace_back([&shard] { shard->stop(QStringLiteral("service is shutting down")); });
    const bool allClosed = QTest::qWaitFor([&] {
        for (auto &shard : shards) {
            if (shard->post(Envelope{}, Lane::Control) != PushResult::Closed)
                return false;
        }
        return true;
    }, 10000);
    hold.release();
    for (auto &t : stoppers)
        t.join();
    QVERIFY(allClosed);

    int notOnce = 0;
    int refusedTotal = 0;
    for (std::size_t i = 0; i < ran.size(); ++i) {
        notOnce += ran[i].load() + refused[i].load() != 1;
        refusedTotal += refused[i].load();
    }
    QCOMPARE(notOnce, 0);
    // Nothing ran while the workers were held, so all of it was refused.
    QCOMPARE(refusedTotal, kShards * kPerShard);
}

void ShardPoolTest::aThousandShardsRestartUnderLoadWithNoFailedRequest()
{
    constexpr int kShards = 1024;
    constexpr int kClients = 4;
    constexpr int kWindow = 8;
    constexpr int kRestarts = 3;
    ReplyLedger ledger;
    auto service = startService(poolConfig(kShards, std::max(2, int(std::thread::hardware_concurrency()))));
    QVERIFY(service->snapshot().ready());

    std::atomic<bool> stop{false};
    std::atomic<int> stalled{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
        clients.emplace_back([&] {
            struct Window {
                std::mutex m;
                std::condition_variable cv;
                int outstanding = 0;
            };
            auto w = std::make_shared<Window>();
            while (!stop.load()) {
                {
                    std::unique_lock lock(w->m);
                    if (!w->cv.wait_for(lock, 10s, [&] { return w->outstanding < kWindow; })) {
                        ++stalled;
                        return;
                    }
                    ++w->outstanding;
                }
                service->submitQuery(echoOn(-1), [w, fn = ledger.make().second](QueryReply r) {
                    fn(std::move(r));
                    std::lock_guard lock(w->m);
                    --w->outstanding;
                    w->cv.notify_one();
                });
            }
            std::unique_lock lock(w->m);
            if (!w->cv.wait_for(lock, 10s, [&] { return w->outstanding == 0; }))
                ++stalled;
        });
    }
    QVERIFY(QTest::qWaitFor([&] { return ledger.sent() > 2000; }, 10000));
    const auto started = Clock::now();
    for (int r = 0; r < kRestarts; ++r) {
        RestartOptions options = fastOptions();
        options.restartTimeoutPerShardMs = 5000;
        const CommandTicket t = service->requestRestart(options);
        QCOMPARE(test::nameOf(t.refusal), QStringLiteral("none"));
        const auto finished = waitFinished(*service, t, EventKind::RestartFinished, 60000);
        QVERIFY(finished);
        QCOMPARE(finished->outcome, QStringLiteral("completed"));
    }
    const auto tookMs = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
    const int sentBefore = ledger.sent();
    QVERIFY(QTest::qWaitFor([&] { return ledger.sent() > sentBefore + 1000; }, 10000));
    stop = true;
    for (auto &t : clients)
        t.join();
    QCOMPARE(stalled.load(), 0);
    QVERIFY(ledger.waitAllAnswered(10s));
    QCOMPARE(ledger.notExactlyOnce(), 0);
    int failures = 0;
    QString first;
    for (const auto &e : ledger.entries()) {
        if (!e.reply.ok() && failures++ == 0)
            first = e.reply.error;
    }
    QVERIFY2(failures == 0, qPrintable(QStringLiteral("%1 of %2 requests failed; first: %3").arg(failures).arg(ledger.sent()).arg(first)));
    QByteArray why;
    QVERIFY2(allShards(service->snapshot(), ShardState::Serving, Version(1 + kRestarts), &why), why.constData());
    qInfo("%d restarts of %d shards under load: %lld ms, %d requests, 0 failed", kRestarts, kShards, (long long)tookMs,
          ledger.sent());
}

QTEST_GUILESS_MAIN(ShardPoolTest)
#include "tst_shard_pool.moc"
