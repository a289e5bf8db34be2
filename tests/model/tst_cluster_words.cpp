// What the cluster console's model says of nodes and etcd, and when: node ids in natural
// order, a version tally that keeps lost nodes under their last version, the reasons the
// nodes would refuse a restart, a refused link told from a silent one, a lost node's since
// from its event, and etcd's failures in words (over a real socket, no etcd).
#include "model/client/ClusterClient.h"
#include "model/cluster/ClusterEventLog.h"
#include "model/cluster/ClusterNodes.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QFont>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace shardscope;

namespace {

ClusterNodeRow row(const QString &id, std::int64_t version, const char *state = "up", std::int64_t lastSeenMs = 0)
{
    ClusterNodeRow r;
    r.id = id;
    r.version = version;
    r.state = QLatin1String(state);
    r.ready = r.up();
    r.lastSeenAtMs = lastSeenMs;
    return r;
}

ClusterEventRecord record(std::uint64_t seq, std::int64_t timeMs, const char *kind, const QString &node)
{
    ClusterEventRecord e;
    e.seq = seq;
    e.timeMs = timeMs;
    e.kind = QLatin1String(kind);
    e.node = node;
    e.message = QStringLiteral("node %1: %2").arg(node, e.kind);
    return e;
}

QString utcClock(std::int64_t ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("HH:mm:ss"));
}

// A stand-in for etcd's address that answers every request with `status` (0: closes).
class FixedAnswer : public QTcpServer
{
public:
    explicit FixedAnswer(QByteArray statusLine)
        : m_statusLine(std::move(statusLine))
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [this, s] {
                    s->readAll();
                    s->write("HTTP/1.1 " + m_statusLine + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
                    s->disconnectFromHost();
                });
            }
        });
    }

private:
    QByteArray m_statusLine;
};

} // namespace

class TestClusterWords : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void node_ids_sort_in_natural_order()
    {
        QStringList ids{QStringLiteral("n10"), QStringLiteral("n2"), QStringLiteral("n1"), QStringLiteral("n02"), QStringLiteral("m9")};
        std::sort(ids.begin(), ids.end(), naturalLess);
        QCOMPARE(ids, (QStringList{QStringLiteral("m9"), QStringLiteral("n1"), QStringLiteral("n02"), QStringLiteral("n2"), QStringLiteral("n10")}));
        QVERIFY(!naturalLess(QStringLiteral("n2"), QStringLiteral("n2")));
    }

    void the_version_tally_keeps_a_lost_node_under_its_last_version_and_leaves_out_left_ones()
    {
        std::vector<ClusterNodeRow> rows;
        for (int i = 0; i < 12; ++i)
            rows.push_back(row(QStringLiteral("n%1").arg(i), 2));
        rows[9] = row(QStringLiteral("n9"), 1, "lost", 1000);
        rows[3] = row(QStringLiteral("n3"), 1);
        rows[4] = row(QStringLiteral("n4"), 1, "left");
        const auto groups = versionTally(rows);
        QCOMPARE(groups.size(), std::size_t(2));
        QCOMPARE(groups[0].version, 2);
        QCOMPARE(groups[0].up.size(), 9);
        QCOMPARE(groups[0].up.first(), QStringLiteral("n0"));
        QCOMPARE(groups[0].up.last(), QStringLiteral("n11")); // natural order
        QCOMPARE(groups[1].version, 1);
        QCOMPARE(groups[1].up, QStringList{QStringLiteral("n3")});
        QCOMPARE(groups[1].lastSeen, QStringList{QStringLiteral("n9")});
    }

    void the_nodes_refuse_a_restart_without_etcd_or_with_a_lost_node_but_not_for_versions_apart()
    {
        std::vector<ClusterNodeRow> rows{row(QStringLiteral("n0"), 2), row(QStringLiteral("n1"), 1)};
        QCOMPARE(restartRefusal(rows, true, QStringLiteral("etcd ok"), false), QString());
        const QString etcd = restartRefusal(rows, false, QStringLiteral("etcd at http://127.0.0.1:1 does not answer: 503"), false);
        QVERIFY2(etcd.contains(QStringLiteral("without etcd: etcd at http://127.0.0.1:1 does not answer: 503")), qPrintable(etcd));
        rows.push_back(row(QStringLiteral("n10"), 1, "lost"));
        rows.push_back(row(QStringLiteral("n9"), 1, "lost"));
        const QString lost = restartRefusal(rows, true, QStringLiteral("etcd ok"), false);
        QVERIFY2(lost.contains(QStringLiteral("n9, n10 are lost")), qPrintable(lost));
        QVERIFY(!restartRefusal(rows, true, {}, true).isEmpty()); // one runs
    }

    void a_refused_link_and_a_silent_one_are_told_apart()
    {
        QCOMPARE(unreachableText(std::nullopt), QString());
        ConnectionStatus live;
        QCOMPARE(unreachableText(live), QString());
        ConnectionStatus connecting{false, 0, QStringLiteral("connecting")};
        QCOMPARE(unreachableText(connecting), QString()); // nothing to veil yet
        ConnectionStatus refused{false, 1000, QStringLiteral("lost: Connection refused"), false, LossCause::Refused};
        ConnectionStatus silentLink{false, 1000, QStringLiteral("lost: Operation canceled"), false, LossCause::Timeout};
        QVERIFY(unreachableText(refused).startsWith(QStringLiteral("not reachable: connection refused")));
        QVERIFY(unreachableText(silentLink).startsWith(QStringLiteral("not reachable: no answer")));
        QVERIFY(!silent(refused));
        QVERIFY(silent(silentLink));
    }

    // The console last heard from n9 at T; its lease ran out and the node_lost event came at T+6 s.
    void a_lost_nodes_since_is_its_events_time_and_its_last_frame_is_said_as_last_heard()
    {
        constexpr std::int64_t seen = 1'760'000'000'000;
        constexpr std::int64_t lostAt = seen + 6000;
        ClusterEventLog log;
        QAbstractItemModelTester tester(&log);
        const ClusterNodeRow n9 = row(QStringLiteral("n9"), 1, "lost", seen);
        QCOMPARE(goneText(n9, log.goneEventMs(QStringLiteral("n9"), QStringLiteral("lost")), seen, true),
                 QStringLiteral("LOST (last heard %1)").arg(utcClock(seen))); // no event read yet: no since
        ClusterEventPage page;
        page.events = {record(1, seen - 60000, "node_up", QStringLiteral("n9")), record(2, lostAt, "node_lost", QStringLiteral("n9"))};
        page.lastSeq = 2;
        log.applyPage(QStringLiteral("http://a"), QStringLiteral("n0"), 0, page, lostAt + 100);
        QCOMPARE(log.goneEventMs(QStringLiteral("n9"), QStringLiteral("lost")), lostAt);
        QCOMPARE(goneText(n9, log.goneEventMs(QStringLiteral("n9"), QStringLiteral("lost")), seen, true),
                 QStringLiteral("LOST since %1 (last heard %2)").arg(utcClock(lostAt), utcClock(seen)));
        QCOMPARE(goneText(n9, lostAt, 0, true), QStringLiteral("LOST since %1").arg(utcClock(lostAt)));
        // Back up later: the old loss no longer dates anything.
        page.events = {record(3, lostAt + 5000, "node_up", QStringLiteral("n9"))};
        page.lastSeq = 3;
        log.applyPage(QStringLiteral("http://a"), QStringLiteral("n0"), log.sinceFor(QStringLiteral("http://a")), page, lostAt + 5100);
        QCOMPARE(log.goneEventMs(QStringLiteral("n9"), QStringLiteral("lost")), 0);
        // The node column names the node for a link; a note row names none.
        const int last = log.rowCount() - 1;
        QCOMPARE(log.index(last, ClusterEventLog::NodeColumn).data(ClusterEventLog::NodeRole).toString(), QStringLiteral("n9"));
        QVERIFY(log.index(last, ClusterEventLog::NodeColumn).data(Qt::FontRole).value<QFont>().underline());
    }

    void etcd_failures_are_said_in_words_with_its_address()
    {
        QFETCH(QByteArray, answer);
        QFETCH(QString, words);
        FixedAnswer server(answer);
        QUrl url(QStringLiteral("http://127.0.0.1:1"));
        if (!answer.isEmpty()) {
            QVERIFY(server.listen(QHostAddress::LocalHost));
            url.setPort(server.serverPort());
        }
        ClusterClient client(url, QStringLiteral("c"), {});
        client.setIntervalMs(100);
        client.start();
        const QString expected = QStringLiteral("etcd at %1 does not answer: %2").arg(url.toString(), words);
        QTRY_COMPARE_WITH_TIMEOUT(client.etcdError(), expected, 5000);
        QVERIFY(!client.etcdReachable());
    }
    void etcd_failures_are_said_in_words_with_its_address_data()
    {
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<QString>("words");
        QTest::newRow("503") << QByteArray("503 Service Unavailable") << QStringLiteral("503 Service Unavailable");
        QTest::newRow("refused") << QByteArray() << QStringLiteral("connection refused");
    }
};

QTEST_MAIN(TestClusterWords)
#include "tst_cluster_words.moc"
