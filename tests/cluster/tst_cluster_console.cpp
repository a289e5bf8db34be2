// The console's cluster view over a real etcd and three real nodes: a band per node with
// its tiles, the cluster header, a rolling restart started from Restart All through its
// dialog and watched until every band shows the new version, lockstep answered as the
// nodes answer it, nodes killed or stopped shown lost or left, and etcd gone shown red.
#include "tests/cluster/ClusterTestSupport.h"

#include "TileSampler.h"
#include "WindowFixture.h"

#include "backend/types/ShardTypes.h"
#include "model/client/ClusterClient.h"
#include "model/cluster/ClusterModel.h"
#include "model/shards/ShardTableModel.h"
#include "views/ClusterHeader.h"
#include "views/ClusterRestartDialog.h"
#include "views/ClusterWindow.h"
#include "views/NodeBand.h"

#include <QAction>
#include <QPushButton>
#include <QSpinBox>

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

    bool everyBand(const std::function<bool(NodeBand &)> &ok) const
    {
        if (m_window->bands().size() != m_nodes.size())
            return false;
        return std::all_of(m_window->bands().begin(), m_window->bands().end(), [&](const auto &b) { return ok(*b.second); });
    }
    static bool tilesServing(NodeBand &band)
    {
        const QList<int> states = TileSampler::sample(*band.grid());
        return states.size() == kShards
            && std::all_of(states.begin(), states.end(), [](int s) { return s == int(ShardState::Serving); });
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
            m_nodes.push_back(startNode(m_etcd.urlText(), QStringLiteral("n%1").arg(i), kShards, 2, kCluster));
            QVERIFY2(m_nodes.back()->port != 0, "a node did not start");
        }
        m_client = std::make_unique<ClusterClient>(m_etcd.url(), kCluster, QByteArray());
        m_client->setIntervalMs(200);
        m_model = std::make_unique<ClusterModel>(*m_client);
        m_window = std::make_unique<ClusterWindow>(*m_model);
        m_window->setFixedSize(1200, 760);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_model->start();
    }

    void each_node_gets_a_band_with_its_line_and_serving_tiles_under_a_cluster_header()
    {
        QTRY_VERIFY_WITH_TIMEOUT(everyBand([](NodeBand &b) { return b.lineText().contains(QStringLiteral(" ready")); })
                                     && !m_model->coordinator().isEmpty(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(everyBand(tilesServing), 10000);
        ClusterHeader &header = *m_window->header();
        QCOMPARE(header.titleText(), QStringLiteral("Cluster cv"));
        QCOMPARE(header.versionsText(), QStringLiteral("v1: 3 nodes"));
        QCOMPARE(header.etcdText(), QStringLiteral("etcd ok"));
        QCOMPARE(header.coordinatorText(), QStringLiteral("\u2605 %1 coordinates").arg(m_model->coordinator()));
        int coordinators = 0;
        for (const auto &node : m_nodes) {
            NodeBand *band = m_window->band(node->id);
            QVERIFY(band);
            const QString line = band->lineText();
            QVERIFY2(line.startsWith(node->id + QStringLiteral("  http://127.0.0.1:%1  v1  ready").arg(node->port)), qPrintable(line));
            coordinators += line.contains(QStringLiteral("coordinator"));
            QVERIFY(!band->greyed());
            QCOMPARE(band->grid()->model()->rowCount(), kShards);
        }
        QCOMPARE(coordinators, 1);
        // Bands in id order, each below the one before.
        QVERIFY(m_window->band(QStringLiteral("n0"))->y() < m_window->band(QStringLiteral("n1"))->y());
        QVERIFY(m_window->band(QStringLiteral("n1"))->y() < m_window->band(QStringLiteral("n2"))->y());
        saveShot(QStringLiteral("cluster-3-nodes"));
    }

    void restart_all_through_the_dialog_rolls_every_band_to_the_next_version()
    {
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
        bool shotTaken = false;
        auto watch = connect(m_model.get(), &ClusterModel::changed, this, [&] {
            for (const ClusterNodeRow &r : m_model->nodes()) {
                if (!r.step.isEmpty())
                    stepsSeen.insert(r.id + QLatin1Char(':') + r.step);
                if (r.step == QLatin1String("restarting") && r.id == QLatin1String("n1") && !std::exchange(shotTaken, true))
                    QTimer::singleShot(0, this, [this] { saveShot(QStringLiteral("cluster-rolling")); }); // once laid out
            }
        });
        QVERIFY(m_window->restartAction()->isEnabled());
        m_window->restartAction()->trigger(); // exec() returns once the dialog is answered
        QVERIFY2(radius.startsWith(QStringLiteral("Restarts 3 nodes x 4 shards = 12 shards.")), qPrintable(radius));
        QVERIFY(cancelWasDefault);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->lastMessage().contains(QStringLiteral("accepted")), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(everyBand([](NodeBand &b) { return b.lineText().contains(QStringLiteral("  v2  ready")); })
                                     && !m_model->restartRunning(), 60000);
        disconnect(watch);
        QCOMPARE(m_window->header()->versionsText(), QStringLiteral("v2: 3 nodes"));
        QVERIFY2(m_window->header()->restartText().contains(QStringLiteral("completed")), qPrintable(m_window->header()->restartText()));
        for (const auto &node : m_nodes) // every band showed its node's step while the restart ran
            QVERIFY2(std::any_of(stepsSeen.begin(), stepsSeen.end(), [&](const QString &s) { return s.startsWith(node->id + QLatin1Char(':')); }),
                     qPrintable(node->id));
        QTRY_VERIFY_WITH_TIMEOUT(everyBand(tilesServing), 10000);
        saveShot(QStringLiteral("cluster-after-rolling"));
    }

    // Lockstep from the dialog: every band moves from v2 to v3 together.
    void lockstep_from_the_dialog_moves_every_node_to_the_next_version()
    {
        onNextDialog<ClusterRestartDialog>([](ClusterRestartDialog &d) {
            d.strategyBox()->setCurrentIndex(1);
            QCOMPARE(d.strategy(), QStringLiteral("lockstep"));
            QVERIFY(!d.graceBox()->isEnabled());
            QCOMPARE(d.graceMs(), -1); // rolling's own fields are not sent with lockstep
            QCOMPARE(d.settleMs(), -1);
            d.okButton()->click();
        });
        m_window->restartAction()->trigger();
        QTRY_VERIFY2_WITH_TIMEOUT(m_window->lastMessage().contains(QStringLiteral("accepted")), qPrintable(m_window->lastMessage()), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!m_model->restartRunning() && m_window->header()->versionsText() == QLatin1String("v3: 3 nodes")
                                     && everyBand([](NodeBand &b) { return b.lineText().contains(QStringLiteral("  v3  ready")); }), 60000);
        QTRY_VERIFY2_WITH_TIMEOUT(m_window->header()->restartText().contains(QStringLiteral("lockstep"))
                                      && m_window->header()->restartText().contains(QStringLiteral("completed")),
                                  qPrintable(m_window->header()->restartText()), 5000);
    }

    void nodes_killed_or_stopped_stay_as_greyed_bands_marked_lost_or_left()
    {
        const QString versions = m_window->header()->versionsText(); // "vN: 3 nodes"
        m_nodes[2]->process->kill();
        NodeBand *lost = m_window->band(QStringLiteral("n2"));
        QTRY_VERIFY_WITH_TIMEOUT(lost->stateText().startsWith(QStringLiteral("LOST since ")), 10000);
        QVERIFY(lost->greyed());
        // The header counts from the status read; the band may have turned on etcd's word first.
        QTRY_COMPARE_WITH_TIMEOUT(m_window->header()->goneText(), QStringLiteral("nodes: 1 lost"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(m_window->header()->versionsText(), QString(versions).replace(QStringLiteral("3 nodes"), QStringLiteral("2 nodes")), 5000);

        m_nodes[1]->signal(SIGTERM); // a clean shutdown says goodbye in etcd
        NodeBand *left = m_window->band(QStringLiteral("n1"));
        QTRY_VERIFY_WITH_TIMEOUT(left->stateText().startsWith(QStringLiteral("LEFT since ")), 15000);
        QVERIFY(left->greyed());
        QVERIFY(!m_window->band(QStringLiteral("n0"))->greyed());
        QTRY_COMPARE_WITH_TIMEOUT(m_window->header()->goneText(), QStringLiteral("nodes: 1 lost, 1 left"), 5000);
        QCOMPARE(m_window->bands().size(), std::size_t(3));
        saveShot(QStringLiteral("cluster-nodes-gone"));
    }

    void etcd_gone_turns_the_header_red_and_keeps_every_band()
    {
        m_etcd.kill();
        QTRY_VERIFY_WITH_TIMEOUT(m_window->header()->etcdText().startsWith(QStringLiteral("etcd unreachable from the console")), 5000);
        // The reason follows what etcd's address answers now (a killed etcd refuses).
        QTRY_VERIFY_WITH_TIMEOUT(m_window->header()->etcdText().contains(QStringLiteral("refused")), 5000);
        QCOMPARE(m_window->bands().size(), std::size_t(3));
        QVERIFY(!m_window->band(QStringLiteral("n0"))->greyed()); // n0 still answers, etcd or not
        QVERIFY(m_window->band(QStringLiteral("n0"))->lineText().contains(QStringLiteral(" ready")));
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
