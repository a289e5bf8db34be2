// History for charts and the state timeline: fixed-size rings, rates, state runs.
#include "model/history/HistoryRing.h"
#include "model/history/ServiceHistory.h"
#include "model/history/StateTimeline.h"
#include "ScriptedBackendClient.h"

#include <QTest>

using namespace shardscope;

class TestHistory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void aQueueThatFillsAndEmptiesBetweenSamplesShowsItsPeak()
    {
        ServiceHistory h(10, 500);
        ServiceSnapshot s = ScriptedBackendClient::uniform(2, ShardState::Serving, 1, 1000);
        QVERIFY(h.maybeSample(s));
        s.takenAtMs = 1100;
        s.shards[1].queueDepth = 30; // a burst seen in one frame only
        QVERIFY(!h.maybeSample(s));
        s.takenAtMs = 1500;
        s.shards[1].queueDepth = 0;
        QVERIFY(h.maybeSample(s));
        QCOMPARE(h.forShard(1).queueDepth.back().y(), 30.0);
        QCOMPARE(h.totals().queueDepth.back().y(), 30.0);
        s.takenAtMs = 2000;
        QVERIFY(h.maybeSample(s));
        QCOMPARE(h.forShard(1).queueDepth.back().y(), 0.0); // the peak counts once
    }

    void aRingKeepsTheNewestValuesOnceFull()
    {
        HistoryRing<int> ring(3);
        for (int i = 1; i <= 5; ++i)
            ring.push(i);
        QCOMPARE(ring.size(), std::size_t(3));
        QCOMPARE(ring.toVector(), (std::vector<int>{3, 4, 5}));
        QCOMPARE(ring.back(), 5);
    }

    void aRingWithNoCapacityIgnoresPushes()
    {
        HistoryRing<int> ring(0);
        ring.push(1);
        QVERIFY(ring.empty());
    }

    void historySamplesOncePerPeriodNotEveryFrame()
    {
        ServiceHistory h(10, 500);
        ServiceSnapshot s = ScriptedBackendClient::uniform(2, ShardState::Serving, 1, 10000);
        QVERIFY(h.maybeSample(s));
        s.takenAtMs += 50;
        QVERIFY(!h.maybeSample(s));
        s.takenAtMs += 450;
        QVERIFY(h.maybeSample(s));
        QCOMPARE(h.size(), std::size_t(2));
    }

    void throughputAndErrorsAreRatesPerSecondForAllAndForOneShard()
    {
        ServiceHistory h(10, 500);
        ServiceSnapshot s = ScriptedBackendClient::uniform(2, ShardState::Serving, 1, 10000);
        s.shards[0].queueDepth = 4;
        s.shards[1].queueDepth = 6;
        h.sample(s);
        s.takenAtMs += 500;
        s.shards[0].processed = 100; // 200/s
        s.shards[1].processed = 50;  // 100/s
        s.shards[1].failed = 5;      // 10/s
        h.sample(s);
        const ChartLines all = h.totals();
        QCOMPARE(all.queueDepth.size(), std::size_t(2));
        QCOMPARE(all.queueDepth.front().y(), 10.0);
        QCOMPARE(all.throughput.size(), std::size_t(1)); // the first sample has no interval
        QCOMPARE(all.throughput.back().y(), 300.0);
        QCOMPARE(all.errors.back().y(), 10.0);
        QCOMPARE(all.throughput.back().x(), 10500.0);
        const ChartLines one = h.forShard(1);
        QCOMPARE(one.throughput.back().y(), 100.0);
        QCOMPARE(one.queueDepth.front().y(), 6.0);
        QVERIFY(h.forShard(7).queueDepth.empty());
    }

    void aCounterThatRestartsFromZeroCountsFromItsNewValue()
    {
        ServiceHistory h(10, 1000);
        ServiceSnapshot s = ScriptedBackendClient::uniform(1, ShardState::Serving, 1, 0);
        s.shards[0].processed = 1000;
        h.sample(s);
        s.takenAtMs += 1000;
        s.shards[0].processed = 7; // new actor, new counters
        h.sample(s);
        QCOMPARE(h.totals().throughput.back().y(), 7.0);
    }

    void historyIsBoundedToItsCapacity()
    {
        ServiceHistory h(4, 100);
        ServiceSnapshot s = ScriptedBackendClient::uniform(1, ShardState::Serving, 1, 0);
        for (int i = 0; i < 10; ++i) {
            s.takenAtMs += 100;
            h.sample(s);
        }
        QCOMPARE(h.size(), std::size_t(4));
        QCOMPARE(h.totals().queueDepth.front().x(), 700.0);
    }

    void anOutageIsAGapNotARateAveragedOverIt_data()
    {
        QTest::addColumn<QString>("what");
        QTest::addColumn<bool>("gap");
        QTest::newRow("the connection was lost") << QStringLiteral("lost") << true;
        QTest::newRow("a new service instance") << QStringLiteral("instance") << true;
        QTest::newRow("no sample for ten periods") << QStringLiteral("silence") << true;
        QTest::newRow("an ordinary period") << QStringLiteral("nothing") << false;
    }

    void anOutageIsAGapNotARateAveragedOverIt()
    {
        QFETCH(QString, what);
        QFETCH(bool, gap);
        ServiceHistory h(20, 500);
        ServiceSnapshot s = ScriptedBackendClient::uniform(1, ShardState::Serving, 1, 10000);
        for (int i = 0; i < 3; ++i) {
            s.takenAtMs += 500;
            s.shards[0].processed += 100; // 200/s
            h.sample(s);
        }
        const double before = double(s.takenAtMs);
        if (what == QLatin1String("lost"))
            h.markGap();
        else if (what == QLatin1String("instance"))
            s.startTimeMs += 1;
        s.takenAtMs += what == QLatin1String("silence") ? 10 * 500 + 1 : 500;
        s.shards[0].processed = what == QLatin1String("instance") ? 3 : s.shards[0].processed + 100;
        h.sample(s);
        const double after = double(s.takenAtMs);
        s.takenAtMs += 500;
        s.shards[0].processed += 100;
        h.sample(s);

        const ChartLines all = h.totals();
        QCOMPARE(all.queueDepth.size(), std::size_t(5)); // a gauge is good at every sample
        if (!gap) {
            QVERIFY(all.gaps.empty());
            QCOMPARE(all.throughput.size(), std::size_t(4));
            return;
        }
        QCOMPARE(all.gaps.size(), std::size_t(1));
        QCOMPARE(all.gaps.front(), std::make_pair(before, after));
        QCOMPARE(h.forShard(0).gaps, all.gaps);
        // No rate across the gap, so no near-zero point at its end: 200/s on either side.
        QCOMPARE(all.throughput.size(), std::size_t(3));
        for (const QPointF &p : all.throughput) {
            QVERIFY(p.x() <= before || p.x() > after);
            QCOMPARE(p.y(), 200.0);
        }
    }

    void theTimelineRecordsARunPerStateChange()
    {
        StateTimeline t;
        QVERIFY(t.applyStates(1000, {0, 0}));
        QVERIFY(!t.applyStates(1050, {0, 0}));
        QVERIFY(t.applyStates(1100, {2, 0}));
        QVERIFY(t.applyStates(1300, {0, 0}));
        QCOMPARE(t.shardCount(), 2);
        QCOMPARE(t.runs(0).size(), std::size_t(3));
        QCOMPARE(t.runs(0)[1].state, 2);
        QCOMPARE(t.runs(0)[1].startMs, 1100);
        QCOMPARE(t.runs(1).size(), std::size_t(1));
        QCOMPARE(t.lastMs(), 1300);
    }

    void theTimelineDropsTheOldestRunsBeyondItsBound()
    {
        StateTimeline t;
        for (std::size_t i = 0; i < StateTimeline::kMaxRunsPerShard + 10; ++i)
            t.applyStates(qint64(i), {int(i % 2)});
        QCOMPARE(t.runs(0).size(), StateTimeline::kMaxRunsPerShard);
        QCOMPARE(t.runs(0).back().startMs, qint64(StateTimeline::kMaxRunsPerShard + 9));
    }
};

QTEST_GUILESS_MAIN(TestHistory)
#include "tst_history.moc"
