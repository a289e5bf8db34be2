// What the cluster console says about real nodes matches what happened to them: a node
// killed with -9 is said at once to refuse connections, a SIGSTOPped one not to answer,
// each on its fleet row and named in the header while etcd still lists it as up, its
// drilled-in tiles greyed as last seen; a lost node's "since" is the time of the event
// that says it; the steps of one journal write are
// logged before the state the coordinator wrote with them; etcd gone is said in words and
// blocks Restart All. Nodes run with a 10 s lease so etcd's view lags the console's.
#include "tests/cluster/ClusterTestSupport.h"

#include "model/client/ClusterClient.h"
#include "model/cluster/ClusterEventLog.h"
#include "model/cluster/ClusterModel.h"
#include "model/fleet/FleetModel.h"
#include "views/ClusterHeader.h"
#include "views/ClusterWindow.h"
#include "views/fleet/NodeDrillPanel.h"

#include <QApplication>
#include <QDateTime>

using namespace shardscope;
using namespace shardscope::test;

namespace {
constexpr int kShards = 2;
constexpr int kLeaseTtl = 10;
const QString kCluster = QStringLiteral("truth");
}

class TestConsoleTruth : public QObject
{
    Q_OBJECT
private:
    EtcdProcess m_etcd;
    Nodes m_nodes;
    std::unique_ptr<ClusterClient> m_client;
    std::unique_ptr<ClusterModel> m_model;
    std::unique_ptr<ClusterWindow> m_window;
    ClusterHeader *m_header = nullptr;

    // The node's fleet row in words ("ready", "not reachable: no answer", "lost since ...").
    QString rowText(const QString &id) const
    {
        const FleetModel &fleet = *m_window->fleetModel();
        return fleet.index(fleet.rowOf(id), FleetModel::StateColumn).data().toString();
    }
    // The node drilled into: are its tiles greyed as last seen?
    bool drilledGreyed(const QString &id) const
    {
        m_window->selectNode(id);
        return m_window->drill()->greyed();
    }

    bool upAndReady(const QString &id) const
    {
        const ClusterNodeRow *row = m_model->node(id);
        return row && row->up() && row->ready;
    }
    QString logText() const
    {
        QStringList lines;
        const ClusterEventLog &log = m_model->events();
        for (int r = 0; r < log.rowCount(); ++r)
            lines << log.index(r, ClusterEventLog::KindColumn).data().toString() + QStringLiteral(" | ")
                    + log.index(r, ClusterEventLog::MessageColumn).data().toString();
        return lines.join(QLatin1Char('\n'));
    }
    int logRow(const std::function<bool(const ClusterEventRecord &)> &match) const
    {
        const ClusterEventLog &log = m_model->events();
        for (int r = 0; r < log.rowCount(); ++r) {
            if (match(log.item(r).event))
                return r;
        }
        return -1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_etcd.start(&error), qPrintable(error));
        for (int i = 0; i < 3; ++i) {
            m_nodes.push_back(startNode(m_etcd.urlText(), QStringLiteral("n%1").arg(i), kShards, kLeaseTtl, kCluster));
            QVERIFY2(m_nodes.back()->port != 0, "a node did not start");
        }
        m_client = std::make_unique<ClusterClient>(m_etcd.url(), kCluster, QByteArray());
        m_client->setIntervalMs(200);
        m_model = std::make_unique<ClusterModel>(*m_client);
        m_window = std::make_unique<ClusterWindow>(*m_model);
        m_header = m_window->header();
        m_window->resize(1360, 880);
        m_window->show();
        m_model->start();
        QTRY_VERIFY_WITH_TIMEOUT(formed(m_nodes), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(upAndReady(QStringLiteral("n0")) && upAndReady(QStringLiteral("n1")) && upAndReady(QStringLiteral("n2"))
                                     && std::all_of(m_nodes.begin(), m_nodes.end(), [this](const auto &n) { return m_model->followingLive(n->id); }),
                                 20000);
        for (const auto &n : m_nodes) {
            QTRY_COMPARE_WITH_TIMEOUT(rowText(n->id), QStringLiteral("ready"), 5000);
            QVERIFY2(!drilledGreyed(n->id), qPrintable(n->id));
        }
    }

    // The coordinator folds the last node's "verified" into the write that sets "committed":
    // one read of the journal, two events, and the step must come first. "running" is
    // written with the nodes' first step, "preparing", and comes before it.
    void the_events_of_one_journal_write_are_logged_in_causal_order()
    {
        m_model->requestRestart(QStringLiteral("lockstep"), -1, -1);
        QTRY_VERIFY_WITH_TIMEOUT(m_model->restart() && !m_model->restartRunning() && m_model->restart()->state == QLatin1String("completed"), 30000);
        const QString id = m_model->restart()->id;
        const auto committed = [&](const ClusterEventRecord &e) {
            return e.restartId == id && e.kind == QLatin1String("cluster_restart") && e.state == QLatin1String("committed");
        };
        QTRY_VERIFY2_WITH_TIMEOUT(logRow(committed) >= 0, qPrintable(logText()), 5000);
        const int commit = logRow(committed);
        const int running = logRow([&](const ClusterEventRecord &e) {
            return e.restartId == id && e.kind == QLatin1String("cluster_restart") && e.state == QLatin1String("running");
        });
        for (const auto &n : m_nodes) {
            // "running" is written with every node's first step: it comes before them.
            const int preparing = logRow([&](const ClusterEventRecord &e) {
                return e.restartId == id && e.kind == QLatin1String("cluster_restart_step") && e.node == n->id && e.step == QLatin1String("preparing");
            });
            QVERIFY2(running >= 0 && preparing > running, qPrintable(n->id + QLatin1Char('\n') + logText()));
            const int verified = logRow([&](const ClusterEventRecord &e) {
                return e.restartId == id && e.kind == QLatin1String("cluster_restart_step") && e.node == n->id && e.step == QLatin1String("verified");
            });
            QVERIFY2(verified >= 0 && verified < commit, qPrintable(n->id + QLatin1Char('\n') + logText()));
        }
    }

    // Stopped: the connection is taken and nothing comes; the console says so within its
    // summary stream's watchdog (2 s), while etcd still says up and ready for seconds.
    void a_stopped_node_is_said_not_to_answer_while_etcd_still_lists_it_up()
    {
        const QString n1 = QStringLiteral("n1");
        m_nodes[1]->signal(SIGSTOP);
        QTRY_VERIFY_WITH_TIMEOUT(rowText(n1).startsWith(QStringLiteral("not reachable")), 8000);
        QVERIFY(m_model->node(n1)->up()); // etcd's lease has not run out
        QCOMPARE(rowText(n1), QStringLiteral("not reachable: no answer"));
        QCOMPARE(m_header->goneText(), QStringLiteral("nodes: 1 not reachable (n1)"));
        QTRY_VERIFY_WITH_TIMEOUT(drilledGreyed(n1), 3000);
        m_window->grab().save(QStringLiteral("console-truth-stopped.png"));
        m_nodes[1]->signal(SIGCONT);
        QTRY_VERIFY_WITH_TIMEOUT(rowText(n1) == QLatin1String("ready") && !drilledGreyed(n1), 15000);
    }

    // Killed: nothing listens, the reconnect is refused within its first backoff (250 ms);
    // etcd keeps the node up until its 10 s lease runs out.
    void a_killed_node_is_said_at_once_to_refuse_while_etcd_still_lists_it_up()
    {
        const QString n2 = QStringLiteral("n2");
        QVERIFY(!drilledGreyed(n2));
        const qint64 killedAt = QDateTime::currentMSecsSinceEpoch();
        m_nodes[2]->process->kill();
        QTRY_VERIFY_WITH_TIMEOUT(rowText(n2).contains(QStringLiteral("refused")), 3000);
        const qint64 tookMs = QDateTime::currentMSecsSinceEpoch() - killedAt;
        QVERIFY(m_model->node(n2)->up());
        QCOMPARE(rowText(n2), QStringLiteral("not reachable: refused")); // unlike the stopped node
        QVERIFY2(tookMs < 3000, qPrintable(QString::number(tookMs)));
        QTRY_VERIFY_WITH_TIMEOUT(drilledGreyed(n2), 3000);
        m_window->grab().save(QStringLiteral("console-truth-killed.png"));
    }

    // Lost once the lease ran out: the row's "since" is the node_lost event's time.
    void a_lost_nodes_since_is_the_time_of_the_event_that_says_it()
    {
        const QString n2 = QStringLiteral("n2");
        const auto lost = [](const ClusterEventRecord &e) { return e.kind == QLatin1String("node_lost") && e.node == QLatin1String("n2"); };
        QTRY_VERIFY2_WITH_TIMEOUT(logRow(lost) >= 0 && rowText(n2).startsWith(QStringLiteral("lost since ")), qPrintable(rowText(n2)),
                                  kLeaseTtl * 1000 + 10000);
        const qint64 eventMs = m_model->events().item(logRow(lost)).event.timeMs;
        const QString at = QDateTime::fromMSecsSinceEpoch(eventMs).toString(QStringLiteral("HH:mm:ss"));
        QTRY_VERIFY2_WITH_TIMEOUT(rowText(n2).startsWith(QStringLiteral("lost since %1").arg(at)), qPrintable(rowText(n2) + QStringLiteral(" vs ") + at), 3000);
        QVERIFY2(rowText(n2).contains(QStringLiteral("refused")), qPrintable(rowText(n2)));
        QVERIFY(drilledGreyed(n2));
        QTRY_VERIFY_WITH_TIMEOUT(m_header->goneText() == QLatin1String("nodes: 1 lost (n2)"), 5000);
        QVERIFY2(m_header->restartBlocker().contains(QStringLiteral("n2 is lost")), qPrintable(m_header->restartBlocker()));
        QVERIFY2(m_header->versionsText().contains(QStringLiteral("n2 (lost, last seen)")), qPrintable(m_header->versionsText()));
    }

    void etcd_gone_is_said_in_words_and_blocks_restart_all()
    {
        m_etcd.kill();
        const QString expected = QStringLiteral("etcd at %1 does not answer: connection refused").arg(m_etcd.url().toString(QUrl::StripTrailingSlash));
        QTRY_COMPARE_WITH_TIMEOUT(m_header->etcdText(), expected, 5000);
        QVERIFY2(m_header->restartBlocker().contains(expected), qPrintable(m_header->restartBlocker()));
        m_window->grab().save(QStringLiteral("console-truth-etcd-gone.png"));
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_model.reset();
        m_client.reset();
        m_nodes.clear();
    }
};

QTEST_MAIN(TestConsoleTruth)
#include "tst_console_truth.moc"
