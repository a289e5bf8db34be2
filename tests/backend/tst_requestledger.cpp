// The request ledger and the striped counters under it: many threads count at once and
// nothing is lost, ids stay unique, and in-flight never reads negative.
#include "backend/record/RequestLedger.h"
#include "backend/record/StripedCounters.h"

#include <QTest>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

using namespace shardscope;

class RequestLedgerTest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stripedCountersSumEveryThreadsAdditions();
    void idsAreUniqueAcrossThreads();
    void inFlightNeverReadsNegativeWhileThreadsCount();
};

void RequestLedgerTest::stripedCountersSumEveryThreadsAdditions()
{
    // More threads than stripes, so some threads share a stripe.
    constexpr int kThreads = int(kCounterStripes) + 4;
    constexpr int kEach = 20000;
    StripedCounters<2> counters;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&counters] {
            for (int i = 0; i < kEach; ++i) {
                counters.add(0);
                counters.add(1, 3);
                counters.sub(1);
            }
        });
    }
    for (auto &t : threads)
        t.join();
    QCOMPARE(counters.sum(0), std::uint64_t(kThreads) * kEach);
    QCOMPARE(counters.sum(1), std::uint64_t(kThreads) * kEach * 2);
}

void RequestLedgerTest::idsAreUniqueAcrossThreads()
{
    constexpr int kThreads = int(kCounterStripes) + 4;
    constexpr int kEach = 5000;
    RequestLedger ledger;
    std::vector<std::vector<std::uint64_t>> ids(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&ledger, &mine = ids[std::size_t(t)]] {
            for (int i = 0; i < kEach; ++i)
                mine.push_back(ledger.accept());
        });
    }
    for (auto &t : threads)
        t.join();
    std::vector<std::uint64_t> all;
    for (const auto &v : ids)
        all.insert(all.end(), v.begin(), v.end());
    std::sort(all.begin(), all.end());
    QVERIFY2(std::adjacent_find(all.begin(), all.end()) == all.end(), "two requests got the same id");
    QVERIFY(all.front() > 0);
    QCOMPARE(ledger.counts().accepted, std::uint64_t(kThreads) * kEach);
}

void RequestLedgerTest::inFlightNeverReadsNegativeWhileThreadsCount()
{
    // Requests accepted on one thread and answered on another, as on the service's path
    // from the network thread to a shard, in lockstep so that answers follow acceptances
    // closely: a reader must never see an answer whose acceptance it does not also see.
    constexpr int kRequests = 20000;
    RequestLedger ledger;
    std::atomic<int> accepted{0};
    std::atomic<int> settled{0};
    auto waitFor = [](const std::atomic<int> &counter, int value) {
        while (counter.load(std::memory_order_acquire) < value)
            std::this_thread::yield();
    };
    std::thread acceptor([&] {
        for (int i = 0; i < kRequests; ++i) {
            waitFor(settled, i);
            ledger.accept();
            accepted.store(i + 1, std::memory_order_release);
        }
    });
    std::thread answerer([&] {
        for (int i = 0; i < kRequests; ++i) {
            waitFor(accepted, i + 1);
            ledger.settle(i % 5 == 0 ? QueryStatus::Unavailable : QueryStatus::Ok);
            settled.store(i + 1, std::memory_order_release);
        }
    });
    int negative = 0;
    while (settled.load() < kRequests) {
        const RequestLedger::Counts c = ledger.counts();
        if (c.answered + c.refused > c.accepted)
            ++negative;
    }
    acceptor.join();
    answerer.join();
    QCOMPARE(negative, 0);
    const RequestLedger::Counts c = ledger.counts();
    QCOMPARE(c.accepted, std::uint64_t(kRequests));
    QCOMPARE(c.refused, std::uint64_t(kRequests / 5));
    QCOMPARE(c.answered, std::uint64_t(kRequests - kRequests / 5));
    QCOMPARE(c.inFlight(), std::uint64_t(0));
}

QTEST_GUILESS_MAIN(RequestLedgerTest)
#include "tst_requestledger.moc"
