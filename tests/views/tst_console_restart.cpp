// Restarts through the real embedded service under the built-in workload, checked the
// way an operator sees them: by the colours of the tiles in grabbed frames.
#include "ConsoleScenes.h"
#include "TileSampler.h"

#include "backend/actors/QueryActor.h"
#include "model/client/EmbeddedBackendClient.h"
#include "model/console/ConsoleModel.h"
#include "model/console/SnapshotPump.h"
#include "model/restart/RestartTracker.h"
#include "model/shards/ShardTableModel.h"
#include "model/workload/WorkloadDriver.h"
#include "tests/support/ServiceFixture.h"
#include "views/ColourTable.h"
#include "views/HeaderStrip.h"
#include "views/MainWindow.h"
#include "views/RestartPanel.h"
#include "views/ShardGridPanel.h"
#include "views/ShardGridView.h"

#include <QLabel>
#include <QTest>

#include <atomic>
#include <set>
#include <thread>

using namespace shardscope;
using namespace shardscope::test;

namespace {

constexpr int kShards = 4;

// Creating a new version's actor takes a little while, as loading a real graph does, so
// each shard's "restarting" tile lasts several frames.
ServiceConfig slowCreationConfig()
{
    ServiceConfig config = ServiceFixture::smallConfig(kShards);
    ActorFactory base = defaultActorFactory();
    config.actorFactory = [base](const ActorSpec &spec, QString *error) {
        if (spec.version > 1)
            std::this_thread::sleep_for(std::chrono::milliseconds(150));
        return base(spec, error);
    };
    return config;
}

struct Console {
    explicit Console(ShardService &service)
        : client(service, QStringLiteral("http://127.0.0.1/test"))
        , model(client)
        , window(model)
    {
        window.setFixedSize(1200, 760);
        window.show();
        WorkloadConfig w;
        w.ratePerSecond = 120;
        w.clients = 16;
        w.weights = {50, 10, 0, 0, 10, 30};
        w.sleepMs = 1000; // in flight during the drain, long enough to be seen even under TSan
        w.vertexCount = 1000;
        w.scenario = WorkloadScenario::Uniform; // every shard alike: the restart is what is watched
        model.workload().setConfig(w);
    }
    ShardGridView &grid() { return *window.grid()->view(); }

    EmbeddedBackendClient client;
    ConsoleModel model;
    MainWindow window;
};

} // namespace

class TestConsoleRestart : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpDeterministicLook(); }

    void aPhasedRestartUnderLoadTakesEveryTileThroughDrainAndRestartToGreenOnTheNextVersion()
    {
        ServiceFixture fixture(slowCreationConfig());
        QVERIFY2(fixture.ok(), qPrintable(fixture.error()));
        Console console(fixture.service());
        QVERIFY(QTest::qWaitForWindowExposed(&console.window));
        console.model.pump().start();
        console.model.workload().start();
        QTRY_VERIFY_WITH_TIMEOUT(console.model.workload().stats().ok >= 20, 10000);
        QTRY_COMPARE(console.model.shards().rowCount(), kShards);
        const quint64 before = console.model.summary().version;

        std::vector<std::set<int>> seen(kShards);
        QObject sampler;
        connect(&console.model, &ConsoleModel::frame, &sampler, [&] {
            const QList<int> states = TileSampler::sample(console.grid());
            for (int i = 0; i < states.size() && i < kShards; ++i)
                seen[std::size_t(i)].insert(states[i]);
        });
        RestartSettings settings = console.model.restartDefaults();
        settings.legacy = false;
        console.model.requestRestart(settings);
        QTRY_VERIFY_WITH_TIMEOUT(console.model.restart().progress().seen && !console.model.restart().progress().active, 30000);
        QCOMPARE(console.model.restart().progress().outcome, QStringLiteral("completed"));
        QCOMPARE(console.model.restart().progress().mode, QStringLiteral("phased"));
        QTRY_COMPARE_WITH_TIMEOUT(console.model.summary().version, before + 1, 5000);
        QTRY_VERIFY(console.model.summary().ready);
        console.model.workload().stop();

        const QList<int> final = TileSampler::sample(console.grid());
        for (int i = 0; i < kShards; ++i) {
            const auto &s = seen[std::size_t(i)];
            QVERIFY2(s.count(int(ShardState::Draining)), qPrintable(QStringLiteral("shard %1 never drew draining").arg(i)));
            QVERIFY2(s.count(int(ShardState::Restarting)), qPrintable(QStringLiteral("shard %1 never drew restarting").arg(i)));
            QCOMPARE(final[i], int(ShardState::Serving));
            QCOMPARE(console.model.shards().row(i)->version, before + 1);
        }
        QCOMPARE(console.model.workload().stats().failed(), 0u);
    }

    void aLegacyRestartLeavesShardZeroGreenAndEveryOtherShardRed()
    {
        ServiceFixture fixture(ServiceFixture::smallConfig(kShards));
        QVERIFY2(fixture.ok(), qPrintable(fixture.error()));
        Console console(fixture.service());
        QVERIFY(QTest::qWaitForWindowExposed(&console.window));
        console.model.pump().start();
        QTRY_COMPARE(console.model.shards().rowCount(), kShards);
        RestartSettings settings = console.model.restartDefaults();
        settings.legacy = true;
        console.model.requestRestart(settings);
        QTRY_VERIFY_WITH_TIMEOUT(console.model.restart().progress().seen && !console.model.restart().progress().active, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(TileSampler::sample(console.grid())
                                     == (QList<int>{int(ShardState::Serving), int(ShardState::Canceled),
                                                    int(ShardState::Canceled), int(ShardState::Canceled)}),
                                 5000);
        QVERIFY(!console.model.summary().ready);
        // The panel tells the truth: failed, with the reason, in red.
        RestartPanel *panel = console.window.restartPanel();
        QTRY_VERIFY2(panel->statusText().startsWith(QStringLiteral("Last restart failed after")), qPrintable(panel->statusText()));
        QVERIFY2(panel->statusText().endsWith(QStringLiteral(
                     ": 3 of 4 shards canceled after a legacy restart (shards 1-3): requests to them get 503")),
                 qPrintable(panel->statusText()));
        const QImage status = panel->statusLabel()->grab().toImage();
        int red = 0;
        for (int y = 0; y < status.height(); ++y)
            for (int x = 0; x < status.width(); ++x)
                red += QColor(status.pixel(x, y)) == colourFor(Meaning::FailureText, false); // the one failure red
        QVERIFY2(red > 20, qPrintable(QString::number(red)));
        QCOMPARE(console.window.header()->alertText(),
                 QStringLiteral("\u2716 3 of 4 shards canceled (shards 1-3): requests routed to them get 503"));
        // The seed's symptom, through the console's own workload: 503 from shards 1..N-1.
        console.model.workload().start();
        QTRY_VERIFY_WITH_TIMEOUT(console.model.workload().stats().failed503 >= 10, 10000);
        console.model.workload().stop();
    }

    void aDrainHeldByAStuckQueryNamesItsShardWithTheRequestsAgeOnTheTileAndInThePanel()
    {
        ServiceConfig config = ServiceFixture::smallConfig(kShards);
        config.enableFaults = true;
        ServiceFixture fixture(config);
        QVERIFY2(fixture.ok(), qPrintable(fixture.error()));
        Console console(fixture.service());
        QVERIFY(QTest::qWaitForWindowExposed(&console.window));
        console.model.pump().start();
        QTRY_COMPARE(console.model.shards().rowCount(), kShards);
        console.client.injectFault(QJsonObject{{QStringLiteral("fault"), QStringLiteral("stuck")}, {QStringLiteral("shard"), 2}});
        QTRY_VERIFY(console.model.shards().row(2)->armedFaults != 0);
        std::atomic<int> stuckStatus{-1};
        QueryRequest stuck;
        stuck.procedure = QStringLiteral("echo");
        stuck.pinnedShard = 2;
        console.client.submitQuery(stuck, [&stuckStatus](QueryReply reply) { stuckStatus = int(reply.status); });
        QTRY_COMPARE(console.model.shards().row(2)->inFlight, 1u);
        QTRY_COMPARE(console.model.shards().row(2)->armedFaults, quint8(0)); // the drill fired

        RestartSettings settings = console.model.restartDefaults();
        settings.legacy = false;
        settings.forceDrain = true; // cancel the stuck query once the drain has shown it
        settings.drainTimeoutMs = 8000;
        console.model.requestRestart(settings);
        RestartPanel *panel = console.window.restartPanel();
        QTRY_VERIFY_WITH_TIMEOUT(panel->waitingText().contains(QStringLiteral("shard 2</a> (1 in flight, oldest ")), 7000);
        const QImage grid = console.grid().viewport()->grab().toImage();
        const QRect tile = console.grid().visualRect(console.grid().model()->index(2, 0));
        int black = 0;
        for (int y = tile.top(); y <= tile.bottom(); ++y)
            for (int x = tile.left(); x <= tile.right(); ++x)
                black += (grid.pixel(x, y) & 0xffffff) == 0;
        QVERIFY2(black > 100, "no age badge on the stuck shard's tile");
        QVERIFY(!console.grid().model()->index(2, 0).data(ShardTableModel::OldestShownRole).toString().isEmpty());

        QTRY_VERIFY_WITH_TIMEOUT(console.model.restart().progress().seen && !console.model.restart().progress().active, 20000);
        QCOMPARE(console.model.restart().progress().outcome, QStringLiteral("completed"));
        QTRY_COMPARE(stuckStatus.load(), int(QueryStatus::Unavailable)); // the forced drain answered it
    }
};

QTEST_MAIN(TestConsoleRestart)
#include "tst_console_restart.moc"
