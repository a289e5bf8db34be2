// The recorder behind GET /v1/service/quality: log-spaced latency buckets and their
// percentile estimate, and the per-second ring that keeps 300 s in a fixed size.
#include "backend/record/LatencyBuckets.h"
#include "backend/record/QueryQuality.h"

#include <QTest>

#include <cmath>

using namespace shardscope;

namespace {

constexpr std::int64_t kStart = 1'700'000'000'000; // an epoch ms, on a second boundary

// Percentiles are reported within a factor sqrt(1.2) of a latency of their bucket.
bool within(double estimate, double truth)
{
    return estimate >= truth / std::sqrt(1.2) - 1e-9 && estimate <= truth * 1.2 * std::sqrt(1.2) + 1e-9;
}

} // namespace

class TestQueryQuality : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void a_latency_falls_in_the_bucket_whose_bounds_hold_it()
    {
        QCOMPARE(LatencyBuckets::indexOf(0), std::size_t(0));
        QCOMPARE(LatencyBuckets::indexOf(49), std::size_t(0));
        QCOMPARE(LatencyBuckets::indexOf(50), std::size_t(1));
        QCOMPARE(LatencyBuckets::indexOf(59), std::size_t(1));
        QCOMPARE(LatencyBuckets::indexOf(60), std::size_t(2));
        QCOMPARE(LatencyBuckets::indexOf(3'600'000'000ull), LatencyBuckets::kCount - 1);
        for (std::uint64_t us : {1ull, 77ull, 1234ull, 99'999ull, 5'000'000ull, 60'000'000ull}) {
            const std::size_t i = LatencyBuckets::indexOf(us);
            QVERIFY(LatencyBuckets::lowerBoundUs(i) <= double(us));
            QVERIFY(double(us) < LatencyBuckets::upperBoundUs(i));
        }
        QVERIFY(LatencyBuckets::upperBoundUs(LatencyBuckets::kBounds - 1) > 60e6); // past 60 s
    }

    void percentiles_from_the_histogram_are_within_the_stated_bound()
    {
        LatencyBuckets::Counts counts{};
        QVERIFY(!LatencyBuckets::quantileMs(counts, 0.5));
        // 1..1000 ms, one each: the true p50 is 500 ms, p99 990 ms.
        for (int ms = 1; ms <= 1000; ++ms)
            ++counts[LatencyBuckets::indexOf(std::uint64_t(ms) * 1000)];
        const double p50 = *LatencyBuckets::quantileMs(counts, 0.50);
        const double p99 = *LatencyBuckets::quantileMs(counts, 0.99);
        QVERIFY2(within(p50, 500) && std::abs(p50 - 500) / 500 <= 0.2, qPrintable(QString::number(p50)));
        QVERIFY2(within(p99, 990) && std::abs(p99 - 990) / 990 <= 0.2, qPrintable(QString::number(p99)));
        // All alike: every percentile is that value's bucket middle, within 9.6%.
        LatencyBuckets::Counts same{};
        same[LatencyBuckets::indexOf(300'000)] = 50;
        for (double q : {0.01, 0.5, 0.99, 1.0}) {
            const double v = *LatencyBuckets::quantileMs(same, q);
            QVERIFY2(std::abs(v - 300) / 300 <= 0.096, qPrintable(QString::number(v)));
        }
        // 99 fast and 1 slow: p99 is still fast (rank 99), the maximum is slow.
        LatencyBuckets::Counts tail{};
        tail[LatencyBuckets::indexOf(1000)] = 99;
        tail[LatencyBuckets::indexOf(2'000'000)] = 1;
        QVERIFY(*LatencyBuckets::quantileMs(tail, 0.99) < 1.2);
        QVERIFY(*LatencyBuckets::quantileMs(tail, 1.0) > 1800);
    }

    void a_window_sums_exactly_the_seconds_it_overlaps()
    {
        QueryQuality q(kStart);
        const int echo = QueryQuality::slotOf(u"echo");
        for (int s = 0; s < 10; ++s) {
            for (int i = 0; i < 10; ++i)
                q.record(kStart + s * 1000 + i, echo, i == 0 ? 503 : (i == 1 ? 400 : 200), 1000, s < 5 ? 1 : 2);
            if (s == 3)
                q.record(kStart + 3500, QueryQuality::slotOf(u"what"), 404, 100, 1);
        }
        const auto now = kStart + 9500;
        const QueryQuality::Window all = q.window(kStart, now, now);
        QCOMPARE(all.total.requests, std::uint64_t(101));
        QCOMPARE(all.total.serverErrors, std::uint64_t(10));
        QCOMPARE(all.total.clientErrors, std::uint64_t(11));
        QCOMPARE(all.byProcedure[std::size_t(QueryQuality::kOtherSlot)].requests, std::uint64_t(1));
        QCOMPARE(all.versions.at(1), std::uint64_t(51));
        QCOMPARE(all.versions.at(2), std::uint64_t(50));
        // [2500, 4000] overlaps seconds 2, 3 and 4 (and the 404 of second 3).
        const QueryQuality::Window part = q.window(kStart + 2500, kStart + 4000, now);
        QCOMPARE(part.total.requests, std::uint64_t(31));
        QCOMPARE(part.coveredFromMs, kStart + 2000);
        QCOMPARE(q.window(kStart - 5000, kStart - 1, now).total.requests, std::uint64_t(0));
        QCOMPARE(q.keptFromMs(now), kStart);
    }

    void the_ring_forgets_what_is_older_than_300_s_and_never_grows()
    {
        QueryQuality q(kStart);
        const std::size_t bytes = q.memoryBytes();
        QVERIFY2(bytes < 1024 * 1024, qPrintable(QString::number(bytes)));
        qInfo("QueryQuality holds %zu bytes", bytes);
        for (std::int64_t s = 0; s < 1000; ++s) {
            for (int slot = 0; slot < QueryQuality::kProcedures; ++slot)
                q.record(kStart + s * 1000, slot, 200, std::uint64_t(s) * 997 % 5'000'000, Version(s % 7 + 1));
        }
        QCOMPARE(q.memoryBytes(), bytes);
        const std::int64_t now = kStart + 999 * 1000;
        QCOMPARE(q.keptFromMs(now), kStart + 700 * 1000);
        const QueryQuality::Window all = q.window(kStart, now, now);
        QCOMPARE(all.coveredFromMs, kStart + 700 * 1000);
        QCOMPARE(all.total.requests, std::uint64_t(300 * QueryQuality::kProcedures));
        QCOMPARE(q.window(kStart, kStart + 699 * 1000, now).total.requests, std::uint64_t(0));
        // Since start keeps every reply (for /metrics).
        QCOMPARE(q.sinceStart()[0].requests, std::uint64_t(1000));
    }

    void a_wall_clock_stepped_back_counts_under_the_latest_second()
    {
        QueryQuality q(kStart);
        q.record(kStart + 5000, 0, 200, 100, 1);
        q.record(kStart + 1000, 0, 200, 100, 1); // the clock went back 4 s
        const auto w = q.window(kStart + 5000, kStart + 5999, kStart + 5500);
        QCOMPARE(w.total.requests, std::uint64_t(2));
        QCOMPARE(q.window(kStart + 1000, kStart + 1999, kStart + 5500).total.requests, std::uint64_t(0));
    }

    void more_versions_in_one_second_than_it_tracks_are_counted_apart()
    {
        QueryQuality q(kStart);
        for (Version v = 1; v <= Version(QueryQuality::kVersionsPerSecond + 2); ++v)
            q.record(kStart, 0, 200, 100, v);
        const auto w = q.window(kStart, kStart, kStart);
        QCOMPARE(w.versions.size(), std::size_t(QueryQuality::kVersionsPerSecond));
        QCOMPARE(w.untrackedVersions, std::uint64_t(2));
    }
};

QTEST_GUILESS_MAIN(TestQueryQuality)
#include "tst_query_quality.moc"
