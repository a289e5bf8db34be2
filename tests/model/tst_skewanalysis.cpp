// Skew analysis and the header's summary: majority version, outliers, banner text.
#include "model/console/ServiceSummary.h"
#include "model/shards/SkewAnalysis.h"
#include "ScriptedBackendClient.h"

#include <QTest>

using namespace shardscope;

class TestSkewAnalysis : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void versionSkewMarksShardsOffTheMajority_data()
    {
        QTest::addColumn<QList<int>>("versions");
        QTest::addColumn<QList<int>>("states"); // empty: all serving
        QTest::addColumn<int>("majority");
        QTest::addColumn<QList<int>>("skewed");
        QTest::newRow("one version, no skew") << QList<int>{6, 6, 6} << QList<int>{} << 6 << QList<int>{};
        QTest::newRow("one shard ahead") << QList<int>{7, 6, 6, 6} << QList<int>{} << 6 << QList<int>{0};
        QTest::newRow("a tie goes to the newer version") << QList<int>{7, 7, 6, 6} << QList<int>{} << 7 << QList<int>{2, 3};
        QTest::newRow("cancelled shards do not vote and are not skewed")
            << QList<int>{7, 6, 6, 6} << QList<int>{0, 5, 5, 5} << 7 << QList<int>{};
    }

    void versionSkewMarksShardsOffTheMajority()
    {
        QFETCH(QList<int>, versions);
        QFETCH(QList<int>, states);
        QFETCH(int, majority);
        QFETCH(QList<int>, skewed);
        ServiceSnapshot s = ScriptedBackendClient::uniform(int(versions.size()), ShardState::Serving, 1, 0);
        for (int i = 0; i < versions.size(); ++i) {
            s.shards[std::size_t(i)].version = Version(versions[i]);
            if (!states.isEmpty())
                s.shards[std::size_t(i)].state = ShardState(states[i]);
        }
        const SkewReport r = analyseSkew(s.shards);
        QCOMPARE(int(r.majorityVersion), majority);
        QList<int> got;
        for (int i = 0; i < versions.size(); ++i)
            if (r.versionSkew[std::size_t(i)])
                got << i;
        QCOMPARE(got, skewed);
    }

    void aQueueIsAnOutlierOverThreeTimesTheMedianAndOverTen_data()
    {
        QTest::addColumn<QList<int>>("queues");
        QTest::addColumn<QList<int>>("outliers");
        QTest::newRow("all quiet") << QList<int>{0, 1, 2, 1} << QList<int>{};
        QTest::newRow("deep but not over ten") << QList<int>{0, 0, 0, 9} << QList<int>{};
        QTest::newRow("over ten and over 3x median") << QList<int>{2, 2, 3, 40} << QList<int>{3};
        QTest::newRow("everyone deep: nobody stands out") << QList<int>{30, 35, 40, 45} << QList<int>{};
        QTest::newRow("exactly 3x median is not an outlier") << QList<int>{10, 10, 10, 30} << QList<int>{};
    }

    void aQueueIsAnOutlierOverThreeTimesTheMedianAndOverTen()
    {
        QFETCH(QList<int>, queues);
        QFETCH(QList<int>, outliers);
        ServiceSnapshot s = ScriptedBackendClient::uniform(int(queues.size()), ShardState::Serving, 1, 0);
        for (int i = 0; i < queues.size(); ++i)
            s.shards[std::size_t(i)].queueDepth = std::uint32_t(queues[i]);
        const SkewReport r = analyseSkew(s.shards);
        QList<int> got;
        for (int i = 0; i < queues.size(); ++i)
            if (r.queueSkew[std::size_t(i)])
                got << i;
        QCOMPARE(got, outliers);
    }

    void theBannerNamesEachVersionNewestFirst_data()
    {
        QTest::addColumn<QList<int>>("versions");
        QTest::addColumn<QString>("banner");
        QTest::newRow("one version: no banner") << QList<int>{6, 6} << QString();
        QTest::newRow("the issue's example") << QList<int>{7, 6, 6, 6, 6, 6, 6, 6}
                                             << QStringLiteral("2 versions live: v7 on 1 shard, v6 on 7");
        QTest::newRow("three versions") << QList<int>{5, 6, 6, 7}
                                        << QStringLiteral("3 versions live: v7 on 1 shard, v6 on 2, v5 on 1");
        QTest::newRow("plural unit") << QList<int>{7, 7, 6} << QStringLiteral("2 versions live: v7 on 2 shards, v6 on 1");
    }

    void theBannerNamesEachVersionNewestFirst()
    {
        QFETCH(QList<int>, versions);
        QFETCH(QString, banner);
        ServiceSnapshot s = ScriptedBackendClient::uniform(int(versions.size()), ShardState::Serving, 1, 0);
        for (int i = 0; i < versions.size(); ++i)
            s.shards[std::size_t(i)].version = Version(versions[i]);
        QCOMPARE(summarise(s, analyseSkew(s.shards)).banner, banner);
    }

    void theVersionLineSaysWhatServesWithoutSkewToo_data()
    {
        QTest::addColumn<QList<int>>("versions");
        QTest::addColumn<int>("canceled"); // the last shards, like a legacy restart leaves them
        QTest::addColumn<QString>("line");
        QTest::newRow("one version everywhere") << QList<int>{6, 6, 6} << 0
                                                << QStringLiteral("One version live: v6 on all 3 shards");
        QTest::newRow("a single shard") << QList<int>{4} << 0 << QStringLiteral("One version live: v4 on the only shard");
        QTest::newRow("legacy leaves 3 of 4 canceled") << QList<int>{2, 1, 1, 1} << 3
                                                       << QStringLiteral("One version live: v2 on 1 of 4 shards");
        QTest::newRow("nothing serves") << QList<int>{1, 1} << 2 << QStringLiteral("No live actor on any shard");
        QTest::newRow("skewed: the banner") << QList<int>{7, 6} << 0
                                            << QStringLiteral("2 versions live: v7 on 1 shard, v6 on 1");
    }

    void theVersionLineSaysWhatServesWithoutSkewToo()
    {
        QFETCH(QList<int>, versions);
        QFETCH(int, canceled);
        QFETCH(QString, line);
        ServiceSnapshot s = ScriptedBackendClient::uniform(int(versions.size()), ShardState::Serving, 1, 0);
        for (int i = 0; i < versions.size(); ++i)
            s.shards[std::size_t(i)].version = Version(versions[i]);
        for (int i = 0; i < canceled; ++i)
            s.shards[s.shards.size() - 1 - std::size_t(i)].state = ShardState::Canceled;
        QCOMPARE(summarise(s, analyseSkew(s.shards)).versionLine, line);
    }

    void theSummaryCountsShardsPerStateAndReadiness()
    {
        ServiceSnapshot s = ScriptedBackendClient::uniform(8, ShardState::Serving, 3, 0);
        QVERIFY(summarise(s, analyseSkew(s.shards)).ready);
        s.shards[1].state = ShardState::Canceled;
        s.shards[2].state = ShardState::Canceled;
        s.phase = ServicePhase::Draining;
        const ServiceSummary sum = summarise(s, analyseSkew(s.shards));
        QVERIFY(!sum.ready);
        QCOMPARE(sum.phase, QStringLiteral("draining"));
        QCOMPARE(sum.stateCounts[0], 6);
        QCOMPARE(sum.stateCounts[int(ShardState::Canceled)], 2);
        QCOMPARE(sum.shardCount, 8);
        QCOMPARE(sum.alert, QStringLiteral("2 of 8 shards canceled (shards 1, 2): requests routed to them get 503"));
        QCOMPARE(sum.condition, QStringLiteral("draining"));
        s.phase = ServicePhase::Serving;
        QCOMPARE(summarise(s, analyseSkew(s.shards)).condition, QStringLiteral("degraded")); // never "serving" beside it
    }

    void theDownAlertNamesCanceledAndFailedShards_data()
    {
        QTest::addColumn<QList<int>>("canceled");
        QTest::addColumn<QList<int>>("failed");
        QTest::addColumn<QString>("alert");
        QTest::newRow("none down") << QList<int>{} << QList<int>{} << QString();
        QTest::newRow("the seed's legacy failure")
            << QList<int>{1, 2, 3, 4, 5, 6, 7} << QList<int>{}
            << QStringLiteral("7 of 8 shards canceled (shards 1-7): requests routed to them get 503");
        QTest::newRow("failed only") << QList<int>{} << QList<int>{5}
                                     << QStringLiteral("1 of 8 failed (shard 5): requests routed to it get 503");
        QTest::newRow("both") << QList<int>{0} << QList<int>{2, 6}
                              << QStringLiteral("1 of 8 shards canceled (shard 0), 2 of 8 failed (shards 2, 6): requests routed to them get 503");
    }

    void theDownAlertNamesCanceledAndFailedShards()
    {
        QFETCH(QList<int>, canceled);
        QFETCH(QList<int>, failed);
        QFETCH(QString, alert);
        QCOMPARE(downAlert(std::vector<int>(canceled.begin(), canceled.end()), std::vector<int>(failed.begin(), failed.end()), 8),
                 alert);
    }

    void aStoppedServiceRaisesNoAlertForItsStoppedShards()
    {
        ServiceSnapshot s = ScriptedBackendClient::uniform(4, ShardState::Stopped, 3, 0);
        s.phase = ServicePhase::Stopped;
        QVERIFY(summarise(s, analyseSkew(s.shards)).alert.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSkewAnalysis)
#include "tst_skewanalysis.moc"
