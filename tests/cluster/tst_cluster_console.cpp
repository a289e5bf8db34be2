// The console's cluster view over a real etcd and three real nodes: a fleet row per node
// with its shard strip and its tiles beside it when selected, the cluster header, a rolling restart started from Restart All through its
// dialog and watched until every node shows the new version and the event log its start,
// steps and outcome, lockstep answered as the nodes answer it, a lockstep restart that
// rolls back shown red (never completed), nodes killed or stopped shown lost or left, and
// etcd gone shown red. The nodes and etcd are members and die with the test program
// however it ends (ChildProcess.h), so a check that fails midway leaves nothing running.
#include "tests/cluster/ClusterTestSupport.h"

#include "TileSampler.h"
#include "WindowFixture.h"

#include "backend/types/ShardTypes.h"
#include "model/client/ClusterClient.h"
#include "model/cluster/ClusterEventLog.h"
#include "model/cluster/ClusterModel.h"
#include "model/shards/ShardTableModel.h"
#include "views/ClusterEventView.h"
#include "views/ClusterHeader.h"
#include "views/ClusterRestartDialog.h"
#include "views/ClusterStepper.h"
#include "views/ClusterWindow.h"
#include "views/fleet/FleetPanel.h"
#include "views/fleet/FleetView.h"
#include "model/cluster/NodeConsole.h"
#include "model/console/ConsoleModel.h"
#include "views/RestartPanel.h"
#include "views/ShardGridPanel.h"
#include "views/ShardGridView.h"
#include "views/fleet/NodeConsoleWidget.h"
#include "views/fleet/NodeDrillPanel.h"
#include "model/fleet/FleetFilterProxy.h"
#include "model/fleet/FleetModel.h"

#include <QAction>
#include <QLabel>
#include <QLayout>
#include <QMessageBox>
#include <QPushButton>
#include <QComboBox>
#include <QSettings>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>

#include <set>

using namespace shardscope;
using namespace shardscope::test;

namespace {
constexpr int kShards = 4;
const QString kCluster = QStringLiteral("cv");
}

class TestClusterConsole : public QObject
{
    Q_OBJECT
private:
    EtcdProcess m_etcd;
    std::vector<std::unique_ptr<ClusterNodeProcess>> m_nodes;
    std::unique_ptr<ClusterClient> m_client;
    std::unique_ptr<ClusterModel> m_model;
    std::unique_ptr<ClusterWindow> m_window;
    QTimer m_refusals;

    // Every node has its fleet row and each row passes `ok`.
    bool everyNode(const std::function<bool(const FleetRow &)> &ok) const
    {
        const FleetModel &fleet = *m_window->fleetModel();
        if (fleet.rowCount() != int(m_nodes.size()))
            return false;
        for (int r = 0; r < fleet.rowCount(); ++r) {
            if (!ok(*fleet.row(r)))
                return false;
        }
        return true;
    }
    static std::function<bool(const FleetRow &)> readyOn(std::int64_t version)
    {
        return [version](const FleetRow &r) { return r.version == version && r.state == FleetState::Ready; };
    }
    // The node's shard rows, the ones its strip and its drilled-in tiles are drawn from.
    bool tilesServing(const FleetRow &row) const
    {
        const ShardTableModel *shards = m_window->fleetModel()->shardsOf(row.id);
        if (!shards || shards->rowCount() != kShards)
            return false;
        for (int s = 0; s < kShards; ++s) {
            if (shards->row(s)->state != int(ShardState::Serving))
                return false;
        }
        return true;
    }
    // The node drilled into: its tiles as drawn, read back from the pixels.
    bool drilledTilesServing(const QString &id) const
    {
        m_window->selectNode(id);
        const QList<int> states = TileSampler::sample(*m_window->drill()->grid());
        return m_window->drill()->nodeId() == id && states.size() == kShards
            && std::all_of(states.begin(), states.end(), [](int s) { return s == int(ShardState::Serving); });
    }
    QString cellOf(const QString &id, int column) const
    {
        const FleetModel &fleet = *m_window->fleetModel();
        return fleet.index(fleet.rowOf(id), column).data().toString();
    }
    const FleetRow &rowOf(const QString &id) const { return *m_window->fleetModel()->row(m_window->fleetModel()->rowOf(id)); }

    // The first row of the cluster event log of `kind` for restart `id` (and node `node`
    // when given), or -1.
    int logRow(const QString &id, const char *kind, const QString &node = {}) const
    {
        const ClusterEventLog &log = m_model->events();
        for (int r = 0; r < log.rowCount(); ++r) {
            const ClusterEventRecord &e = log.item(r).event;
            if (e.restartId == id && e.kind == QLatin1String(kind) && (node.isEmpty() || e.node == node))
                return r;
        }
        return -1;
    }
    QString logCell(int row, int column) const { return m_model->events().index(row, column).data().toString(); }
    int logTone(int row) const { return m_model->events().index(row, 0).data(ClusterEventLog::ToneRole).toInt(); }
    QString logText() const
    {
        QStringList lines;
        for (int r = 0; r < m_model->events().rowCount(); ++r)
            lines << logCell(r, ClusterEventLog::KindColumn) + QStringLiteral(" | ") + logCell(r, ClusterEventLog::MessageColumn);
        return lines.join(QLatin1Char('\n'));
    }
    // The event log beside the fleet shows the restart's start, every node's steps and, after
    // them, the outcome the journal ended with, tinted green; the window's table shows them.
    void checkLoggedRestart(const QString &id)
    {
        QTRY_VERIFY2_WITH_TIMEOUT(logRow(id, "cluster_restart_finished") >= 0, qPrintable(logText()), 5000);
        const int start = logRow(id, "cluster_restart");
        const int end = logRow(id, "cluster_restart_finished");
        QVERIFY2(start >= 0 && start < end, qPrintable(logText()));
        QVERIFY2(logCell(start, ClusterEventLog::MessageColumn).startsWith(QStringLiteral("cluster restart %1: ").arg(id)), qPrintable(logText()));
        for (const auto &node : m_nodes) {
            const int step = logRow(id, "cluster_restart_step", node->id);
            QVERIFY2(step > start && step < end, qPrintable(node->id + QLatin1Char('\n') + logText()));
        }
        QCOMPARE(logCell(end, ClusterEventLog::KindColumn), QStringLiteral("restart completed"));
        QCOMPARE(logCell(end, ClusterEventLog::RestartColumn), id);
        QCOMPARE(logTone(end), int(ClusterEventTone::Success));
        QCOMPARE(m_model->events().index(end, 0).data(Qt::BackgroundRole).value<QColor>(), clusterToneTint(ClusterEventTone::Success));
        const ClusterEventView &view = *m_window->eventView();
        QCOMPARE(view.table()->model()->rowCount(), m_model->events().rowCount());
        QCOMPARE(view.sourceText(), QStringLiteral("as %1 saw them (each node logs its own)").arg(m_model->statusSource()));
    }

    void saveShot(const QString &name) const
    {
        m_window->grab().save(QStringLiteral("%1/%2.png").arg(QStringLiteral(SHARDSCOPE_SHOT_DIR), name));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_etcd.start(&error), qPrintable(error));
        for (int i = 0; i < 3; ++i) {
            m_nodes.push_back(startNode(m_etcd.urlText(), QStringLiteral("n%1").arg(i), kShards, 2, kCluster,
                                        {QStringLiteral("--enable-faults")}));
            QVERIFY2(m_nodes.back()->port != 0, "a node did not start");
        }
        m_client = std::make_unique<ClusterClient>(m_etcd.url(), kCluster, QByteArray());
        m_client->setIntervalMs(200);
        m_model = std::make_unique<ClusterModel>(*m_client);
        m_window = std::make_unique<ClusterWindow>(*m_model);
        m_window->setFixedSize(1200, 760);
        m_window->show();
        // A refused command's warning box would block the test in its modal loop until the
        // function timeout aborts the program: it fails the test and is closed instead.
        m_refusals.setInterval(100);
        connect(&m_refusals, &QTimer::timeout, this, [] {
            if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
                const QByteArray text = "unexpected warning: " + box->text().toUtf8();
                box->reject();
                QTest::qFail(text.constData(), __FILE__, __LINE__);
            }
        });
        m_refusals.start();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_model->start();
    }

    void each_node_gets_a_fleet_row_with_its_state_and_serving_tiles_under_a_cluster_header()
    {
        QTRY_VERIFY_WITH_TIMEOUT(everyNode(readyOn(1)) && !m_model->coordinator().isEmpty(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(everyNode([this](const FleetRow &r) { return tilesServing(r); }), 10000);
        ClusterHeader &header = *m_window->header();
        QCOMPARE(header.titleText(), QStringLiteral("Cluster cv"));
        QCOMPARE(header.versionsText(), QStringLiteral("v1: 3 nodes"));
        QCOMPARE(header.etcdText(), QStringLiteral("etcd ok"));
        QCOMPARE(header.coordinatorText(), QStringLiteral("\u2605 %1 coordinates").arg(m_model->coordinator()));
        int coordinators = 0;
        for (const auto &node : m_nodes) {
            QCOMPARE(cellOf(node->id, FleetModel::StateColumn), QStringLiteral("ready"));
            QCOMPARE(cellOf(node->id, FleetModel::VersionColumn), QStringLiteral("v1"));
            QCOMPARE(cellOf(node->id, FleetModel::ShardsColumn), QString::number(kShards));
            coordinators += cellOf(node->id, FleetModel::CoordinatorColumn) == QStringLiteral("\u2605");
            QTRY_VERIFY_WITH_TIMEOUT(drilledTilesServing(node->id), 5000);
            QVERIFY(!m_window->drill()->greyed());
        }
        QCOMPARE(coordinators, 1);
        // Rows in id order, each below the one before.
        const FleetView &view = *m_window->fleetPanel()->view();
        const FleetFilterProxy &proxy = *m_window->fleetPanel()->proxy();
        for (int r = 0; r < 3; ++r) {
            QCOMPARE(proxy.index(r, 0).data(FleetModel::NodeIdRole).toString(), QStringLiteral("n%1").arg(r));
            QVERIFY(!view.rowRect(r).isEmpty());
        }
        QVERIFY(view.rowRect(0).top() < view.rowRect(1).top() && view.rowRect(1).top() < view.rowRect(2).top());
        saveShot(QStringLiteral("cluster-3-nodes"));
    }

    // The node drilled into shows the single-node console's own panels, fed by a model of
    // its own over the node's URL; another selection moves that model to the other node.
    // Restart commands are not offered there: the cluster restarts with Restart All.
    void the_drilled_node_shows_the_single_node_panels_from_its_own_stream()
    {
        for (const QString id : {QStringLiteral("n1"), QStringLiteral("n2")}) {
            m_window->selectNode(id);
            QTRY_VERIFY_WITH_TIMEOUT(m_window->drill()->showingConsole(), 5000);
            NodeConsoleWidget &console = *m_window->drill()->console();
            QCOMPARE(m_window->nodeConsole()->nodeId(), id);
            QCOMPARE(console.model().endpoint(), m_model->node(id)->url);
            QCOMPARE(m_window->drill()->grid(), console.grid()->view());
            QTRY_COMPARE_WITH_TIMEOUT(console.grid()->view()->model()->rowCount(), kShards, 5000);
            QTRY_VERIFY_WITH_TIMEOUT(drilledTilesServing(id), 5000);
            QStringList tabs;
            for (int t = 0; t < console.tabs()->count(); ++t)
                tabs << console.tabs()->tabText(t);
            QCOMPARE(tabs.join(QLatin1Char(',')), QStringLiteral("Restart,Shard,Charts,Timeline,Events,Audit"));
            QVERIFY(!console.restartPanel()->commandsOffered());
            QVERIFY(console.restartPanel()->restartButton()->isHidden());
            QVERIFY(console.restartPanel()->abortButton()->isHidden());
        }
        // Its tile size is remembered apart from the single-node window's.
        QSettings().setValue(QStringLiteral("grid/tileSize"), 1);
        m_window->drill()->console()->grid()->tileSizeBox()->setCurrentIndex(4);
        QCOMPARE(QSettings().value(QStringLiteral("clusterDrill/grid/tileSize")).toInt(), 4);
        QCOMPARE(QSettings().value(QStringLiteral("grid/tileSize")).toInt(), 1);
        m_window->drill()->console()->grid()->tileSizeBox()->setCurrentIndex(0);
        // Only the drilled-into node is followed in detail, through its console alone.
        QVERIFY(!m_model->detailed(QStringLiteral("n1")) && !m_model->detailed(QStringLiteral("n2")));
    }

    void restart_all_through_the_dialog_rolls_every_node_to_the_next_version()
    {
        // Checked before the dialog handler is armed: a handler left armed would outlive
        // the locals it fills.
        QTRY_VERIFY_WITH_TIMEOUT(m_window->restartAction()->isEnabled(), 5000);
        QString radius;
        bool cancelWasDefault = false;
        onNextDialog<ClusterRestartDialog>([&](ClusterRestartDialog &d) {
            radius = d.consequenceText();
            cancelWasDefault = d.cancelButton()->isDefault() && !d.okButton()->isDefault();
            QCOMPARE(d.strategy(), QStringLiteral("rolling"));
            d.graceBox()->setValue(400);
            d.settleBox()->setValue(400);
            d.okButton()->click();
        });
        std::set<QString> stepsSeen;
        QStringList progressSeen; // the header's "nodes done k of N" while it ran
        bool shotTaken = false;
        QObject watching; // the watch below reads this function's locals: it ends with them, failed or not
        connect(m_model.get(), &ClusterModel::changed, &watching, [&] {
            const QString line = m_window->header()->restartText();
            const int at = line.indexOf(QStringLiteral("nodes done "));
            if (at >= 0 && m_window->header()->stepper()->isVisibleTo(m_window.get()) && !progressSeen.contains(line.mid(at, 17)))
                progressSeen << line.mid(at, 17);
            for (const ClusterNodeRow &r : m_model->nodes()) {
                if (!r.step.isEmpty())
                    stepsSeen.insert(r.id + QLatin1Char(':') + r.step);
                if (r.step == QLatin1String("restarting") && r.id == QLatin1String("n1") && !std::exchange(shotTaken, true))
                    QTimer::singleShot(0, this, [this] { saveShot(QStringLiteral("cluster-rolling")); }); // once laid out
            }
        });
        m_window->restartAction()->trigger(); // exec() returns once the dialog is answered
        QVERIFY2(radius.startsWith(QStringLiteral("Restarts 3 nodes x 4 shards = 12 shards.")), qPrintable(radius));
        QVERIFY(cancelWasDefault);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->lastMessage().contains(QStringLiteral("accepted")), 5000);
        // The rows follow the nodes' streams, the header the cluster status (polled): each in its time.
        QTRY_VERIFY_WITH_TIMEOUT(everyNode(readyOn(2)) && m_model->restart() && !m_model->restartRunning(), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(m_window->header()->versionsText(), QStringLiteral("v2: 3 nodes"), 5000);
        QTRY_VERIFY2_WITH_TIMEOUT(m_window->header()->restartText().contains(QStringLiteral("completed")), qPrintable(m_window->header()->restartText()), 5000);
        for (const auto &node : m_nodes) // every row showed its node's step while the restart ran
            QVERIFY2(std::any_of(stepsSeen.begin(), stepsSeen.end(), [&](const QString &s) { return s.startsWith(node->id + QLatin1Char(':')); }),
                     qPrintable(node->id));
        QTRY_VERIFY_WITH_TIMEOUT(everyNode([this](const FleetRow &r) { return tilesServing(r); }), 10000);
        // The cluster stepper counted the nodes done as they went.
        QVERIFY2(progressSeen.contains(QStringLiteral("nodes done 0 of 3")) && progressSeen.contains(QStringLiteral("nodes done 2 of 3")),
                 qPrintable(progressSeen.join(QLatin1Char('|'))));
        QVERIFY(m_model->restart());
        checkLoggedRestart(m_model->restart()->id);
        // The drilled-into node's own phased restart, on the single-node stepper beside the fleet.
        QVERIFY(m_window->drill()->showingConsole());
        const QString nodeStatus = m_window->drill()->console()->restartPanel()->statusText();
        QVERIFY2(!nodeStatus.startsWith(QStringLiteral("No restart")), qPrintable(nodeStatus));
        saveShot(QStringLiteral("cluster-after-rolling"));
    }

    // Lockstep from the dialog: every node moves from v2 to v3 together.
    void lockstep_from_the_dialog_moves_every_node_to_the_next_version()
    {
        QTRY_VERIFY_WITH_TIMEOUT(m_window->restartAction()->isEnabled(), 5000);
        onNextDialog<ClusterRestartDialog>([](ClusterRestartDialog &d) {
            d.strategyBox()->setCurrentIndex(1);
            QCOMPARE(d.strategy(), QStringLiteral("lockstep"));
            QVERIFY2(d.consequenceText().contains(QStringLiteral("move to one version together")), qPrintable(d.consequenceText()));
            d.layout()->activate(); // as the event loop would before the next paint
            for (const QLabel *label : d.findChildren<QLabel *>()) {
                if (label->accessibleName() == QLatin1String("Blast radius")) // its whole text shows
                    QVERIFY(label->height() >= label->heightForWidth(label->width()));
            }
            d.grab().save(QStringLiteral("%1/cluster-lockstep-dialog.png").arg(QStringLiteral(SHARDSCOPE_SHOT_DIR)));
            QVERIFY(!d.graceBox()->isEnabled());
            QCOMPARE(d.graceMs(), -1); // rolling's own fields are not sent with lockstep
            QCOMPARE(d.settleMs(), -1);
            d.okButton()->click();
        });
        m_window->restartAction()->trigger();
        QTRY_VERIFY2_WITH_TIMEOUT(m_window->lastMessage().contains(QStringLiteral("accepted")), qPrintable(m_window->lastMessage()), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!m_model->restartRunning() && m_window->header()->versionsText() == QLatin1String("v3: 3 nodes")
                                     && everyNode(readyOn(3)), 60000);
        QTRY_VERIFY2_WITH_TIMEOUT(m_window->header()->restartText().contains(QStringLiteral("lockstep"))
                                      && m_window->header()->restartText().contains(QStringLiteral("completed")),
                                  qPrintable(m_window->header()->restartText()), 5000);
    }

    // n1's next actor creation fails: every node goes back to v3, and the log ends the
    // restart red with the journal's reason, never as completed, nor its steps as success.
    void a_lockstep_restart_that_rolls_back_ends_red_in_the_event_log()
    {
        HttpTestClient n1("127.0.0.1", m_nodes[1]->port);
        QCOMPARE(n1.post("/v1/faults", R"({"fault":"fail_next_create","shard":1})").status, 200);
        const QString before = m_model->restart() ? m_model->restart()->id : QString();
        m_model->requestRestart(QStringLiteral("lockstep"), -1, -1);
        QTRY_VERIFY_WITH_TIMEOUT(m_model->restart() && m_model->restart()->id != before && !m_model->restartRunning(), 30000);
        const QString id = m_model->restart()->id;
        QCOMPARE(m_model->restart()->state, QStringLiteral("rolled_back"));
        QTRY_VERIFY2_WITH_TIMEOUT(logRow(id, "cluster_restart_finished") >= 0, qPrintable(logText()), 5000);
        const int end = logRow(id, "cluster_restart_finished");
        // A lockstep rollback can begin and end within ~50 ms, between two of n0's reads of
        // the journal: its start is in n0's log only when n0 read it running. Never after.
        QVERIFY2(logRow(id, "cluster_restart") < end, qPrintable(logText()));
        QCOMPARE(logCell(end, ClusterEventLog::KindColumn), QStringLiteral("restart rolled back"));
        QCOMPARE(logTone(end), int(ClusterEventTone::Failure));
        QVERIFY2(logCell(end, ClusterEventLog::MessageColumn).contains(QStringLiteral("node n1: ")), qPrintable(logText()));
        for (int r = 0; r < m_model->events().rowCount(); ++r) {
            if (m_model->events().item(r).event.restartId == id)
                QVERIFY2(logTone(r) != int(ClusterEventTone::Success), qPrintable(logText()));
        }
        QTRY_VERIFY_WITH_TIMEOUT(everyNode(readyOn(3)), 10000);
        saveShot(QStringLiteral("cluster-rolled-back"));
    }

    void nodes_killed_or_stopped_stay_as_greyed_rows_marked_lost_or_left()
    {
        const QString versions = m_window->header()->versionsText(); // "vN: 3 nodes"
        m_nodes[2]->process->kill();
        QTRY_VERIFY_WITH_TIMEOUT(cellOf(QStringLiteral("n2"), FleetModel::StateColumn).startsWith(QStringLiteral("lost since ")), 10000);
        QCOMPARE(rowOf(QStringLiteral("n2")).state, FleetState::Lost);
        m_window->selectNode(QStringLiteral("n2"));
        QVERIFY(m_window->drill()->greyed()); // its tiles as last seen
        // The header counts from the status read; the row may have turned on etcd's word first.
        QTRY_COMPARE_WITH_TIMEOUT(m_window->header()->goneText(), QStringLiteral("nodes: 1 lost (n2)"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(m_window->header()->versionsText(), QString(versions).replace(QStringLiteral("3 nodes"), QStringLiteral("2 nodes, n2 (lost, last seen)")), 5000);

        m_nodes[1]->signal(SIGTERM); // a clean shutdown says goodbye in etcd
        QTRY_VERIFY_WITH_TIMEOUT(cellOf(QStringLiteral("n1"), FleetModel::StateColumn).startsWith(QStringLiteral("left since ")), 15000);
        QCOMPARE(rowOf(QStringLiteral("n1")).state, FleetState::Left);
        QCOMPARE(rowOf(QStringLiteral("n0")).state, FleetState::Ready);
        m_window->selectNode(QStringLiteral("n0"));
        QVERIFY(!m_window->drill()->greyed());
        QTRY_COMPARE_WITH_TIMEOUT(m_window->header()->goneText(), QStringLiteral("nodes: 1 lost (n2), 1 left (n1)"), 5000);
        // Severity first puts the lost node on top; the left one is no alarm.
        m_window->fleetPanel()->proxy()->sortBySeverity();
        QCOMPARE(m_window->fleetPanel()->proxy()->index(0, 0).data(FleetModel::NodeIdRole).toString(), QStringLiteral("n2"));
        m_window->fleetPanel()->proxy()->sort(0);
        // The event log says both, the loss as a warning.
        QTRY_VERIFY2_WITH_TIMEOUT(logRow({}, "node_left", QStringLiteral("n1")) >= 0, qPrintable(logText()), 5000);
        const int lostRow = logRow({}, "node_lost", QStringLiteral("n2"));
        QVERIFY2(lostRow >= 0, qPrintable(logText()));
        QCOMPARE(logTone(lostRow), int(ClusterEventTone::Warning));
        QCOMPARE(m_window->fleetModel()->rowCount(), 3);
        saveShot(QStringLiteral("cluster-nodes-gone"));
    }

    void etcd_gone_turns_the_header_red_and_keeps_every_row()
    {
        m_etcd.kill();
        QTRY_VERIFY_WITH_TIMEOUT(m_window->header()->etcdText().startsWith(QStringLiteral("etcd at ")), 5000);
        // The reason follows what etcd's address answers now (a killed etcd refuses).
        QTRY_VERIFY_WITH_TIMEOUT(m_window->header()->etcdText().contains(QStringLiteral("refused")), 5000);
        QCOMPARE(m_window->fleetModel()->rowCount(), 3);
        QCOMPARE(rowOf(QStringLiteral("n0")).state, FleetState::Ready); // n0 still answers, etcd or not
        m_window->selectNode(QStringLiteral("n0"));
        QVERIFY(!m_window->drill()->greyed());
    }

    // A function that failed midway may leave a cluster restart running: abort it and
    // wait, so the next function starts from rest rather than failing on a 409.
    void cleanup()
    {
        if (!QTest::currentTestFailed() || !m_model)
            return;
        // One accepted a moment ago shows within a status round or two.
        if (QTest::qWaitFor([this] { return m_model->restartRunning(); }, 1000))
            m_model->abortRestart();
        QVERIFY(QTest::qWaitFor([this] { return !m_model->restartRunning(); }, 30000));
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_model.reset();
        m_client.reset();
        m_nodes.clear();
    }
};

QTEST_MAIN(TestClusterConsole)
#include "tst_cluster_console.moc"
