// A node in a few hundred bytes (issue 24): GET /v1/service/summary, the summary stream
// (GET /v1/stream?view=summary) and the cluster console's follower that reads it, with
// full shard detail only on demand.
#include "tests/support/ServiceFixture.h"

#include "backend/wire/NodeSummary.h"
#include "model/client/ClusterClient.h"
#include "model/cluster/ClusterModel.h"
#include "model/cluster/NodeFollower.h"
#include "model/shards/ShardTableModel.h"

#include <QDateTime>
#include <QJsonArray>
#include <QTcpSocket>
#include <QTest>

using namespace shardscope;
using namespace shardscope::test;

class TestNodeSummary : public QObject
{
    Q_OBJECT
private:
    static std::unique_ptr<QTcpSocket> open(quint16 port, const QByteArray &path)
    {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, port);
        if (!socket->waitForConnected(5000))
            return nullptr;
        socket->write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n");
        return socket;
    }

    static void echoes(ServiceFixture &f, int count)
    {
        for (int i = 0; i < count; ++i)
            QCOMPARE(f.client()->post("/v1/query", R"({"procedure":"echo","args":{"x":1}})").status, 200);
    }

    static quint64 rowsProcessed(ShardTableModel &rows)
    {
        quint64 sum = 0;
        for (int r = 0; r < rows.rowCount(); ++r)
            sum += rows.data(rows.index(r), ShardTableModel::ProcessedRole).toULongLong();
        return sum;
    }

private Q_SLOTS:
    void the_summary_packs_every_shard_state_and_version_and_the_nodes_totals()
    {
        ServiceFixture f(ServiceFixture::smallConfig(4));
        QVERIFY(f.ok());
        echoes(f, 6);
        const auto r = f.client()->get("/v1/service/summary");
        QCOMPARE(r.status, 200);
        const QJsonObject s = r.json();
        QCOMPARE(s.value(QStringLiteral("states")).toString(), QStringLiteral("SSSS"));
        const QJsonArray runs = s.value(QStringLiteral("versions")).toArray();
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs.at(0).toArray().at(1).toInt(), 4);
        QCOMPARE(s.value(QStringLiteral("ready")).toBool(), true);
        QCOMPARE(s.value(QStringLiteral("processed")).toInt(), 6);
        QCOMPARE(s.value(QStringLiteral("busy")).toArray().size(), 0);
        QVERIFY2(r.body.size() < 600, r.body.constData());
    }

    void a_summary_read_back_gives_each_shard_its_state_and_version()
    {
        ServiceSnapshot snap;
        snap.version = 3;
        for (int i = 0; i < 5; ++i) {
            ShardSnapshot sh;
            sh.id = i;
            sh.state = i < 2 ? ShardState::Serving : i == 2 ? ShardState::Draining : ShardState::Restarting;
            sh.version = i < 2 ? 3 : 2;
            sh.queueDepth = i == 2 ? 7 : 0;
            sh.processed = 10;
            snap.shards.push_back(sh);
        }
        NodeSummary back;
        QVERIFY(summaryFromJson(toJson(summarize(snap)), &back));
        const ServiceSnapshot expanded = back.toSnapshot();
        QCOMPARE(expanded.shards.size(), std::size_t(5));
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(int(expanded.shards[std::size_t(i)].state), int(snap.shards[std::size_t(i)].state));
            QCOMPARE(expanded.shards[std::size_t(i)].version, snap.shards[std::size_t(i)].version);
            QCOMPARE(expanded.shards[std::size_t(i)].queueDepth, snap.shards[std::size_t(i)].queueDepth);
        }
        QCOMPARE(back.processed, quint64(50));
        QVERIFY(!back.ready());
        // Version runs that do not cover every shard are refused, not guessed at.
        QJsonObject bad = toJson(summarize(snap));
        bad.insert(QStringLiteral("versions"), QJsonArray{QJsonArray{3, 2}});
        QVERIFY(!summaryFromJson(bad, &back));
    }

    void the_summary_stream_sends_a_restarts_states_at_once_and_only_a_heartbeat_at_rest()
    {
        ServiceFixture f(ServiceFixture::smallConfig(3));
        QVERIFY(f.ok());
        const qint64 before = qint64(f.client()->get("/v1/service/summary").json().value(QStringLiteral("version")).toDouble());
        auto socket = open(f.port(), "/v1/stream?view=summary");
        QVERIFY(socket);
        QByteArray received;
        connect(socket.get(), &QTcpSocket::readyRead, this, [&] { received += socket->readAll(); });
        QTRY_VERIFY_WITH_TIMEOUT(received.contains("event: summary\ndata: {"), 5000);
        QVERIFY(received.contains("\"states\":\"SSS\""));
        // At rest: a frame about once a second, never the 10 a second of full snapshots.
        received.clear();
        QTest::qWait(2500);
        const int atRest = int(received.count("event: summary"));
        QVERIFY2(atRest >= 1 && atRest <= 4, qPrintable(QString::number(atRest)));
        QCOMPARE(f.client()->post("/v1/service/restart", R"({"drain_timeout_ms":2000})").status, 202);
        const QByteArray after = "\"versions\":[[" + QByteArray::number(before + 1) + ",3]]";
        QTRY_VERIFY2_WITH_TIMEOUT(received.contains(after), received.right(600).constData(), 10000);
        QVERIFY(!received.contains("event: snapshot"));
        QVERIFY(!received.contains("event: event"));
    }

    void a_stream_view_other_than_full_or_summary_is_refused()
    {
        ServiceFixture f(ServiceFixture::smallConfig(2));
        QVERIFY(f.ok());
        const auto r = f.client()->get("/v1/stream?view=everything");
        QCOMPARE(r.status, 400);
        QVERIFY2(r.json().value(QStringLiteral("message")).toString().contains(QStringLiteral("view must be full or summary")), r.body.constData());
        QCOMPARE(f.client()->post("/v1/service/summary").status, 405);
    }

    void a_follower_reads_the_summary_and_every_shards_counters_only_in_detail()
    {
        ServiceFixture f(ServiceFixture::smallConfig(4));
        QVERIFY(f.ok());
        echoes(f, 8);
        NodeFollower follower(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(f.port())), {});
        bool wentDown = false;
        connect(&follower, &NodeFollower::liveChanged, this, [&](bool live) { wentDown = wentDown || (!live && follower.figures().processed > 0); });
        follower.start();
        QTRY_VERIFY_WITH_TIMEOUT(follower.live() && follower.shards().rowCount() == 4, 5000);
        QCOMPARE(follower.figures().processed, quint64(8));
        QCOMPARE(rowsProcessed(follower.shards()), quint64(0)); // totals only
        const quint64 summaryBytes = follower.bytesReceived();
        QVERIFY(summaryBytes > 0 && summaryBytes < 2000);

        follower.setDetailed(true);
        QTRY_COMPARE_WITH_TIMEOUT(rowsProcessed(follower.shards()), quint64(8), 5000);
        QVERIFY(follower.live());
        follower.setDetailed(false);
        QTRY_COMPARE_WITH_TIMEOUT(rowsProcessed(follower.shards()), quint64(0), 5000);
        QVERIFY(follower.live());
        QVERIFY(!wentDown); // switching never made the node read unreachable
        QVERIFY(follower.bytesReceived() > summaryBytes);
    }

    void the_cluster_model_follows_in_detail_until_told_which_nodes_are_in_view()
    {
        ServiceFixture f(ServiceFixture::smallConfig(4));
        QVERIFY(f.ok());
        echoes(f, 8);
        ClusterClient client(QUrl(QStringLiteral("http://127.0.0.1:1")), QStringLiteral("t"), {}); // no etcd: rows come from the test
        ClusterModel model(client);
        model.start();
        const QString n0 = QStringLiteral("n0");
        model.applyMembers({{n0, QStringLiteral("http://127.0.0.1:%1").arg(f.port()), 4}}, QDateTime::currentMSecsSinceEpoch());
        QVERIFY(model.shardsOf(n0));
        // Views that show every node's counters keep them until they say what is in view.
        QTRY_COMPARE_WITH_TIMEOUT(rowsProcessed(*model.shardsOf(n0)), quint64(8), 5000);
        model.setDetailNodes({});
        QTRY_COMPARE_WITH_TIMEOUT(rowsProcessed(*model.shardsOf(n0)), quint64(0), 5000);
        QCOMPARE(model.figuresOf(n0)->processed, quint64(8));
        QCOMPARE(model.shardsOf(n0)->rowCount(), 4);
        QVERIFY(model.followingLive(n0));
        model.setDetailNodes({n0});
        QTRY_COMPARE_WITH_TIMEOUT(rowsProcessed(*model.shardsOf(n0)), quint64(8), 5000);
        QVERIFY(model.bytesReceivedFrom(n0) > 0);
    }
};

QTEST_GUILESS_MAIN(TestNodeSummary)
#include "tst_node_summary.moc"
