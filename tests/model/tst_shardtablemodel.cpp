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
};

QTEST_GUILESS_MAIN(TestShardTableModel)
#include "tst_shardtablemodel.moc"
