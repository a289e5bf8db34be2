// The fleet view in the cluster window, fed from recorded node statuses and shard rows
// (no etcd, no node processes): golden images at 3 nodes and at 64 nodes x 64 shards in a
// 1360x880 window, every row and cell in view unscrolled, cells in the tiles' colours,
// click and Enter drill into a node, `n` jumps to the next node needing attention, and
// `/` filters. Refresh the images with
//   SHARDSCOPE_UPDATE_GOLDEN=1 ctest --test-dir build -R tst_fleetview
#include "ConsoleScenes.h"
#include "GoldenImage.h"

#include "model/client/ClusterClient.h"
#include "model/client/ClusterStatus.h"
#include "model/cluster/ClusterModel.h"
#include "model/fleet/FleetFilterProxy.h"
#include "model/fleet/FleetHistory.h"
#include "model/fleet/FleetModel.h"
#include "model/shards/ShardTableModel.h"
#include "views/ClusterEventView.h"
#include "views/ClusterHeader.h"
#include "views/ClusterWindow.h"
#include "views/ColourTable.h"
#include "views/ShardGridView.h"
#include "views/Theme.h"
#include "views/fleet/ClusterCharts.h"
#include "views/fleet/FleetPanel.h"
#include "views/fleet/FleetView.h"
#include "views/fleet/NodeDrillPanel.h"
#include "views/fleet/NodeTimelineView.h"

#include <QApplication>
#include <QDir>
#include <QLineEdit>
#include <QTabWidget>
#include <QTest>

#include <memory>
#include <vector>

using namespace shardscope;
using namespace shardscope::test;

namespace {

constexpr std::int64_t kNow = 1'760'000'000'000;

// The recorded fleet: its statuses and each node's shard rows.
struct Fleet {
    ClusterStatus status;
    std::map<QString, std::vector<ShardRow>> shards;
    QStringList unreachable;
};

ClusterNodeStatus node(int i, int shards)
{
    ClusterNodeStatus n;
    n.id = QStringLiteral("n%1").arg(i);
    n.url = QStringLiteral("http://127.0.0.1:%1").arg(9100 + i);
    n.shards = shards;
    n.version = 2;
    n.ready = true;
    n.phase = QStringLiteral("serving");
    n.state = QStringLiteral("up");
    return n;
}

std::vector<ShardRow> rowsFor(int nodeIndex, int shards, int state = 0, quint64 version = 2)
{
    std::vector<ShardRow> rows(static_cast<std::size_t>(shards));
    for (int s = 0; s < shards; ++s) {
        ShardRow &r = rows[std::size_t(s)];
        r.id = s;
        r.state = state;
        r.version = version;
        r.generation = 3;
        r.processed = quint64(1000 + 37 * s + 11 * nodeIndex);
        r.queueDepth = quint32((s * 7 + nodeIndex) % 5);
        r.latency[0] = {quint32(300 + 10 * s), quint32(1200 + 25 * s + nodeIndex), 40};
    }
    return rows;
}

// A few nodes of every kind among healthy ones, at fixed places.
Fleet recordedFleet(int nodes, int shards)
{
    Fleet f;
    f.status.cluster = QStringLiteral("prod");
    f.status.reportedBy = QStringLiteral("n0");
    f.status.etcdOk = true;
    f.status.coordinator = QStringLiteral("n0");
    for (int i = 0; i < nodes; ++i) {
        ClusterNodeStatus n = node(i, shards);
        std::vector<ShardRow> rows = rowsFor(i, shards);
        const auto set = [&](int from, int to, int state) {
            for (int s = from; s <= to && s < shards; ++s)
                rows[std::size_t(s)].state = state;
        };
        if (nodes <= 3 ? i == 1 : i == 31) { // in a rolling restart's restart step
            n.step = QStringLiteral("restarting");
            n.ready = false;
            n.phase = QStringLiteral("restarting");
            set(0, shards / 2, 3);
            set(shards / 2 + 1, shards - 1, 4);
            for (ShardRow &r : rows)
                r.servicePhase = 3; // the node's service restarts: these states are expected
        } else if (nodes <= 3 ? i == 2 : i == 5) { // lost: its tiles as last seen
            n.state = QStringLiteral("lost");
            n.ready = false;
        } else if (i == 17) {
            f.unreachable << n.id;
        } else if (i == 23) { // behind on v1
            n.version = 1;
            for (ShardRow &r : rows)
                r.version = 1;
        } else if (i == 40) {
            n.step = QStringLiteral("unready");
            n.ready = false;
        } else if (i == 44) {
            set(7, 7, 5);
            set(9, 9, 7);
            n.ready = false;
        } else if (i == 52) {
            rows[3].queueDepth = 240;
            rows[3].queueSkew = true;
        } else if (i == 60) {
            n.phase = QStringLiteral("stopped");
            n.ready = false;
            set(0, shards - 1, 6);
        } else if (i == 63) {
            n.state = QStringLiteral("left");
            n.ready = false;
        } else if (i == 12) { // a stalled shard
            ShardRow &stalled = rows[std::size_t(std::min(20, shards - 1))];
            stalled.stalled = true;
            stalled.inFlight = 1;
            stalled.oldestInFlightMs = 4000;
        }
        n.coordinator = i == 0;
        n.lastSeenAtMs = kNow - 1000;
        if (n.state == QLatin1String("up"))
            ++f.status.versions[n.version];
        f.shards[n.id] = std::move(rows);
        f.status.nodes.push_back(n);
    }
    return f;
}

} // namespace

class TestFleetView : public QObject
{
    Q_OBJECT
    std::unique_ptr<ClusterClient> m_client;
    std::unique_ptr<ClusterModel> m_model;
    std::unique_ptr<ClusterWindow> m_window;
    std::vector<std::unique_ptr<ShardTableModel>> m_shards;

    void open(int nodes, int shards)
    {
        m_window.reset();
        m_model.reset();
        m_shards.clear();
        m_client = std::make_unique<ClusterClient>(QUrl(QStringLiteral("http://127.0.0.1:1")), QStringLiteral("prod"), QByteArray());
        m_model = std::make_unique<ClusterModel>(*m_client); // never started: no etcd, no followers
        m_window = std::make_unique<ClusterWindow>(*m_model);
        m_window->setFixedSize(1360, 880);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        const Fleet f = recordedFleet(nodes, shards);
        // The lost node was seen before it went: statuses first up, then as recorded.
        ClusterStatus before = f.status;
        for (ClusterNodeStatus &n : before.nodes)
            n.state = QStringLiteral("up");
        m_model->applyStatus(before, kNow - 2000);
        m_model->applyStatus(f.status, kNow);
        for (const auto &[id, rows] : f.shards) {
            m_shards.push_back(std::make_unique<ShardTableModel>());
            m_shards.back()->applyRows(rows);
            m_window->fleetModel()->setRecordedShards(id, m_shards.back().get(), !f.unreachable.contains(id));
        }
    }
    FleetView &view() const { return *m_window->fleetPanel()->view(); }
    QImage settled() const
    {
        QImage previous;
        QImage image;
        const bool ok = QTest::qWaitFor([&] {
            previous = image;
            image = m_window->grab().toImage();
            return !previous.isNull() && previous == image;
        }, 5000);
        return ok ? image : QImage();
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("TZ", "UTC"); // "lost since 08:53:19" in the images, wherever they are made
        setUpDeterministicLook();
    }

    void cleanup()
    {
        applyTheme(Theme::Light);
        m_window.reset();
        m_model.reset();
        m_shards.clear();
    }

    void the_fleet_looks_as_recorded_data()
    {
        QTest::addColumn<int>("nodes");
        QTest::addColumn<bool>("dark");
        QTest::newRow("fleet-3-nodes") << 3 << false;
        QTest::newRow("fleet-64-nodes") << 64 << false;
        QTest::newRow("fleet-64-nodes-dark") << 64 << true;
    }

    void the_fleet_looks_as_recorded()
    {
        QFETCH(int, nodes);
        QFETCH(bool, dark);
        applyTheme(dark ? Theme::Dark : Theme::Light);
        open(nodes, 64);
        const QImage image = settled();
        QVERIFY(!image.isNull());
        QCOMPARE(m_window->devicePixelRatio(), 1.0);
        image.save(QStringLiteral("%1.png").arg(QString::fromLatin1(QTest::currentDataTag()))); // to look at
        GoldenCheck check;
        check.goldenDir = QStringLiteral(SHARDSCOPE_GOLDEN_DIR);
        check.outputDir = QDir::currentPath() + QStringLiteral("/golden-failures");
        const GoldenResult r = check.compare(QString::fromLatin1(QTest::currentDataTag()), image);
        if (r.updated)
            qInfo("%s", qPrintable(r.message));
        QVERIFY2(r.ok, qPrintable(r.message));
    }

    void sixty_four_nodes_of_sixty_four_shards_fit_unscrolled_in_their_states_colours()
    {
        open(64, 64);
        QCOMPARE(m_window->fleetModel()->rowCount(), 64);
        QVERIFY(settled().width() == 1360);
        const QImage image = view().grab().toImage();
        for (int r = 0; r < 64; ++r) {
            QVERIFY2(!view().rowRect(r).isEmpty(), qPrintable(QString::number(r)));
            const QRect last = view().cellRect(r, 63);
            QVERIFY2(!last.isEmpty() && view().rect().contains(last), qPrintable(QString::number(r)));
            QVERIFY(last.width() >= 3 && last.height() >= 4);
        }
        // Natural order: n2 above n10.
        QVERIFY(view().rowRect(view().proxyRowOf(QStringLiteral("n2"))).top() < view().rowRect(view().proxyRowOf(QStringLiteral("n10"))).top());
        // Cells carry the tiles' state colours: n44's shard 7 canceled, 9 failed, 8 serving.
        const auto colourAt = [&](const QString &id, int shard) {
            return QColor(image.pixel(view().cellRect(view().proxyRowOf(id), shard).topLeft() + QPoint(1, 1)));
        };
        QCOMPARE(colourAt(QStringLiteral("n44"), 7), stateFill(5, false));
        QCOMPARE(colourAt(QStringLiteral("n44"), 9), stateFill(7, false));
        QCOMPARE(colourAt(QStringLiteral("n44"), 8), stateFill(0, false));
        QCOMPARE(colourAt(QStringLiteral("n60"), 30), stateFill(6, false));
        QCOMPARE(colourAt(QStringLiteral("n12"), 20), stateFill(kStalledStateIndex, false));
        // A lost node's cells are veiled: not its state now.
        QVERIFY(colourAt(QStringLiteral("n5"), 8) != stateFill(0, false));
    }

    void more_nodes_than_fit_scroll_to_the_current_one()
    {
        open(128, 16);
        QVERIFY(view().rowsInView() < 128);
        QCOMPARE(view().rowHeight(), 8);
        QVERIFY(view().rowRect(127).isEmpty());
        view().setCurrentNode(QStringLiteral("n127"));
        QVERIFY(view().topRow() > 0);
        QVERIFY(!view().rowRect(127).isEmpty());
        view().setCurrentNode(QStringLiteral("n0"));
        QCOMPARE(view().topRow(), 0);
    }

    void a_click_or_enter_shows_the_nodes_tiles_beside_the_fleet()
    {
        open(64, 64);
        QCOMPARE(m_window->drill()->nodeId(), QStringLiteral("n0")); // the first node until one is picked
        const int row = view().proxyRowOf(QStringLiteral("n44"));
        QTest::mouseClick(&view(), Qt::LeftButton, {}, view().rowRect(row).topLeft() + QPoint(10, view().rowHeight() / 2));
        QCOMPARE(view().currentNode(), QStringLiteral("n44"));
        QCOMPARE(m_window->drill()->nodeId(), QStringLiteral("n44"));
        QCOMPARE(m_window->drill()->grid()->model(), m_window->fleetModel()->shardsOf(QStringLiteral("n44")));
        QVERIFY2(m_window->drill()->titleText().startsWith(QStringLiteral("n44  v2  not ready")), qPrintable(m_window->drill()->titleText()));
        QVERIFY(!m_window->drill()->greyed());

        view().setFocus();
        QTest::keyClick(&view(), Qt::Key_Up); // current moves; Enter drills in
        QCOMPARE(view().currentNode(), QStringLiteral("n43"));
        QTest::keyClick(&view(), Qt::Key_Return);
        QCOMPARE(m_window->drill()->nodeId(), QStringLiteral("n43"));
        m_window->selectNode(QStringLiteral("n5"));
        QVERIFY(m_window->drill()->greyed()); // lost: its tiles as last seen
    }

    void a_node_link_elsewhere_in_the_window_selects_the_node()
    {
        open(64, 64);
        Q_EMIT m_window->header()->nodeActivated(QStringLiteral("n60"));
        QCOMPARE(view().currentNode(), QStringLiteral("n60"));
        QCOMPARE(m_window->drill()->nodeId(), QStringLiteral("n60"));
        // A node the filter hides: the filter goes, so the node is on screen.
        m_window->fleetPanel()->filterEdit()->setText(QStringLiteral("n1"));
        Q_EMIT m_window->eventView()->nodeActivated(QStringLiteral("n44"));
        QCOMPARE(m_window->fleetPanel()->filterEdit()->text(), QString());
        QCOMPARE(view().currentNode(), QStringLiteral("n44"));
        QVERIFY(!view().rowRect(view().proxyRowOf(QStringLiteral("n44"))).isEmpty());
    }

    // The node timeline beside the fleet: a row per node, all 64 in the tab's height, each
    // in its fleet row's meaning (ready green, lost red, left grey); the cluster charts
    // draw the same samples.
    void the_node_timeline_fits_64_rows_in_the_fleet_colours()
    {
        open(64, 64);
        FleetHistory &history = *m_window->history();
        history.sample(kNow - 1000);
        history.sample(kNow);
        m_window->clusterTabs()->setCurrentWidget(m_window->nodeTimeline());
        NodeTimelineView &timeline = *m_window->nodeTimeline();
        QTRY_VERIFY(timeline.isVisible());
        QCOMPARE(history.rowIds().size(), 64);
        QVERIFY2(timeline.rowHeight() >= 2 && timeline.rowHeight() * 64 <= timeline.height(),
                 qPrintable(QStringLiteral("%1 x 64 in %2").arg(timeline.rowHeight()).arg(timeline.height())));
        const QImage image = timeline.grab().toImage();
        const auto colourAt = [&](int naturalRow) {
            const int y = int((naturalRow + 0.5) * timeline.rowHeight() * image.devicePixelRatio());
            return image.pixelColor(image.width() - 8, y);
        };
        QCOMPARE(colourAt(0), colourFor(Meaning::Good, false));     // n0 ready
        QCOMPARE(colourAt(5), colourFor(Meaning::Failure, false));  // n5 lost
        QCOMPARE(colourAt(63), colourFor(Meaning::Inactive, false)); // n63 left
        QCOMPARE(colourAt(31), colourFor(Meaning::Running, false));  // n31 restarting
        image.save(QStringLiteral("fleet-node-timeline-64.png"));
        QCOMPARE(m_window->clusterCharts()->pointCount(0, 0), 2);
    }

    void restart_all_is_disabled_with_the_reason_the_nodes_would_give()
    {
        open(64, 64); // the console never reached etcd (nothing listens on its address); n5 is lost
        QVERIFY(!m_window->restartAction()->isEnabled());
        QVERIFY2(m_window->restartAction()->toolTip().startsWith(QStringLiteral("The nodes refuse a cluster restart without etcd: etcd at ")),
                 qPrintable(m_window->restartAction()->toolTip()));
    }

    // One theme for both consoles: the cluster window's View menu sets and remembers it, and
    // opens in the one chosen last in either window.
    void the_view_menu_sets_the_theme_both_windows_share()
    {
        open(3, 4);
        QAction *dark = nullptr;
        for (QAction *a : m_window->findChildren<QAction *>())
            dark = a->text() == QLatin1String("&Dark theme") ? a : dark;
        QVERIFY(dark);
        dark->trigger();
        QVERIFY(isDarkPalette(QApplication::palette()));
        QCOMPARE(rememberedTheme(), Theme::Dark);
        applyTheme(Theme::Light);
        m_window->restoreTheme();
        QVERIFY(isDarkPalette(QApplication::palette()));
        QVERIFY(dark->isChecked());
        rememberTheme(Theme::Light);
    }

    void n_jumps_to_the_next_node_needing_attention_and_slash_filters()
    {
        open(64, 64);
        view().setFocus();
        QStringList visited;
        for (int i = 0; i < 10; ++i) {
            QTest::keyClick(&view(), Qt::Key_N);
            visited << view().currentNode();
        }
        QCOMPARE(visited, QStringList({QStringLiteral("n5"), QStringLiteral("n12"), QStringLiteral("n17"), QStringLiteral("n23"),
                                       QStringLiteral("n31"), QStringLiteral("n40"), QStringLiteral("n44"), QStringLiteral("n52"),
                                       QStringLiteral("n60"), QStringLiteral("n5")})); // wraps; n63 left on purpose
        QCOMPARE(m_window->drill()->nodeId(), QStringLiteral("n5"));
        QTest::keyClick(&view(), Qt::Key_F8);
        QCOMPARE(view().currentNode(), QStringLiteral("n12"));

        QTest::keyClick(&view(), Qt::Key_Slash);
        QLineEdit *filter = m_window->fleetPanel()->filterEdit();
        QVERIFY(filter->hasFocus());
        QTest::keyClicks(filter, QStringLiteral("lost"));
        QCOMPARE(m_window->fleetPanel()->proxy()->rowCount(), 1);
        QCOMPARE(m_window->fleetPanel()->countText(), QStringLiteral("1 of 64 nodes shown"));
        QTest::keyClick(filter, Qt::Key_Escape);
        QCOMPARE(m_window->fleetPanel()->proxy()->rowCount(), 64);
        QVERIFY(view().hasFocus());
    }
};

QTEST_MAIN(TestFleetView)
#include "tst_fleetview.moc"
