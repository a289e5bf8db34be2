// What holds a drain and what an operator armed, found on the screen: the age of a
// shard's oldest request on its tile and in the restart panel, sorted worst first; armed
// fault drills as chips on their tiles (heat-map cells too) and in the header.
#include "ConsoleScenes.h"
#include "TileSampler.h"
#include "WindowFixture.h"
#include "model/shards/StateStyle.h"

#include "model/shards/ShardFilterProxy.h"
#include "views/HeaderStrip.h"
#include "views/RestartPanel.h"
#include "views/ShardGridView.h"

#include <QCheckBox>
#include <QComboBox>
#include <QSettings>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace shardscope;
using namespace shardscope::test;

namespace {

// The restart the scripted service runs: requested, then in its drain.
void startDrain(ScriptedBackendClient &client)
{
    ServiceEvent requested;
    requested.kind = EventKind::RestartRequested;
    requested.restartId = 4;
    requested.outcome = QStringLiteral("phased");
    client.pushEvent(requested);
    ServiceEvent drain;
    drain.kind = EventKind::PhaseStarted;
    drain.restartId = 4;
    drain.phase = ServicePhase::Draining;
    client.pushEvent(drain);
}

// Pixels of `colour` (exactly) inside a tile of the grid's current render.
int pixelsOf(const QImage &image, const QRect &tile, QRgb colour)
{
    int n = 0;
    for (int y = tile.top(); y <= tile.bottom(); ++y)
        for (int x = tile.left(); x <= tile.right(); ++x)
            n += image.rect().contains(x, y) && (image.pixel(x, y) & 0xffffff) == (colour & 0xffffff);
    return n;
}

} // namespace

class TestBlockers : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpDeterministicLook(); }
    void init() { QSettings().clear(); }

    void aDrainHeldByAStuckShardNamesItFirstAndShowsItsAgeOnItsTileWithinOneFrame()
    {
        Fixture f;
        f.frame(ScriptedBackendClient::uniform(8, ShardState::Serving, 6, 1000));
        startDrain(f.client);
        ServiceSnapshot s = ScriptedBackendClient::uniform(8, ShardState::Draining, 6, 1100);
        s.phase = ServicePhase::Draining;
        s.shards[5].inFlight = 3;
        s.shards[5].oldestInFlightMs = 400; // young: no age shown
        s.shards[3].inFlight = 1;
        s.shards[3].oldestInFlightMs = 4200; // the stuck one
        f.frame(s); // one frame: the events and the snapshot together

        const QString waiting = f.window.restartPanel()->waitingText();
        QVERIFY2(waiting.startsWith(QStringLiteral("Waiting on <a href=\"shard:3\">shard 3</a> (1 in flight, oldest 4 s), "
                                                   "<a href=\"shard:5\">shard 5</a> (3 in flight)")),
                 qPrintable(waiting));

        // The tile: a black badge with the age on shard 3's tile, none on shard 5's.
        QCoreApplication::processEvents(); // deliver the queued layout of the grid
        const QImage image = f.grid().viewport()->grab().toImage();
        const QList<QRect> tiles = TileSampler::tileRects(f.grid());
        QCOMPARE(tiles.size(), 8);
        // The stuck shard is drawn stalled: its request is past the 2 s stall threshold.
        QList<int> expected(8, int(ShardState::Draining));
        expected[3] = kStalledStateIndex;
        QCOMPARE(TileSampler::sample(image, tiles), expected);
        QVERIFY2(pixelsOf(image, tiles[3], qRgb(0, 0, 0)) > 100, "no age badge on the stuck shard's tile");
        QCOMPARE(pixelsOf(image, tiles[5], qRgb(0, 0, 0)), 0);
        QCOMPARE(f.grid().model()->index(3, 0).data(ShardTableModel::OldestShownRole).toString(), QStringLiteral("4 s"));

        // A second later the tile says so; the ages are whole seconds.
        s.takenAtMs += 1000;
        s.shards[3].oldestInFlightMs = 5200;
        f.frame(s);
        QCOMPARE(f.grid().model()->index(3, 0).data(ShardTableModel::OldestShownRole).toString(), QStringLiteral("5 s"));
        QVERIFY(f.window.restartPanel()->waitingText().contains(QStringLiteral("oldest 5 s")));
    }

    void theOldestRequestLeadsItsSortAndBreaksSeverityTies()
    {
        Fixture f;
        startDrain(f.client);
        ServiceSnapshot s = ScriptedBackendClient::uniform(8, ShardState::Draining, 6, 1100);
        s.phase = ServicePhase::Draining;
        s.shards[1].inFlight = 5;
        s.shards[1].oldestInFlightMs = 200;
        s.shards[6].inFlight = 1;
        s.shards[6].oldestInFlightMs = 9000;
        s.shards[2].inFlight = 1;
        s.shards[2].oldestInFlightMs = 3000;
        f.frame(s);
        auto firstIds = [&f] {
            QList<int> ids;
            for (int r = 0; r < 3; ++r)
                ids << f.grid().model()->index(r, 0).data(ShardTableModel::IdRole).toInt();
            return ids;
        };
        QComboBox *sort = f.window.grid()->sortBox();
        QCOMPARE(sort->itemText(5), QStringLiteral("Sort by oldest request"));
        sort->setCurrentIndex(5);
        QCOMPARE(firstIds(), (QList<int>{6, 2, 1}));
        sort->setCurrentIndex(3); // severity: three stragglers alike, the oldest first
        QCOMPARE(firstIds(), (QList<int>{6, 2, 1}));
        sort->setCurrentIndex(4); // in flight
        QCOMPARE(firstIds().first(), 1);
    }

    void anArmedFaultShowsAChipOnItsTileAndInTheHeaderUntilItIsGone()
    {
        Fixture f;
        ServiceSnapshot s = ScriptedBackendClient::uniform(8, ShardState::Serving, 6, 1000);
        f.frame(s);
        QVERIFY(f.window.header()->faultsText().isEmpty());
        s.takenAtMs += 50;
        s.shards[2].armedFaults = 1; // crash next
        s.shards[6].armedFaults = 4; // slow
        s.shards[6].slowFaultMs = 50;
        s.badGraphArmed = true;
        f.frame(s);
        QCOMPARE(f.window.header()->faultsText(),
                 QStringLiteral("FAULTS ARMED: crash next on shard 2; slow on shard 6; bad graph at the next restart"));
        QCOMPARE(f.grid().model()->index(6, 0).data(ShardTableModel::FaultChipRole).toString(), QStringLiteral("slow 50 ms"));
        QVERIFY(f.grid().model()->index(2, 0).data(Qt::ToolTipRole).toString().contains(QStringLiteral("Fault drill armed: crash next")));
        QCoreApplication::processEvents();
        const QRgb yellow = qRgb(0xff, 0xd6, 0x00);
        QImage image = f.grid().viewport()->grab().toImage();
        QList<QRect> tiles = TileSampler::tileRects(f.grid());
        QVERIFY2(pixelsOf(image, tiles[2], yellow) > 40, "no fault chip on shard 2's tile");
        QVERIFY(pixelsOf(image, tiles[6], yellow) > 40);
        QCOMPARE(pixelsOf(image, tiles[0], yellow), 0);
        const QImage header = f.window.header()->grab().toImage();
        QVERIFY2(pixelsOf(header, header.rect(), yellow) > 200, "no fault chip in the header");

        // The crash fired and the rest were cleared: every chip goes.
        s.takenAtMs += 50;
        for (ShardSnapshot &shard : s.shards)
            shard.armedFaults = 0;
        s.badGraphArmed = false;
        f.frame(s);
        QVERIFY(f.window.header()->faultsText().isEmpty());
        QCoreApplication::processEvents();
        image = f.grid().viewport()->grab().toImage();
        QCOMPARE(pixelsOf(image, tiles[2], yellow), 0);
        QCOMPARE(pixelsOf(image, tiles[6], yellow), 0);
    }

    void aFilterThatLeavesAFewOf1024ShardsShowsThemAsLabelledTiles()
    {
        Fixture f;
        f.window.setFixedSize(1360, 880);
        ServiceSnapshot s = ScriptedBackendClient::uniform(1024, ShardState::Serving, 6, 1000);
        s.shards[300].state = ShardState::Failed;
        s.shards[700].inFlight = 1;
        s.shards[700].oldestInFlightMs = 9000;
        f.frame(s);
        ShardGridView &grid = f.grid();
        QTRY_COMPARE(grid.effectiveTileSize(), ShardGridView::TileSize::HeatMap);
        f.window.grid()->unhealthyFilter()->setChecked(true);
        QTRY_COMPARE(grid.model()->rowCount(), 2);
        // Two shards left: large tiles with their id and state in words, not 16 px cells.
        QTRY_COMPARE(grid.effectiveTileSize(), ShardGridView::TileSize::Large);
        QCOMPARE(grid.model()->index(0, 0).data(ShardTableModel::StateNameRole).toString(), QStringLiteral("failed"));
        QCOMPARE(grid.model()->index(1, 0).data(ShardTableModel::StateNameRole).toString(), QStringLiteral("stalled"));
        f.window.grid()->unhealthyFilter()->setChecked(false);
        QTRY_COMPARE(grid.effectiveTileSize(), ShardGridView::TileSize::HeatMap);
    }

    void aDrainTimeoutOffersARetryWithForceAndLinksTheShardItNames()
    {
        Fixture f;
        f.frame(ScriptedBackendClient::uniform(8, ShardState::Serving, 6, 1000));
        startDrain(f.client);
        ServiceEvent end;
        end.kind = EventKind::RestartFinished;
        end.restartId = 4;
        end.severity = Severity::Warning;
        end.outcome = QStringLiteral("aborted");
        end.message = QStringLiteral("aborted: drain timed out after 10 s waiting on shard 3 (1 in flight); reopened on v6");
        end.durationMs = 10000;
        f.client.pushEvent(end);
        f.frame(ScriptedBackendClient::uniform(8, ShardState::Serving, 6, 11000));
        RestartPanel *panel = f.window.restartPanel();
        QTRY_VERIFY(panel->retryForceButton()->isVisible());
        QVERIFY2(panel->statusLabel()->text().contains(QStringLiteral("<a href=\"shard:3\">shard 3</a>")),
                 qPrintable(panel->statusLabel()->text()));
        QVERIFY2(panel->statusText().contains(QStringLiteral("waiting on shard 3")), qPrintable(panel->statusText()));
        QSignalSpy select(panel, &RestartPanel::selectShardRequested);
        Q_EMIT panel->statusLabel()->linkActivated(QStringLiteral("shard:3"));
        QCOMPARE(select.size(), 1);
        QCOMPARE(select.front().front().toInt(), 3);
        // The retry opens the dialog with the forced drain chosen; cancelled here.
        bool forced = false;
        onNextDialog<RestartDialog>([&](RestartDialog &d) {
            forced = d.settings().forceDrain;
            d.reject();
        });
        panel->retryForceButton()->click();
        QVERIFY(forced);
    }

    void duringVerifyTheHeaderNamesTheVersionLiveBesideTheOneItLeaves()
    {
        Fixture f;
        ServiceSnapshot s = ScriptedBackendClient::uniform(64, ShardState::Verifying, 7, 1000);
        s.phase = ServicePhase::Verifying;
        s.version = 6; // the service's version moves on when the restart commits
        f.frame(s);
        QCOMPARE(f.window.header()->versionText(), QStringLiteral("Version v6 \u2192 v7 live"));
        QCOMPARE(f.window.header()->versionLineText(), QStringLiteral("One version live: v7 on all 64 shards"));
        s.phase = ServicePhase::Serving;
        s.version = 7;
        for (ShardSnapshot &shard : s.shards)
            shard.state = ShardState::Serving;
        f.frame(s);
        QCOMPARE(f.window.header()->versionText(), QStringLiteral("Version v7"));
    }

    void armedFaultsShowOnHeatMapCellsToo()
    {
        Fixture f;
        f.window.setFixedSize(1360, 880);
        ServiceSnapshot s = ScriptedBackendClient::uniform(1024, ShardState::Serving, 6, 1000);
        s.shards[900].armedFaults = 2; // stuck next
        s.shards[901].inFlight = 1;
        s.shards[901].oldestInFlightMs = 12'000;
        f.frame(s);
        ShardGridView &grid = f.grid();
        QTRY_COMPARE(grid.effectiveTileSize(), ShardGridView::TileSize::HeatMap);
        grid.doItemsLayout();
        const QModelIndex last = grid.model()->index(1023, 0);
        QTRY_VERIFY(grid.visualRect(last).isValid() && grid.viewport()->rect().contains(grid.visualRect(last)));
        const QImage image = grid.viewport()->grab().toImage();
        const QList<QRect> cells = TileSampler::tileRects(grid);
        QVERIFY(pixelsOf(image, cells[900], qRgb(0xff, 0xd6, 0x00)) > 4); // the yellow corner
        QCOMPARE(pixelsOf(image, cells[899], qRgb(0xff, 0xd6, 0x00)), 0);
        QVERIFY(pixelsOf(image, cells[901], qRgb(0, 0, 0)) >= cells[901].width() * 2); // the old request's bar
        QCOMPARE(pixelsOf(image, cells[899], qRgb(0, 0, 0)), 0);
        const QList<int> states = TileSampler::sample(image, cells);
        QCOMPARE(states.count(int(ShardState::Serving)), 1023); // corners keep the state colour
        QCOMPARE(states[901], kStalledStateIndex); // a 12 s old request: stalled, in its own colour
    }
};

QTEST_MAIN(TestBlockers)
#include "tst_blockers.moc"
