// The console's first seconds over a real embedded service: the default workload scenario
// makes shards differ (a hot shard, a slow one, a queue that fills), and the stalled
// scenario draws its shard stalled with the request's age. The pictures are kept in the
// test's folder (default-scenario-16.png, stalled-scenario-4.png) to look at.
#include "ConsoleScenes.h"

#include "model/client/EmbeddedBackendClient.h"
#include "model/console/ConsoleModel.h"
#include "model/console/SnapshotPump.h"
#include "model/shards/ShardTableModel.h"
#include "model/shards/StateStyle.h"
#include "model/workload/WorkloadDriver.h"
#include "tests/support/ServiceFixture.h"
#include "views/HeaderStrip.h"
#include "views/MainWindow.h"
#include "views/ShardDetailPanel.h"
#include "views/WorkloadPanel.h"

#include <QDir>
#include <QTest>

#include <algorithm>

using namespace shardscope;
using namespace shardscope::test;

namespace {

struct Console {
    Console(ShardService &service, WorkloadScenario scenario)
        : client(service, QStringLiteral("http://127.0.0.1/test"))
        , model(client)
    {
        WorkloadConfig w = model.workload().config();
        w.vertexCount = 1000; // the fixture's graph
        w.scenario = scenario;
        model.workload().setConfig(w);
        window = std::make_unique<MainWindow>(model); // after the scenario: its panel shows it
        window->setFixedSize(1360, 880); // the console's default size
        window->show();
    }
    ~Console()
    {
        model.workload().stop();
        model.pump().stop();
    }
    // The median over the shards the scenario leaves alone.
    template <typename F>
    quint64 medianOfOthers(F value)
    {
        std::vector<quint64> v;
        for (int r = 0; r < model.shards().rowCount(); ++r) {
            const ShardRow &row = *model.shards().row(r);
            if (row.id != kHotShard && row.id != kSlowShard)
                v.push_back(value(row));
        }
        std::sort(v.begin(), v.end());
        return v.empty() ? 0 : v[v.size() / 2];
    }
    void keepPicture(const QString &name)
    {
        const QString path = QDir::currentPath() + u'/' + name;
        QVERIFY2(window->grab().save(path), qPrintable(path));
        qInfo("picture: %s", qPrintable(path));
    }

    EmbeddedBackendClient client;
    ConsoleModel model;
    std::unique_ptr<MainWindow> window;
};

const ShardRow &rowOf(ConsoleModel &m, int shard) { return *m.shards().row(m.shards().rowOfShard(shard)); }
quint64 processedOf(const ShardRow &r) { return r.processed; }
// The spin procedure's p50: 40 ms of work on the slow shard, 5 ms elsewhere.
constexpr int kSpinView = 1 + 4;
quint64 spinP50Of(const ShardRow &r) { return r.latency[kSpinView].p50Us; }

} // namespace

class TestDefaultScenario : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpDeterministicLook(); }

    void theDefaultScenarioMakesAHotShardASlowShardAndAQueueWithinTenSeconds()
    {
        constexpr int kShards = 16;
        ServiceFixture fixture(ServiceFixture::smallConfig(kShards));
        QVERIFY2(fixture.ok(), qPrintable(fixture.error()));
        Console console(fixture.service(), WorkloadConfig{}.scenario);
        QCOMPARE(console.model.workload().config().scenario, WorkloadScenario::HotAndSlow);
        QVERIFY(console.window->workloadPanel()->scenarioText().contains(QStringLiteral("Shard 0 is hot")));
        QVERIFY(QTest::qWaitForWindowExposed(console.window.get()));
        quint32 deepest = 0;
        connect(&console.model, &ConsoleModel::frame, this, [&] {
            for (int r = 0; r < console.model.shards().rowCount(); ++r)
                deepest = std::max(deepest, console.model.shards().row(r)->queueDepth);
        });
        console.model.pump().start();
        console.model.workload().start();
        QTRY_COMPARE(console.model.shards().rowCount(), kShards);

        // A queue is seen: the hot shard's bursts outrun its thread.
        QTRY_VERIFY_WITH_TIMEOUT(deepest > 0, 10000);
        // The hot shard answers far more than a typical shard (about 57 a second against 6).
        QTRY_VERIFY_WITH_TIMEOUT(processedOf(rowOf(console.model, kHotShard))
                                     > 3 * std::max<quint64>(10, console.medianOfOthers(processedOf)), 10000);
        // The slow shard's spins take its 40 ms of work; a typical shard's take the mix's 5 ms.
        QVERIFY(ShardTableModel::latencyViewName(kSpinView) == QStringLiteral("spin"));
        QTRY_VERIFY_WITH_TIMEOUT(rowOf(console.model, kSlowShard).latency[kSpinView].samples > 10
                                     && spinP50Of(rowOf(console.model, kSlowShard)) >= 40'000
                                     && console.medianOfOthers(spinP50Of) < 20'000, 10000);
        // The tiles say it: the slow shard's p99 over its work reads in tens of ms.
        const QModelIndex slow = console.model.shards().index(console.model.shards().rowOfShard(kSlowShard));
        QVERIFY2(slow.data(ShardTableModel::LatencyTextRole).toString().contains(QStringLiteral(" ms")),
                 qPrintable(slow.data(ShardTableModel::LatencyTextRole).toString()));
        console.keepPicture(QStringLiteral("default-scenario-16.png"));
    }

    void theStalledScenarioDrawsItsShardStalledWithTheRequestsAge()
    {
        constexpr int kShards = 4;
        ServiceFixture fixture(ServiceFixture::smallConfig(kShards));
        QVERIFY2(fixture.ok(), qPrintable(fixture.error()));
        Console console(fixture.service(), WorkloadScenario::StalledShard);
        QVERIFY(QTest::qWaitForWindowExposed(console.window.get()));
        console.model.pump().start();
        console.model.workload().start();
        QTRY_COMPARE(console.model.shards().rowCount(), kShards);
        console.model.setSelectedShard(kStalledShard);
        const QModelIndex stalled = console.model.shards().index(console.model.shards().rowOfShard(kStalledShard));
        QTRY_COMPARE_WITH_TIMEOUT(stalled.data(ShardTableModel::StateNameRole).toString(), QStringLiteral("stalled"), 10000);
        QCOMPARE(console.model.summary().stateCounts[std::size_t(kStalledStateIndex)], 1);
        QVERIFY2(console.window->header()->alertText().contains(QStringLiteral("Shard 2 stalled")),
                 qPrintable(console.window->header()->alertText()));
        auto *detail = console.window->findChild<ShardDetailPanel *>();
        QVERIFY(detail);
        QTRY_VERIFY2(detail->detailText().contains(QStringLiteral("(oldest ")), qPrintable(detail->detailText()));
        QVERIFY2(detail->detailText().contains(QStringLiteral("stalled")), qPrintable(detail->detailText()));
        console.keepPicture(QStringLiteral("stalled-scenario-4.png"));
    }
};

QTEST_MAIN(TestDefaultScenario)
#include "tst_default_scenario.moc"
