// The main window as an operator uses it: filter, keyboard, restart dialog, workload,
// theme, and 1024 shards.
#include "ConsoleScenes.h"
#include "WindowFixture.h"

#include "model/console/ConsoleModel.h"
#include "model/console/SnapshotPump.h"
#include "model/events/EventFilterProxy.h"
#include "model/shards/ShardFilterProxy.h"
#include "model/shards/ShardTableModel.h"
#include "model/workload/WorkloadDriver.h"
#include "views/ChartPanel.h"
#include "views/ColourTable.h"
#include "views/EventLogView.h"
#include "views/HeaderStrip.h"
#include "views/MainWindow.h"
#include "views/RestartDialog.h"
#include "views/RestartPanel.h"
#include "views/ShardGridPanel.h"
#include "views/ShardGridView.h"
#include "views/TileDelegate.h"
#include "views/WorkloadPanel.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSpinBox>
#include <QTest>
#include <QTimer>
#include <QValueAxis>

using namespace shardscope;
using namespace shardscope::test;

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { setUpDeterministicLook(); }
    void init() { QSettings().clear(); }

    void theUnhealthyFilterLeavesOnlyTroubledTiles()
    {
        Fixture f;
        ServiceSnapshot s = ScriptedBackendClient::uniform(8, ShardState::Serving, 6, 1000);
        s.shards[2].state = ShardState::Canceled;
        s.shards[5].version = 7;
        f.frame(s);
        QCOMPARE(f.grid().model()->rowCount(), 8);
        f.window.grid()->unhealthyFilter()->click();
        QCOMPARE(f.grid().model()->rowCount(), 2);
        f.window.grid()->unhealthyFilter()->click();
        QCOMPARE(f.grid().model()->rowCount(), 8);
    }

    void aFilterThatHidesEveryShardSaysSoInsteadOfABlankPane()
    {
        Fixture f;
        f.frame(ScriptedBackendClient::uniform(8, ShardState::Serving, 6, 1000));
        QVERIFY(f.grid().emptyText().isEmpty());
        f.window.grid()->unhealthyFilter()->click();
        QCOMPARE(f.grid().model()->rowCount(), 0);
        QVERIFY2(f.grid().emptyText().startsWith(QStringLiteral("No shard matches the filter: all 8 shards")),
                 qPrintable(f.grid().emptyText()));
        // Drawn, not only set: the empty viewport is no longer one flat colour.
        const QImage image = f.grid().viewport()->grab().toImage();
        const QRgb background = image.pixel(2, 2);
        bool drawn = false;
        for (int y = 0; y < image.height() && !drawn; ++y)
            for (int x = 0; x < image.width() && !drawn; ++x)
                drawn = image.pixel(x, y) != background;
        QVERIFY(drawn);
        f.window.grid()->unhealthyFilter()->click();
        QVERIFY(f.grid().emptyText().isEmpty());
    }

    void aDrainNamesTheShardsItWaitsOnWorstFirstWithinOneFrame()
    {
        Fixture f;
        f.frame(ScriptedBackendClient::uniform(40, ShardState::Serving, 6, 1000));
        ServiceEvent requested;
        requested.kind = EventKind::RestartRequested;
        requested.restartId = 9;
        requested.outcome = QStringLiteral("phased");
        f.client.pushEvent(requested);
        ServiceEvent drain;
        drain.kind = EventKind::PhaseStarted;
        drain.restartId = 9;
        drain.phase = ServicePhase::Draining;
        f.client.pushEvent(drain);
        ServiceSnapshot s = ScriptedBackendClient::uniform(40, ShardState::Draining, 6, 1100);
        for (ShardSnapshot &shard : s.shards)
            shard.inFlight = 0;
        s.shards[37].inFlight = 1;
        s.shards[12].inFlight = 4;
        s.shards[30].inFlight = 1;
        f.frame(s); // one frame: the events and the snapshot together
        const QString waiting = f.window.restartPanel()->waitingText();
        QVERIFY2(waiting.startsWith(QStringLiteral("Waiting on <a href=\"shard:12\">shard 12</a> (4 in flight), "
                                                   "<a href=\"shard:30\">shard 30</a> (1 in flight), "
                                                   "<a href=\"shard:37\">shard 37</a> (1 in flight)")),
                 qPrintable(waiting));
        // A name in the panel is one click from its tile.
        Q_EMIT f.window.restartPanel()->waitingLabel()->linkActivated(QStringLiteral("shard:37"));
        QCOMPARE(f.selectedId(), 37);
        ServiceEvent ended = drain;
        ended.kind = EventKind::PhaseEnded;
        f.client.pushEvent(ended);
        ServiceEvent restart = drain;
        restart.phase = ServicePhase::Restarting;
        f.client.pushEvent(restart);
        s.takenAtMs += 50;
        f.frame(s);
        QVERIFY(f.window.restartPanel()->waitingText().isEmpty()); // only while draining
    }

    void aTilesContextMenuSelectsCopiesAndShowsItsEvents()
    {
        Fixture f;
        f.frame(ScriptedBackendClient::uniform(8, ShardState::Serving, 6, 1000));
        QMenu *menu = f.window.grid()->contextMenuFor(5);
        const QList<QAction *> actions = menu->actions();
        QCOMPARE(actions.size(), 4);
        actions[0]->trigger();
        QCOMPARE(f.selectedId(), 5);
        actions[1]->trigger();
        QCOMPARE(QGuiApplication::clipboard()->text(), QStringLiteral("5"));
        actions[3]->trigger();
        QCOMPARE(f.window.eventLog()->shardBox()->value(), 5);
        delete menu;
    }

    void themeAndTileSizeAreRememberedAcrossLaunches()
    {
        {
            Fixture f;
            f.window.setTheme(Theme::Dark);
            f.window.grid()->tileSizeBox()->setCurrentIndex(int(ShardGridView::TileSize::Small));
        } // no saveSettings(): as when the console is ended by a signal
        Fixture again;
        again.window.restoreSettings();
        QCOMPARE(again.window.theme(), Theme::Dark);
        QCOMPARE(again.grid().tileSizeMode(), ShardGridView::TileSize::Small);
    }

    void sortingByQueueDepthPutsTheDeepestQueueFirst()
    {
        Fixture f;
        ServiceSnapshot s = ScriptedBackendClient::uniform(8, ShardState::Serving, 6, 1000);
        s.shards[6].queueDepth = 99;
        f.frame(s);
        f.window.grid()->sortBox()->setCurrentIndex(1);
        QCOMPARE(f.grid().model()->index(0, 0).data(ShardTableModel::IdRole).toInt(), 6);
    }

    void arrowKeysMoveBetweenTilesAndTheSelectionIsShown()
    {
        Fixture f;
        f.frame(ScriptedBackendClient::uniform(8, ShardState::Serving, 6, 1000));
        f.grid().setFocus();
        f.grid().setCurrentIndex(f.grid().model()->index(0, 0));
        QCOMPARE(f.model.selectedShard(), 0);
        QTest::keyClick(&f.grid(), Qt::Key_Right);
        QCOMPARE(f.selectedId(), 1);
        QCOMPARE(f.model.selectedShard(), 1);
        QTest::keyClick(&f.grid(), Qt::Key_Down);
        QVERIFY2(f.selectedId() > 1, "Down moves to the next row of tiles");
        QTest::keyClick(&f.grid(), Qt::Key_Left);
        QCOMPARE(f.model.selectedShard(), f.selectedId());
    }

    void a1024ShardServiceGetsAHeatMapAndSmallTilesScroll()
    {
        Fixture f;
        ServiceSnapshot s = ScriptedBackendClient::uniform(1024, ShardState::Serving, 6, 1000);
        f.frame(s);
        QCOMPARE(f.model.shards().rowCount(), 1024);
        auto *delegate = qobject_cast<TileDelegate *>(f.grid().itemDelegate());
        QVERIFY(delegate);
        QCOMPARE(f.grid().effectiveTileSize(), ShardGridView::TileSize::HeatMap);
        f.grid().doItemsLayout();
        QTRY_COMPARE(f.grid().verticalScrollBar()->maximum(), 0); // every shard in view
        // Chosen by hand, small tiles no longer fit: the grid scrolls, as before the heat map.
        f.window.grid()->tileSizeBox()->setCurrentIndex(int(ShardGridView::TileSize::Small));
        QVERIFY(delegate->tileSize().width() <= 60);
        f.grid().doItemsLayout();
        QTRY_VERIFY(f.grid().verticalScrollBar()->maximum() > 0);
        f.window.grid()->tileSizeBox()->setCurrentIndex(int(ShardGridView::TileSize::Auto));

        // A frame in which every shard changes: one widened dataChanged, cheap enough for 20 Hz.
        for (ShardSnapshot &sh : s.shards) {
            sh.state = ShardState::Draining;
            sh.queueDepth = 5;
        }
        s.takenAtMs += 50;
        QElapsedTimer timer;
        timer.start();
        f.frame(s);
        const qint64 ms = timer.elapsed();
        qInfo("a frame with 1024 changed shards took %lld ms in the model", ms);
        QVERIFY2(ms < 250, qPrintable(QString::number(ms)));
    }

    void theHeatMapShowsAll1024ShardsAt1360x880WithTheirStateColours()
    {
        Fixture f;
        f.window.setFixedSize(1360, 880);
        ServiceSnapshot s = ScriptedBackendClient::uniform(1024, ShardState::Serving, 6, 1000);
        for (int i = 0; i < 1024; i += 7)
            s.shards[std::size_t(i)].state = ShardState::Canceled;
        f.frame(s);
        ShardGridView &grid = f.grid();
        QTRY_COMPARE(grid.effectiveTileSize(), ShardGridView::TileSize::HeatMap);
        grid.doItemsLayout();
        QTRY_COMPARE(grid.verticalScrollBar()->maximum(), 0);
        // The grid lays out in batches of 256: wait for the last cell.
        const QModelIndex last = grid.model()->index(grid.model()->rowCount() - 1, 0);
        QTRY_VERIFY(grid.visualRect(last).isValid() && grid.viewport()->rect().contains(grid.visualRect(last)));
        const QImage image = grid.viewport()->grab().toImage();
        // Tiles take the theme's value of their state's colour (an earlier case may leave the dark theme).
        const bool dark = isDarkPalette(grid.palette());
        const QColor serving = stateFill(grid.model()->index(1, 0).data(ShardTableModel::StateRole).toInt(), dark);
        const QColor canceled = stateFill(grid.model()->index(0, 0).data(ShardTableModel::StateRole).toInt(), dark);
        QVERIFY(serving != canceled);
        int seen = 0;
        for (int row = 0; row < grid.model()->rowCount(); ++row) {
            const QModelIndex index = grid.model()->index(row, 0);
            const QRect cell = grid.visualRect(index);
            QVERIFY2(grid.viewport()->rect().contains(cell), qPrintable(QStringLiteral("shard %1 out of view").arg(row)));
            const int id = index.data(ShardTableModel::IdRole).toInt();
            const QColor expected = id % 7 == 0 ? canceled : serving;
            seen += QColor(image.pixel(cell.topLeft() + QPoint(2, 2))) == expected;
        }
        QCOMPARE(seen, 1024);
        // Tooltips and keyboard navigation work on cells as on tiles.
        QVERIFY(!grid.model()->index(5, 0).data(Qt::ToolTipRole).toString().isEmpty());
        grid.setCurrentIndex(grid.model()->index(0, 0));
        QTest::keyClick(&grid, Qt::Key_Right);
        QCOMPARE(f.selectedId(), 1);
    }

    void theVersionLineTurnsIntoABannerWhileMoreThanOneVersionServes()
    {
        Fixture f;
        ServiceSnapshot s = ScriptedBackendClient::uniform(8, ShardState::Serving, 6, 1000);
        f.frame(s);
        QVERIFY(f.window.header()->bannerText().isEmpty());
        QCOMPARE(f.window.header()->versionLineText(), QStringLiteral("One version live: v6 on all 8 shards"));
        QVERIFY(f.window.header()->readyText().contains(QStringLiteral("READY")));
        const int headerHeight = f.window.header()->sizeHint().height();
        s.shards[0].version = 7;
        f.frame(s);
        QVERIFY(f.window.header()->bannerText().contains(QStringLiteral("2 versions live: v7 on 1 shard, v6 on 7")));
        QVERIFY(f.window.header()->readyText().contains(QStringLiteral("NOT READY")));
        // The grid must not jump while an operator watches a restart.
        QCOMPARE(f.window.header()->sizeHint().height(), headerHeight);
    }

    void theRestartDialogSaysWhatWillHappen_data()
    {
        QTest::addColumn<bool>("legacy");
        QTest::addColumn<QStringList>("mentions");
        QTest::newRow("phased") << false
                                << QStringList{QStringLiteral("all 8 shards"), QStringLiteral("37 requests in flight"),
                                               QStringLiteral("timeout 10 s"), QStringLiteral("phased")};
        QTest::newRow("legacy") << true << QStringList{QStringLiteral("8 shards in legacy mode"), QStringLiteral("only shard 0")};
    }

    void theRestartDialogSaysWhatWillHappen()
    {
        QFETCH(bool, legacy);
        QFETCH(QStringList, mentions);
        RestartSettings initial;
        RestartDialog dialog(initial, 8, 37);
        dialog.modeBox()->setCurrentIndex(legacy ? 1 : 0);
        for (const QString &m : mentions)
            QVERIFY2(dialog.consequenceText().contains(m), qPrintable(dialog.consequenceText()));
        QCOMPARE(dialog.warningVisible(), legacy);
        QVERIFY(dialog.warningText().contains(QStringLiteral("reproduces a known failure")));
        initial.legacy = legacy;
        QCOMPARE(dialog.settings(), initial);
    }

    void ctrlROpensTheDialogAndConfirmingRestartsAndRemembersTheSettings()
    {
        Fixture f;
        f.frame(ScriptedBackendClient::uniform(8, ShardState::Serving, 6, 1000));
        QCOMPARE(f.window.restartAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_R));
        onNextDialog<RestartDialog>([](RestartDialog &d) {
            d.drainPolicyBox()->setCurrentIndex(1); // force
            d.okButton()->click();
        });
        f.window.restartAction()->trigger();
        QCOMPARE(f.client.commands(), QStringList{QStringLiteral("restart")});
        QVERIFY(f.client.lastRestartOptions().mode == RestartMode::Phased);
        QVERIFY(f.client.lastRestartOptions().drainPolicy == DrainTimeoutPolicy::Force);

        // Next time the dialog starts from what was used last; cancelling sends nothing.
        bool startedForce = false;
        onNextDialog<RestartDialog>([&](RestartDialog &d) {
            startedForce = d.settings().forceDrain;
            d.reject();
        });
        f.window.restartPanel()->restartButton()->click();
        QVERIFY(startedForce);
        QCOMPARE(f.client.commands().size(), 1);
    }

    void abortIsOfferedOnlyWhileARestartRuns()
    {
        Fixture f;
        f.frame(ScriptedBackendClient::uniform(4, ShardState::Serving, 6, 1000));
        QVERIFY(!f.window.restartPanel()->abortButton()->isEnabled());
        ServiceEvent e;
        e.kind = EventKind::RestartRequested;
        e.restartId = 5;
        e.outcome = QStringLiteral("phased");
        f.client.pushEvent(e);
        e.kind = EventKind::PhaseStarted;
        e.phase = ServicePhase::Draining;
        f.client.pushEvent(e);
        f.frame(ScriptedBackendClient::uniform(4, ShardState::Draining, 6, 1500));
        QVERIFY(f.window.restartPanel()->abortButton()->isEnabled());
        QVERIFY(!f.window.restartPanel()->restartButton()->isEnabled());
        QVERIFY(f.window.restartPanel()->statusText().startsWith(QStringLiteral("Phase: drain")));
        f.window.restartPanel()->abortButton()->click();
        QCOMPARE(f.client.commands(), QStringList{QStringLiteral("abort")});
    }

    void oneClickStopsTheBuiltInWorkloadAndAnotherStartsIt()
    {
        Fixture f;
        QPushButton *toggle = f.window.workloadPanel()->toggleButton();
        QVERIFY(!f.model.workload().isRunning());
        toggle->click();
        QVERIFY(f.model.workload().isRunning());
        QTRY_VERIFY(f.client.queriesSubmitted() > 0);
        f.frame(ScriptedBackendClient::uniform(2, ShardState::Serving, 1, 1000));
        QVERIFY(f.window.workloadPanel()->countersText().startsWith(QStringLiteral("sent ")));
        toggle->click();
        QVERIFY(!f.model.workload().isRunning());
        QVERIFY(toggle->text().contains(QStringLiteral("Start")));
    }

    void theChartsDrawAllShardsAndTheSelectedShardOnePointPerSample()
    {
        Fixture f;
        ServiceSnapshot s = ScriptedBackendClient::uniform(4, ShardState::Serving, 6, 10000);
        for (int i = 0; i < 5; ++i) {
            s.takenAtMs += 500;
            s.shards[1].processed += 100;
            f.frame(s);
        }
        QCOMPARE(f.window.charts()->pointCount(0, 0), 5); // queue depth, all shards
        QCOMPARE(f.window.charts()->pointCount(1, 0), 4); // throughput needs two samples
        QCOMPARE(f.window.charts()->pointCount(0, 1), 0); // nothing selected yet
        f.model.setSelectedShard(1);
        QCOMPARE(f.window.charts()->pointCount(0, 1), 5);
        QCOMPARE(f.window.charts()->pointCount(1, 1), 4);
    }

    void theChartsKeepAOneMinuteWindowWithRoundTicksAsHistoryGrows()
    {
        Fixture f;
        ServiceSnapshot s = ScriptedBackendClient::uniform(4, ShardState::Serving, 6, 10000);
        s.shards[0].queueDepth = 900; // only before the window: it must not set the scale
        f.frame(s);
        s.shards[0].queueDepth = 3;
        for (int i = 0; i < 250; ++i) { // 125 s of history, twice the window
            s.takenAtMs += 500;
            f.frame(s);
        }
        for (int chart = 0; chart < 3; ++chart) {
            const QValueAxis *x = f.window.charts()->timeAxis(chart);
            QCOMPARE(x->min(), -60.0);
            QCOMPARE(x->max(), 0.0);
            QCOMPARE(x->tickCount(), 5); // -60, -45, -30, -15, 0 s
        }
        QVERIFY(f.window.charts()->pointCount(0, 0) <= 122); // the window's samples and one before it
        // The y scale follows what is in view: 3 messages, not the 900 of two minutes ago.
        QCOMPARE(f.window.charts()->valueAxis(0)->max(), 5.0);
    }

    void theEventLogFiltersByLevel()
    {
        Fixture f;
        f.window.eventLog()->levelBox()->setCurrentIndex(2);
        QCOMPARE(f.model.eventProxy().minimumLevel(), 2);
        f.window.eventLog()->shardBox()->setValue(3);
        QCOMPARE(f.model.eventProxy().shard(), 3);
    }

    void theThemeSwitchesAndIsRemembered()
    {
        {
            Fixture f;
            f.window.setTheme(Theme::Dark);
            QCOMPARE(QApplication::palette().color(QPalette::Window), paletteFor(Theme::Dark).color(QPalette::Window));
            f.window.saveSettings();
        }
        Fixture g;
        g.window.restoreSettings();
        QCOMPARE(g.window.theme(), Theme::Dark);
        g.window.setTheme(Theme::Light);
        QCOMPARE(QApplication::palette().color(QPalette::Window), paletteFor(Theme::Light).color(QPalette::Window));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
