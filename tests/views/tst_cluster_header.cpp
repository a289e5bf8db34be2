// The cluster console's header, bands, event log and restart dialog fed from a recorded
// status (no processes): the header holds its width whatever it says, names the nodes
// behind and the lost ones as links, a lost band's since is its event's time, a node in
// the event log is a link, and the dialog's texts say what the nodes do.
#include "model/client/ClusterClient.h"
#include "model/cluster/ClusterEventLog.h"
#include "model/cluster/ClusterModel.h"
#include "model/fleet/FleetModel.h"
#include "views/ClusterEventView.h"
#include "views/ClusterHeader.h"
#include "views/ClusterRestartDialog.h"
#include "views/ClusterWindow.h"
#include "views/Theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QJsonObject>
#include <QLabel>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTest>
#include <QVBoxLayout>

using namespace shardscope;

namespace {

const std::int64_t kNow = QDateTime::currentMSecsSinceEpoch();
const std::int64_t kSeen = kNow - 9000;
const std::int64_t kLostAt = kNow - 3000;

ClusterNodeStatus node(int i, std::int64_t version, const char *state = "up")
{
    ClusterNodeStatus n;
    n.id = QStringLiteral("n%1").arg(i);
    n.url = QStringLiteral("http://127.0.0.1:%1").arg(9000 + i);
    n.shards = 16;
    n.version = version;
    n.state = QLatin1String(state);
    n.ready = n.state == QLatin1String("up");
    n.phase = QStringLiteral("serving");
    n.lastSeenAtMs = n.ready ? kNow : kSeen;
    n.coordinator = i == 0;
    return n;
}

// 12 nodes: n9 lost on v1, n3 behind on v1, the rest on v2; the last rolling restart
// failed with a long reason that names n9.
ClusterStatus twelveNodes()
{
    ClusterStatus s;
    s.cluster = QStringLiteral("prod");
    s.reportedBy = QStringLiteral("n0");
    s.etcdOk = true;
    s.coordinator = QStringLiteral("n0");
    for (int i = 0; i < 12; ++i)
        s.nodes.push_back(node(i, i == 9 || i == 3 ? 1 : 2, i == 9 ? "lost" : "up"));
    s.hasRestart = true;
    s.restart.id = QStringLiteral("1234567");
    s.restart.strategy = QStringLiteral("rolling");
    s.restart.state = QStringLiteral("failed");
    s.restart.acceptedBy = QStringLiteral("n0");
    s.restart.createdMs = kSeen - 20000;
    s.restart.reason = QStringLiteral("node n9 is lost: it stopped answering during its grace period out of the balancer, and the "
                                      "rolling restart stops at the first failure so that no second node leaves the balancer while "
                                      "one is already missing; n3 was not restarted and serves its old version");
    return s;
}

ClusterEventPage lostPage()
{
    ClusterEventRecord up, lost;
    up.seq = 1;
    up.timeMs = kSeen - 60000;
    up.kind = QStringLiteral("node_up");
    up.node = QStringLiteral("n9");
    up.message = QStringLiteral("node n9 is up at http://127.0.0.1:9009");
    lost.seq = 2;
    lost.timeMs = kLostAt;
    lost.kind = QStringLiteral("node_lost");
    lost.node = QStringLiteral("n9");
    lost.message = QStringLiteral("node n9 is lost: its lease expired");
    return {{up, lost}, 2};
}

QString clock(std::int64_t ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss"));
}

QLabel *labelWith(QWidget &w, const QString &text)
{
    for (QLabel *l : w.findChildren<QLabel *>()) {
        if (l->text().contains(text))
            return l;
    }
    return nullptr;
}

} // namespace

class TestClusterHeader : public QObject
{
    Q_OBJECT
private:
    // Never started: the console's own view of etcd is down ("has not answered yet").
    ClusterClient m_client{QUrl(QStringLiteral("http://127.0.0.1:1")), QStringLiteral("prod"), {}};
    ClusterModel m_model{m_client};

private Q_SLOTS:
    void initTestCase()
    {
        m_model.applyStatus(twelveNodes(), kNow);
        m_model.events().applyPage(QStringLiteral("http://127.0.0.1:9000"), QStringLiteral("n0"), 0, lostPage(), kNow);
    }

    void the_header_holds_its_width_and_keeps_every_word_in_tooltips()
    {
        QWidget window;
        auto *layout = new QVBoxLayout(&window);
        auto *header = new ClusterHeader(m_model, &window);
        layout->addWidget(header);
        layout->addStretch(1);
        QVERIFY2(header->minimumSizeHint().width() <= 900, qPrintable(QString::number(header->minimumSizeHint().width())));
        window.resize(1360, 300);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.width(), 1360);
        QVERIFY(header->restartText().contains(QStringLiteral("serves its old version"))); // whole, not cut
        QLabel *restart = labelWith(*header, QStringLiteral("serves its old version"));
        QVERIFY(restart);
        QVERIFY(restart->wordWrap());
        QVERIFY2(restart->height() >= restart->heightForWidth(restart->width()), "the wrapped outcome is cut off");
        window.grab().save(QStringLiteral("cluster-header-12-nodes.png"));
        // The dark theme, for a look (its colours follow the palette, as the single-node header's).
        applyTheme(Theme::Dark); // rich-text links take the application palette's link colour
        header->refresh();
        window.grab().save(QStringLiteral("cluster-header-12-nodes-dark.png"));
        applyTheme(Theme::Light);
        header->refresh();
        // Narrow: the etcd line elides, its tooltip keeps it whole.
        window.resize(900, 300);
        QTRY_COMPARE(window.width(), 900);
        QLabel *etcd = nullptr;
        for (QLabel *l : header->findChildren<QLabel *>()) {
            if (l->toolTip() == header->etcdText())
                etcd = l;
        }
        QVERIFY(etcd);
        QVERIFY2(header->etcdText().startsWith(QStringLiteral("etcd at http://127.0.0.1:1 ")), qPrintable(header->etcdText()));
        QVERIFY(etcd->width() <= 900);
    }

    // The screen: 1440 px wide, the window asked for 1558 with etcd down.
    void the_cluster_window_fits_a_1360_px_screen_with_etcd_down_and_a_long_outcome()
    {
        ClusterWindow window(m_model);
        QVERIFY2(window.minimumSizeHint().width() <= 1360, qPrintable(QString::number(window.minimumSizeHint().width())));
    }

    void the_tally_names_the_nodes_behind_and_a_lost_one_under_its_last_version_as_links()
    {
        ClusterHeader header(m_model);
        QCOMPARE(header.versionsText(), QStringLiteral("v2: 10 nodes; v1: n3, n9 (lost, last seen)"));
        QCOMPARE(header.goneText(), QStringLiteral("nodes: 1 lost (n9)"));
        QSignalSpy activated(&header, &ClusterHeader::nodeActivated);
        QLabel *versions = labelWith(header, QStringLiteral("href=\"node:n3\""));
        QVERIFY(versions);
        Q_EMIT versions->linkActivated(QStringLiteral("node:n3"));
        QLabel *chip = labelWith(header, QStringLiteral("1 lost"));
        QVERIFY(chip && chip->text().contains(QStringLiteral("href=\"node:n9\"")));
        Q_EMIT chip->linkActivated(QStringLiteral("node:n9"));
        QLabel *outcome = labelWith(header, QStringLiteral("stops at the first failure"));
        QVERIFY(outcome && outcome->text().contains(QStringLiteral("<a href=\"node:n9\">n9</a> is lost")));
        QVERIFY(outcome->text().contains(QStringLiteral("<a href=\"node:n3\">n3</a> was not restarted")));
        QCOMPARE(activated.size(), 2);
        QCOMPARE(activated.at(0).at(0).toString(), QStringLiteral("n3"));
        QCOMPARE(activated.at(1).at(0).toString(), QStringLiteral("n9"));
    }

    void restart_all_is_blocked_with_the_reason_the_nodes_would_give()
    {
        ClusterHeader header(m_model);
        // The console's etcd address refuses: that comes first, in words.
        QVERIFY2(header.restartBlocker().contains(QStringLiteral("without etcd: etcd at http://127.0.0.1:1")), qPrintable(header.restartBlocker()));
    }

    void a_lost_nodes_row_dates_the_loss_by_its_event()
    {
        FleetModel fleet(m_model, {});
        const int row = fleet.rowOf(QStringLiteral("n9"));
        QVERIFY(row >= 0);
        QCOMPARE(fleet.row(row)->state, FleetState::Lost);
        // Not followed (no process here): no link cause is added.
        QCOMPARE(fleet.index(row, FleetModel::StateColumn).data().toString(), QStringLiteral("lost since %1").arg(clock(kLostAt)));
    }

    void a_click_on_a_node_in_the_event_log_selects_it()
    {
        ClusterEventView view(m_model.events());
        view.resize(900, 300);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy activated(&view, &ClusterEventView::nodeActivated);
        QTableView *table = view.table();
        const int row = table->model()->rowCount() - 1; // the newest: n9 lost
        const QModelIndex cell = table->model()->index(row, ClusterEventLog::NodeColumn);
        QCOMPARE(cell.data().toString(), QStringLiteral("n9"));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(cell).center());
        QCOMPARE(activated.size(), 1);
        QCOMPARE(activated.at(0).at(0).toString(), QStringLiteral("n9"));
        // A click elsewhere on the row is a selection, not a jump.
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(table->model()->index(row, ClusterEventLog::MessageColumn)).center());
        QCOMPARE(activated.size(), 1);
    }

    void the_dialog_says_a_left_node_is_not_restarted_and_a_lost_one_blocks()
    {
        ClusterRestartDialog::Radius radius;
        radius.nodesUp = 11;
        radius.shardsPerNode = 16;
        radius.shardsTotal = 176;
        radius.nodesGone = 1;
        ClusterRestartDialog dialog(radius);
        const QString text = dialog.consequenceText();
        QVERIFY2(text.contains(QStringLiteral("1 node is lost or left and not restarted; while a node is lost the nodes refuse the restart.")),
                 qPrintable(text));
    }

    // The gate is rolling only, off unless asked, and what the dialog says is what it sends.
    void the_dialog_sends_the_gate_it_describes_and_only_for_rolling()
    {
        ClusterRestartDialog::Radius radius;
        radius.nodesUp = 4;
        radius.shardsPerNode = 8;
        radius.shardsTotal = 32;
        ClusterRestartDialog dialog(radius);
        QVERIFY(!dialog.requestBody().contains(QStringLiteral("gate")));
        QVERIFY(!dialog.canaryBox()->isEnabled());
        dialog.gateBox()->setChecked(true);
        dialog.canaryBox()->setValue(2);
        const QJsonObject body = dialog.requestBody();
        const QJsonObject gate = body.value(QStringLiteral("gate")).toObject();
        QCOMPARE(body.value(QStringLiteral("canary")).toInt(), 2);
        QCOMPARE(gate.value(QStringLiteral("checks")).toInt(), 3);
        QCOMPARE(gate.value(QStringLiteral("min_requests")).toInt(), 100);
        const QString text = dialog.consequenceText();
        QVERIFY2(text.contains(QStringLiteral("over 3 windows of 10 s")) && text.contains(QStringLiteral("at least 100 requests"))
                     && text.contains(QStringLiteral("The first 2 nodes must pass")),
                 qPrintable(text));
        QCOMPARE(dialog.canaryBox()->maximum(), 4);
        dialog.strategyBox()->setCurrentIndex(dialog.strategyBox()->findData(QStringLiteral("lockstep")));
        QVERIFY(!dialog.gateBox()->isEnabled());
        QVERIFY(!dialog.requestBody().contains(QStringLiteral("gate")));
        QVERIFY(!dialog.consequenceText().contains(QStringLiteral("windows")));
    }
};

QTEST_MAIN(TestClusterHeader)
#include "tst_cluster_header.moc"
