// The grid repaints only the tiles whose drawn content changed: counters a tile does not
// draw repaint nothing, one shard's new state repaints its cell alone, and the window's
// pixels (its backing store, what the screen shows) then carry the new state.
#include "ConsoleScenes.h"
#include "TileSampler.h"
#include "WindowFixture.h"

#include "model/shards/ShardTableModel.h"
#include "views/ShardGridView.h"

#include <QGuiApplication>
#include <QPaintEvent>
#include <QScreen>
#include <QScrollBar>
#include <QSettings>
#include <QTest>

using namespace shardscope;
using namespace shardscope::test;

namespace {

// Collects the regions the viewport paints.
class PaintLog : public QObject
{
public:
    explicit PaintLog(QWidget *target) { target->installEventFilter(this); }
    QRegion painted;
    int paints = 0;

protected:
    bool eventFilter(QObject *, QEvent *event) override
    {
        if (event->type() == QEvent::Paint) {
            painted += static_cast<QPaintEvent *>(event)->region();
            ++paints;
        }
        return false;
    }
};

// Every shard's counters move, as under load: nothing a heat-map cell draws.
void bumpCounters(ServiceSnapshot &s)
{
    s.takenAtMs += 50;
    for (ShardSnapshot &shard : s.shards) {
        shard.processed += 7;
        shard.inFlight = (shard.inFlight + 1) % 3;
        shard.queueDepth = (shard.queueDepth + 1) % 4;
        shard.latencyP99Us += 10;
    }
}

} // namespace

class TestGridRepaint : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpDeterministicLook(); }
    void init() { QSettings().clear(); }

    void aHeatMapRepaintsOnlyTheCellWhoseStateChanged()
    {
        Fixture f;
        f.window.setFixedSize(1360, 880);
        ServiceSnapshot s = ScriptedBackendClient::uniform(1024, ShardState::Serving, 6, 1000);
        f.frame(s);
        ShardGridView &grid = f.grid();
        QTRY_COMPARE(grid.effectiveTileSize(), ShardGridView::TileSize::HeatMap);
        grid.doItemsLayout();
        QTRY_COMPARE(grid.verticalScrollBar()->maximum(), 0);
        const QModelIndex last = grid.model()->index(1023, 0);
        QTRY_VERIFY(grid.visualRect(last).isValid() && grid.viewport()->rect().contains(grid.visualRect(last)));
        grid.selectionModel()->clear(); // a selected cell is drawn in place, on every change
        PaintLog log(grid.viewport());
        grid.viewport()->update();
        QTRY_VERIFY(log.paints > 0); // every cell painted once: the delegate knows what each shows

        log.painted = {};
        const qint64 before = grid.tilesInvalidated();
        for (int i = 0; i < 3; ++i) {
            bumpCounters(s);
            f.frame(s);
        }
        QCOMPARE(grid.tilesInvalidated(), before);

        bumpCounters(s);
        s.shards[700].state = ShardState::Draining; // no banner: the header keeps its height, the grid its layout
        f.frame(s);
        QCOMPARE(grid.tilesInvalidated(), before + 1);
        const QRect cell = grid.visualRect(grid.model()->index(700, 0));
        QVERIFY(cell.isValid());
        QTRY_VERIFY(log.painted.contains(cell));
        QVERIFY2(log.painted.boundingRect() == cell,
                 qPrintable(QStringLiteral("painted %1 px beyond shard 700's cell")
                                .arg(log.painted.boundingRect().width() * log.painted.boundingRect().height() - cell.width() * cell.height())));

        // What the window shows: its backing store, not a fresh render.
        const QImage shown = grid.screen()->grabWindow(f.window.winId()).toImage();
        const QPoint origin = grid.viewport()->mapTo(&f.window, QPoint(0, 0)) * shown.devicePixelRatio();
        const QList<int> states = TileSampler::sample(shown.copy(QRect(origin, grid.viewport()->size())),
                                                      TileSampler::tileRects(grid));
        for (int row = 0; row < 1024; ++row)
            QCOMPARE(states[row], int(row == 700 ? ShardState::Draining : ShardState::Serving));
    }

    // A restart step changes every cell at once; cells that look alike share one drawing,
    // so the frame costs a few renders, not 1024, and every cell still shows its state.
    void aRestartStepOnEveryCellDrawsEachLookOnce()
    {
        Fixture f;
        f.window.setFixedSize(1360, 880);
        // Old requests here are marks on cells, not stalls: a stall's banner would change
        // the grid's height, and so every cell's size, in the middle of the frame measured.
        f.model.shards().setStallThresholdMs(60'000);
        ServiceSnapshot s = ScriptedBackendClient::uniform(1024, ShardState::Serving, 6, 1000);
        f.frame(s);
        ShardGridView &grid = f.grid();
        QTRY_COMPARE(grid.effectiveTileSize(), ShardGridView::TileSize::HeatMap);
        grid.doItemsLayout();
        QTRY_COMPARE(grid.verticalScrollBar()->maximum(), 0);
        const QModelIndex last = grid.model()->index(1023, 0); // laid out in batches: wait for the last one
        QTRY_VERIFY(grid.visualRect(last).isValid() && grid.viewport()->rect().contains(grid.visualRect(last)));
        grid.selectionModel()->clear();
        PaintLog log(grid.viewport());
        grid.viewport()->update();
        QTRY_VERIFY(log.paints > 0);

        const int before = grid.tileRenders();
        s.takenAtMs += 50;
        for (ShardSnapshot &shard : s.shards) {
            const bool odd = shard.id % 2;
            shard.state = odd ? ShardState::Draining : ShardState::Verifying;
            if (shard.id % 3 == 0) { // old requests of different ages: the cell marks only that one exists
                shard.inFlight = 1;
                shard.oldestInFlightMs = 3000 + 1000 * std::uint32_t(shard.id % 7);
            }
        }
        f.frame(s);
        const int paintsBefore = log.paints;
        QTRY_VERIFY(log.paints > paintsBefore);
        const int renders = grid.tileRenders() - before;
        QVERIFY2(renders <= 4, qPrintable(QStringLiteral("%1 renders for 4 looks").arg(renders)));

        const QImage shown = grid.screen()->grabWindow(f.window.winId()).toImage();
        const QPoint origin = grid.viewport()->mapTo(&f.window, QPoint(0, 0)) * shown.devicePixelRatio();
        const QList<int> states = TileSampler::sample(shown.copy(QRect(origin, grid.viewport()->size())),
                                                      TileSampler::tileRects(grid));
        for (int row = 0; row < 1024; ++row) {
            const int id = grid.model()->index(row, 0).data(ShardTableModel::IdRole).toInt();
            const int want = int(id % 2 ? ShardState::Draining : ShardState::Verifying);
            QVERIFY2(states[row] == want, qPrintable(QStringLiteral("cell %1 shows state %2, not %3").arg(row).arg(states[row]).arg(want)));
        }
    }

    void largeTilesRepaintWhenWhatTheyShowChanges()
    {
        Fixture f;
        ServiceSnapshot s = ScriptedBackendClient::uniform(8, ShardState::Serving, 6, 1000);
        f.frame(s);
        ShardGridView &grid = f.grid();
        QCOMPARE(grid.effectiveTileSize(), ShardGridView::TileSize::Large);
        grid.selectionModel()->clear();
        PaintLog log(grid.viewport());
        grid.viewport()->update();
        QTRY_VERIFY(log.paints > 0);
        log.painted = {};
        const qint64 before = grid.tilesInvalidated();
        s.takenAtMs += 50;
        for (ShardSnapshot &shard : s.shards)
            shard.processed += 5; // not drawn on any tile
        f.frame(s);
        QCOMPARE(grid.tilesInvalidated(), before);
        s.takenAtMs += 50;
        s.shards[2].queueDepth = 9; // drawn on every tile size but the heat map
        s.shards[6].inFlight = 2;   // drawn on large tiles
        f.frame(s);
        QCOMPARE(grid.tilesInvalidated(), before + 2);
        QTRY_VERIFY(log.painted.contains(grid.visualRect(grid.model()->index(2, 0))));
        QTRY_VERIFY(log.painted.contains(grid.visualRect(grid.model()->index(6, 0))));
        QVERIFY(!log.painted.intersects(grid.visualRect(grid.model()->index(4, 0))));
    }
};

QTEST_MAIN(TestGridRepaint)
#include "tst_grid_repaint.moc"
