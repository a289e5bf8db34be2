// The shard table: rows from snapshots, narrow dataChanged, and the filter/sort proxy.
#include "model/shards/ShardFilterProxy.h"
#include "model/shards/ShardTableModel.h"
#include "model/shards/SkewAnalysis.h"
#include "ScriptedBackendClient.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace shardscope;

class TestShardTableModel : public QObject
{
    Q_OBJECT

    static void apply(ShardTableModel &m, const ServiceSnapshot &s) { m.apply(s, analyseSkew(s.shards)); }

private Q_SLOTS:
    void aSnapshotBecomesOneRowPerShardWithItsRoles()
    {
        ShardTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ServiceSnapshot s = ScriptedBackendClient::uniform(4, ShardState::Serving, 6, 1000);
        s.shards[2].state = ShardState::Draining;
        s.shards[2].queueDepth = 12;
        s.shards[2].inFlight = 3;
        apply(model, s);
        QCOMPARE(model.rowCount(), 4);
        const QModelIndex i = model.index(2);
        QCOMPARE(i.data(ShardTableModel::IdRole).toInt(), 2);
        QCOMPARE(i.data(ShardTableModel::StateNameRole).toString(), QStringLiteral("draining"));
        QCOMPARE(i.data(ShardTableModel::StateSymbolRole).toString(), QStringLiteral("DRN"));
        QCOMPARE(i.data(ShardTableModel::ColourRole).value<QColor>(), QColor(0xf5, 0x7c, 0x00));
        QCOMPARE(i.data(ShardTableModel::VersionRole).toULongLong(), 6ull);
        QCOMPARE(i.data(ShardTableModel::QueueDepthRole).toUInt(), 12u);
        QCOMPARE(i.data(ShardTableModel::InFlightRole).toUInt(), 3u);
        QVERIFY(i.data(ShardTableModel::UnhealthyRole).toBool());
        QVERIFY(i.data(Qt::ToolTipRole).toString().contains(QStringLiteral("In flight: 3")));
        QVERIFY(!model.index(0).data(ShardTableModel::UnhealthyRole).toBool());
    }

    void anOldRequestsAgeShowsPastTheThresholdInWholeSeconds()
    {
        QCOMPARE(ShardTableModel::oldestText(0), QString());
        QCOMPARE(ShardTableModel::oldestText(kOldestRequestShownMs - 1), QString());
        QCOMPARE(ShardTableModel::oldestText(kOldestRequestShownMs), QStringLiteral("2 s"));
        QCOMPARE(ShardTableModel::oldestText(4999), QStringLiteral("4 s"));
        QCOMPARE(ShardTableModel::oldestText(125'000), QStringLiteral("2 min 05 s"));
        ShardTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ServiceSnapshot s = ScriptedBackendClient::uniform(3, ShardState::Serving, 6, 1000);
        s.shards[1].inFlight = 1;
        s.shards[1].oldestInFlightMs = 2500;
        s.shards[2].oldestInFlightMs = 2500; // nothing in flight: an age from a stale counter is not shown
        apply(model, s);
        QCOMPARE(model.index(1).data(ShardTableModel::OldestShownRole).toString(), QStringLiteral("2 s"));
        QVERIFY(model.index(1).data(Qt::ToolTipRole).toString().contains(QStringLiteral("In flight: 1 (oldest 2.5 s)")));
        QVERIFY(model.index(1).data(ShardTableModel::UnhealthyRole).toBool()); // a stuck request on a serving shard
        QCOMPARE(model.index(2).data(ShardTableModel::OldestInFlightRole).toUInt(), 0u);
        QVERIFY(!model.index(2).data(ShardTableModel::UnhealthyRole).toBool());
        // The age ticks every frame; the shown text, and so the tile, once a second.
        QSignalSpy spy(&model, &QAbstractItemModel::dataChanged);
        s.shards[1].oldestInFlightMs = 2600;
        apply(model, s);
        QCOMPARE(spy.count(), 1);
        QVERIFY(!spy[0][2].value<QList<int>>().contains(ShardTableModel::OldestShownRole));
        s.shards[1].oldestInFlightMs = 3000;
        apply(model, s);
        QVERIFY(spy[1][2].value<QList<int>>().contains(ShardTableModel::OldestShownRole));
    }

    void aChangeOnOneShardSignalsOnlyThatRowAndItsRoles()
    {
        ShardTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ServiceSnapshot s = ScriptedBackendClient::uniform(8, ShardState::Serving, 6, 1000);
        apply(model, s);
        QSignalSpy spy(&model, &QAbstractItemModel::dataChanged);
        s.shards[5].processed = 42;
        apply(model, s);
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy[0][0].toModelIndex().row(), 5);
        QCOMPARE(spy[0][1].toModelIndex().row(), 5);
        const auto roles = spy[0][2].value<QList<int>>();
        QVERIFY(roles.contains(ShardTableModel::ProcessedRole));
        QVERIFY(!roles.contains(ShardTableModel::StateRole));
        QVERIFY(!roles.contains(ShardTableModel::VersionRole));
    }

    void anUnchangedSnapshotSignalsNothing()
    {
        ShardTableModel model;
        ServiceSnapshot s = ScriptedBackendClient::uniform(8, ShardState::Serving, 6, 1000);
        apply(model, s);
        QSignalSpy spy(&model, &QAbstractItemModel::dataChanged);
        s.takenAtMs += 50;
        apply(model, s);
        QCOMPARE(spy.count(), 0);
    }

    void moreThanHalfTheRowsChangingWidensToOneFullRangeSignal()
    {
        ShardTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ServiceSnapshot s = ScriptedBackendClient::uniform(8, ShardState::Serving, 6, 1000);
        apply(model, s);
        QSignalSpy spy(&model, &QAbstractItemModel::dataChanged);
        for (int i = 0; i < 5; ++i)
            s.shards[std::size_t(i)].state = ShardState::Gated;
        apply(model, s);
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy[0][0].toModelIndex().row(), 0);
        QCOMPARE(spy[0][1].toModelIndex().row(), 7);
        QVERIFY(spy[0][2].value<QList<int>>().contains(ShardTableModel::ColourRole));
    }

    void aDifferentShardCountResetsTheModel()
    {
        ShardTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        apply(model, ScriptedBackendClient::uniform(4, ShardState::Serving, 1, 1000));
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        apply(model, ScriptedBackendClient::uniform(16, ShardState::Serving, 1, 1050));
        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.rowCount(), 16);
    }

    void theQueueBarScalesToAPowerOfTwoAboveTheDeepestQueue()
    {
        ShardTableModel model;
        ServiceSnapshot s = ScriptedBackendClient::uniform(2, ShardState::Serving, 1, 1000);
        s.shards[0].queueDepth = 8;
        s.shards[1].queueDepth = 100;
        apply(model, s);
        QCOMPARE(model.queueScale(), 128u);
        QCOMPARE(model.index(0).data(ShardTableModel::QueueFractionRole).toDouble(), 8.0 / 128);
    }

    // Under load a queue fills and empties between frames: drawn as it is, the bar flickers
    // between empty and full. Tiles draw its deepest over the last second instead.
    void theQueueBarHoldsTheDeepestQueueOfTheLastSecond()
    {
        ShardTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto at = [&](qint64 ms, quint32 depth) {
            ServiceSnapshot s = ScriptedBackendClient::uniform(2, ShardState::Serving, 1, ms);
            s.shards[0].queueDepth = depth;
            apply(model, s);
            return model.index(0);
        };
        QCOMPARE(at(10'000, 9).data(ShardTableModel::QueuePeakRole).toUInt(), 9u);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QModelIndex i = at(10'050, 0);
        QCOMPARE(i.data(ShardTableModel::QueueDepthRole).toUInt(), 0u);
        QCOMPARE(i.data(ShardTableModel::QueuePeakRole).toUInt(), 9u);
        QCOMPARE(i.data(ShardTableModel::QueueFractionRole).toDouble(), 9.0 / 16);
        QVERIFY(i.data(Qt::ToolTipRole).toString().contains(QStringLiteral("Queue: 0 now, 9 at most in the last second")));
        // The depth changed, the drawn bar did not: no repaint is asked for.
        QCOMPARE(changed.count(), 1);
        const auto roles = changed.at(0).at(2).value<QList<int>>();
        QVERIFY(roles.contains(ShardTableModel::QueueDepthRole));
        QVERIFY(!roles.contains(ShardTableModel::QueuePeakRole));
        QVERIFY(!roles.contains(ShardTableModel::QueueFractionRole));

        QCOMPARE(at(10'950, 2).data(ShardTableModel::QueuePeakRole).toUInt(), 9u); // 9 is 950 ms old
        QCOMPARE(at(11'000, 1).data(ShardTableModel::QueuePeakRole).toUInt(), 2u); // 9 is a second old: gone
        QCOMPARE(at(12'100, 0).data(ShardTableModel::QueuePeakRole).toUInt(), 0u);
        QCOMPARE(at(12'150, 40).data(ShardTableModel::QueuePeakRole).toUInt(), 40u);
        QCOMPARE(model.queueScale(), 64u); // the bar's scale follows the peaks
        // Another service instance's clock: its first snapshot starts the window over.
        QCOMPARE(at(5'000, 3).data(ShardTableModel::QueuePeakRole).toUInt(), 3u);
        QCOMPARE(model.index(1).data(ShardTableModel::QueuePeakRole).toUInt(), 0u);
    }

    // A hot shard's queue comes in bursts: its outlier flag holds for as long as its bar
    // shows the burst, rather than blinking with the depth of one instant.
    void aHotShardsQueueFlagHoldsAsLongAsItsBarDoes()
    {
        ShardTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto at = [&](qint64 ms, quint32 depth) {
            ServiceSnapshot s = ScriptedBackendClient::uniform(8, ShardState::Serving, 1, ms);
            s.shards[0].queueDepth = depth;
            s.shards[3].queueDepth = 1;
            apply(model, s);
            return model.index(0).data(ShardTableModel::QueueSkewRole).toBool();
        };
        QVERIFY(at(20'000, 40));
        QVERIFY(at(20'050, 0)); // between bursts: the bar still shows 40, and so does the flag
        QVERIFY(at(20'900, 2));
        QVERIFY(model.index(0).data(ShardTableModel::UnhealthyRole).toBool());
        QVERIFY(!at(21'100, 2)); // the burst is over a second old
        QVERIFY(!model.index(3).data(ShardTableModel::QueueSkewRole).toBool());
        QVERIFY(!at(21'150, kQueueSkewFloor)); // at the floor: not an outlier
    }

    void theUnhealthyFilterShowsOnlyShardsThatAreNotServingOrAreSkewed()
    {
        ShardTableModel model;
        ShardFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ServiceSnapshot s = ScriptedBackendClient::uniform(8, ShardState::Serving, 6, 1000);
        s.shards[1].state = ShardState::Canceled;
        s.shards[4].version = 7; // version skew
        s.shards[6].queueDepth = 50; // queue outlier
        apply(model, s);
        proxy.setUnhealthyOnly(true);
        QCOMPARE(proxy.rowCount(), 3);
        QList<int> ids;
        for (int r = 0; r < proxy.rowCount(); ++r)
            ids << proxy.index(r, 0).data(ShardTableModel::IdRole).toInt();
        QCOMPARE(ids, (QList<int>{1, 4, 6}));
    }

    void theUnhealthyFilterFollowsLiveChanges()
    {
        ShardTableModel model;
        ShardFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ServiceSnapshot s = ScriptedBackendClient::uniform(8, ShardState::Serving, 6, 1000);
        apply(model, s);
        proxy.setUnhealthyOnly(true);
        QCOMPARE(proxy.rowCount(), 0);
        s.shards[3].state = ShardState::Failed;
        apply(model, s);
        QCOMPARE(proxy.rowCount(), 1);
        s.shards[3].state = ShardState::Serving;
        apply(model, s);
        QCOMPARE(proxy.rowCount(), 0);
    }

    void sortingOrdersTiles_data()
    {
        QTest::addColumn<int>("key");
        QTest::addColumn<int>("order");
        QTest::addColumn<QList<int>>("ids");
        QTest::newRow("by id") << int(ShardFilterProxy::SortKey::Id) << int(Qt::AscendingOrder) << QList<int>{0, 1, 2, 3};
        QTest::newRow("deepest queue first") << int(ShardFilterProxy::SortKey::QueueDepth) << int(Qt::DescendingOrder) << QList<int>{2, 0, 3, 1};
        QTest::newRow("newest version first, ties by id") << int(ShardFilterProxy::SortKey::Version) << int(Qt::DescendingOrder) << QList<int>{3, 2, 1, 0};
    }

    void sortingOrdersTiles()
    {
        QFETCH(int, key);
        QFETCH(int, order);
        QFETCH(QList<int>, ids);
        ShardTableModel model;
        ShardFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ServiceSnapshot s = ScriptedBackendClient::uniform(4, ShardState::Serving, 6, 1000);
        s.shards[0].queueDepth = 5;
        s.shards[1].queueDepth = 1;
        s.shards[2].queueDepth = 9;
        s.shards[3].queueDepth = 3;
        s.shards[3].version = 7;
        apply(model, s);
        proxy.setSortKey(ShardFilterProxy::SortKey(key), Qt::SortOrder(order));
        QList<int> got;
        for (int r = 0; r < proxy.rowCount(); ++r)
            got << proxy.index(r, 0).data(ShardTableModel::IdRole).toInt();
        QCOMPARE(got, ids);
    }

    // The order follows the bars (the 1 s peak): a burst that drained between two frames
    // does not send its tile to the back and forth again.
    void sortingByQueueHoldsABurstForTheSecondItsBarDoes()
    {
        ShardTableModel model;
        ShardFilterProxy proxy;
        proxy.setSourceModel(&model);
        proxy.setSortKey(ShardFilterProxy::SortKey::QueueDepth, Qt::DescendingOrder);
        ServiceSnapshot s = ScriptedBackendClient::uniform(3, ShardState::Serving, 1, 1000);
        s.shards[1].queueDepth = 4;
        s.shards[2].queueDepth = 20;
        apply(model, s);
        QCOMPARE(proxy.index(0, 0).data(ShardTableModel::IdRole).toInt(), 2);
        s.takenAtMs = 1100;
        s.shards[2].queueDepth = 0; // drained
        apply(model, s);
        QCOMPARE(proxy.index(0, 0).data(ShardTableModel::IdRole).toInt(), 2);
        s.takenAtMs = 2200; // a second on: shard 1's steady queue leads
        apply(model, s);
        QCOMPARE(proxy.index(0, 0).data(ShardTableModel::IdRole).toInt(), 1);
    }

    void severityJudgesAShardAgainstWhatTheServiceIsDoing_data()
    {
        QTest::addColumn<int>("state");
        QTest::addColumn<int>("phase");
        QTest::addColumn<int>("inFlight");
        QTest::addColumn<bool>("versionSkew");
        QTest::addColumn<int>("severity");
        using S = ShardState;
        using P = ServicePhase;
        QTest::newRow("serving is fine") << int(S::Serving) << int(P::Serving) << 0 << false << 0;
        QTest::newRow("failed comes first") << int(S::Failed) << int(P::Serving) << 0 << false << 6;
        QTest::newRow("canceled next") << int(S::Canceled) << int(P::Serving) << 0 << false << 5;
        QTest::newRow("stopped while the service runs") << int(S::Stopped) << int(P::Serving) << 0 << false << 4;
        QTest::newRow("stopped with the service") << int(S::Stopped) << int(P::Stopped) << 0 << false << 0;
        QTest::newRow("draining with no restart running is stuck") << int(S::Draining) << int(P::Serving) << 0 << false << 3;
        QTest::newRow("draining with requests in flight holds the drain") << int(S::Draining) << int(P::Draining) << 2 << false << 2;
        QTest::newRow("drained, as the restart expects") << int(S::Draining) << int(P::Draining) << 0 << false << 0;
        QTest::newRow("a new version while a restart replaces actors") << int(S::Serving) << int(P::Restarting) << 0 << true << 0;
        QTest::newRow("a skewed version with no restart running") << int(S::Serving) << int(P::Serving) << 0 << true << 1;
    }

    void severityJudgesAShardAgainstWhatTheServiceIsDoing()
    {
        QFETCH(int, state);
        QFETCH(int, phase);
        QFETCH(int, inFlight);
        QFETCH(bool, versionSkew);
        QFETCH(int, severity);
        ShardRow r;
        r.state = state;
        r.servicePhase = phase;
        r.inFlight = quint32(inFlight);
        r.versionSkew = versionSkew;
        QCOMPARE(ShardTableModel::severity(r), severity);
    }

    void duringADrainTheFilterShowsOnlyStragglersAndSortsBySeverity()
    {
        ShardTableModel model;
        ShardFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy);
        ServiceSnapshot s = ScriptedBackendClient::uniform(6, ShardState::Draining, 3, 0);
        s.phase = ServicePhase::Draining;
        s.shards[4].inFlight = 2;
        s.shards[1].state = ShardState::Failed;
        model.apply(s, analyseSkew(s.shards));
        proxy.setUnhealthyOnly(true);
        QCOMPARE(proxy.rowCount(), 2);
        proxy.setSortKey(ShardFilterProxy::SortKey::Severity, Qt::DescendingOrder);
        QCOMPARE(proxy.index(0, 0).data(ShardTableModel::IdRole).toInt(), 1);
        QCOMPARE(proxy.index(1, 0).data(ShardTableModel::IdRole).toInt(), 4);
        // The restart ends and leaves shard 2 draining: it is stuck now, and shown.
        s.phase = ServicePhase::Serving;
        for (ShardSnapshot &shard : s.shards)
            shard.state = ShardState::Serving;
        s.shards[2].state = ShardState::Draining;
        model.apply(s, analyseSkew(s.shards));
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(proxy.index(0, 0).data(ShardTableModel::IdRole).toInt(), 2);
    }
};

QTEST_GUILESS_MAIN(TestShardTableModel)
#include "tst_shardtablemodel.moc"
