// The fleet console's end-to-end case: 12 real nodes x 4 shards over a real etcd, a rolling
// restart, and one node SIGSTOPped in the middle of it. Within 3 s the cluster window's
// header names the node, the link there selects it, its fleet row says it does not answer
// (not refused, not lost: etcd's 10 s lease still lists it up) and the row is on screen
// without scrolling. Then the node is let go and the restart completes on every node.
#include "tests/cluster/ClusterTestSupport.h"

#include "model/client/ClusterClient.h"
#include "model/cluster/ClusterModel.h"
#include "model/cluster/ClusterProgress.h"
#include "model/fleet/FleetFilterProxy.h"
#include "model/fleet/FleetHistory.h"
#include "model/fleet/FleetModel.h"
#include "views/ClusterHeader.h"
#include "views/ClusterWindow.h"
#include "views/fleet/ClusterCharts.h"
#include "views/fleet/FleetPanel.h"
#include "views/fleet/FleetView.h"
#include "views/fleet/NodeDrillPanel.h"
#include "views/fleet/NodeTimelineView.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QLabel>
#include <QTabWidget>
#include <QTest>

using namespace shardscope;
using namespace shardscope::test;

namespace {
constexpr int kNodes = 12;
constexpr int kShards = 4;
constexpr int kLeaseTtl = 10; // etcd keeps a stopped node up this long: the console must not wait for it
constexpr qint64 kNamedWithinMs = 3000;
const QString kCluster = QStringLiteral("stop12");
const QString kStopped = QStringLiteral("n9");
} // namespace

class TestFleetStop : public QObject
{
    Q_OBJECT
private:
    EtcdProcess m_etcd;
    Nodes m_nodes;
    std::unique_ptr<ClusterClient> m_client;
    std::unique_ptr<ClusterModel> m_model;
    std::unique_ptr<ClusterWindow> m_window;

    FleetView &view() const { return *m_window->fleetPanel()->view(); }
    QString stateText(const QString &id) const
    {
        const FleetModel &fleet = *m_window->fleetModel();
        return fleet.index(fleet.rowOf(id), FleetModel::StateColumn).data().toString();
    }
    bool allReadyOn(std::int64_t version) const
    {
        const FleetModel &fleet = *m_window->fleetModel();
        if (fleet.rowCount() != kNodes)
            return false;
        for (int r = 0; r < kNodes; ++r) {
            if (fleet.row(r)->version != version || fleet.row(r)->state != FleetState::Ready)
                return false;
        }
        return true;
    }
    // The header's label whose text links the node, null if none does.
    QLabel *headerLinkTo(const QString &id) const
    {
        const QString href = QStringLiteral("href=\"node:%1\"").arg(id);
        for (QLabel *l : m_window->header()->findChildren<QLabel *>()) {
            if (l->isVisible() && l->text().contains(href))
                return l;
        }
        return nullptr;
    }
    int nodesDone() const { return clusterProgress(m_model->nodes(), m_model->restart()).done; }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_etcd.start(&error), qPrintable(error));
        for (int i = 0; i < kNodes; ++i) {
            m_nodes.push_back(startNode(m_etcd.urlText(), QStringLiteral("n%1").arg(i), kShards, kLeaseTtl, kCluster));
            QVERIFY2(m_nodes.back()->port != 0, "a node did not start");
        }
        m_client = std::make_unique<ClusterClient>(m_etcd.url(), kCluster, QByteArray());
        m_client->setIntervalMs(200);
        m_model = std::make_unique<ClusterModel>(*m_client);
        m_window = std::make_unique<ClusterWindow>(*m_model);
        m_window->resize(1360, 880);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_model->start();
        QTRY_VERIFY_WITH_TIMEOUT(formed(m_nodes), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(allReadyOn(1) && m_model->coordinator() != QString() && m_model->coordinator() != kStopped, 20000);
    }

    void a_node_stopped_mid_rolling_restart_is_named_and_shown_within_3_s()
    {
        m_model->requestRestart(QStringLiteral("rolling"), 200, 200);
        QTRY_VERIFY_WITH_TIMEOUT(m_model->restartRunning() && nodesDone() >= 2, 30000);
        QVERIFY2(nodesDone() < 9, "the restart passed the node before it could be stopped mid-way");
        QVERIFY(!headerLinkTo(kStopped));

        QElapsedTimer sinceStop;
        m_nodes[9]->signal(SIGSTOP);
        sinceStop.start();
        QTRY_VERIFY_WITH_TIMEOUT(headerLinkTo(kStopped) && stateText(kStopped).startsWith(QStringLiteral("not reachable")), 8000);
        const qint64 tookMs = sinceStop.elapsed();
        qInfo("stopped node named in the header and its row after %lld ms", tookMs);
        QVERIFY2(tookMs <= kNamedWithinMs, qPrintable(QString::number(tookMs)));
        // Not refused, not killed, not lost: the process took the connection and says nothing.
        QVERIFY2(stateText(kStopped).contains(QStringLiteral("no answer")), qPrintable(stateText(kStopped)));
        QVERIFY2(!stateText(kStopped).contains(QStringLiteral("refused")), qPrintable(stateText(kStopped)));
        QVERIFY(m_model->node(kStopped)->up()); // etcd still lists it
        QVERIFY2(m_window->header()->goneText().contains(QStringLiteral("1 not reachable (n9)")), qPrintable(m_window->header()->goneText()));
        // On screen as the window stands, without scrolling.
        QVERIFY(!view().rowRect(0).isEmpty());
        QVERIFY(!view().rowRect(view().proxyRowOf(kStopped)).isEmpty());
        // The header's link selects it and drills into it, greyed as last seen.
        QLabel *link = headerLinkTo(kStopped);
        QVERIFY(link);
        Q_EMIT link->linkActivated(QStringLiteral("node:%1").arg(kStopped));
        QCOMPARE(view().currentNode(), kStopped);
        QCOMPARE(m_window->drill()->nodeId(), kStopped);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->drill()->greyed(), 2000);
        m_window->grab().save(QStringLiteral("fleet-stop-12.png"));
    }

    void the_node_let_go_is_ready_again_and_the_restart_completes()
    {
        m_nodes[9]->signal(SIGCONT);
        QTRY_VERIFY_WITH_TIMEOUT(!headerLinkTo(kStopped) && stateText(kStopped) != QStringLiteral("not reachable: no answer"), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(m_model->restart() && !m_model->restartRunning(), 45000);
        QCOMPARE(m_model->restart()->state, QStringLiteral("completed"));
        QTRY_VERIFY_WITH_TIMEOUT(allReadyOn(2), 10000);
        QVERIFY(!m_window->drill()->greyed());
    }

    // What the restart left in the node timeline and the cluster charts: n9's row went
    // through "not reachable" and back to ready; the restart's steps are shaded.
    void the_timeline_and_charts_kept_the_restart_and_the_stop()
    {
        const FleetHistory &history = *m_window->history();
        QTRY_VERIFY_WITH_TIMEOUT(history.states().shardCount() == kNodes, 3000);
        const int row = int(history.rowIds().indexOf(kStopped));
        QVERIFY(row >= 0);
        QList<int> states;
        for (const StateRun &run : history.states().runs(row))
            states << run.state;
        // The others were never said out of reach, not even while the console first connected.
        for (int r = 0; r < kNodes; ++r) {
            for (const StateRun &run : history.states().runs(r))
                QVERIFY2(r == row || run.state != int(FleetState::NotReachable), qPrintable(history.rowIds()[r]));
        }
        QVERIFY2(states.contains(int(FleetState::NotReachable)) && states.last() == int(FleetState::Ready),
                 qPrintable(QStringLiteral("runs %1, samples %2, first %3 last %4").arg(states.size()).arg(history.samples().size()).arg(history.states().firstMs()).arg(history.states().lastMs())));
        QVERIFY(m_window->clusterCharts()->spanCount() > 0);
        QVERIFY(m_window->clusterCharts()->pointCount(0, 0) > 5);
        m_window->clusterTabs()->setCurrentWidget(m_window->nodeTimeline());
        QVERIFY(m_window->nodeTimeline()->rowHeight() * kNodes <= m_window->nodeTimeline()->height());
        m_window->grab().save(QStringLiteral("fleet-stop-12-timeline.png"));
        m_window->clusterTabs()->setCurrentWidget(m_window->clusterCharts());
        m_window->grab().save(QStringLiteral("fleet-stop-12-charts.png"));
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_model.reset();
        m_client.reset();
        m_nodes.clear();
    }
};

QTEST_MAIN(TestFleetStop)
#include "tst_fleet_stop.moc"
