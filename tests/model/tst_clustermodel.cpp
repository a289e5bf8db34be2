// The cluster console's model: a node's GET /v1/cluster/status decoded into one row per
// node, and rows kept (marked lost or left, with since when) when nodes go away.
#include "model/client/ClusterClient.h"
#include "model/client/ClusterStatus.h"
#include "model/cluster/ClusterModel.h"
#include "model/cluster/ClusterNodes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace shardscope;

namespace {

constexpr std::int64_t kNow = 1'760'000'000'000;

QJsonObject node(const char *id, int port, double version, const char *state, bool coordinator, double lastSeenMs)
{
    return {{QStringLiteral("id"), QLatin1String(id)}, {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:%1").arg(port)},
            {QStringLiteral("shards"), 4}, {QStringLiteral("version"), version}, {QStringLiteral("ready"), QLatin1String(state) == QLatin1String("up")},
            {QStringLiteral("phase"), QStringLiteral("serving")}, {QStringLiteral("state"), QLatin1String(state)},
            {QStringLiteral("coordinator"), coordinator}, {QStringLiteral("last_seen_ms"), lastSeenMs}};
}

// Three nodes as n0 reports them: n0 coordinates, n1 is lost (seen 7 s ago), n2 left
// (seen 3 s ago); a rolling restart runs with n0 done and n1 stopped on it.
QJsonObject threeNodes()
{
    const QJsonArray steps{QJsonObject{{QStringLiteral("id"), QStringLiteral("n0")}, {QStringLiteral("step"), QStringLiteral("done")},
                                       {QStringLiteral("outcome"), QStringLiteral("completed")}},
                           QJsonObject{{QStringLiteral("id"), QStringLiteral("n1")}, {QStringLiteral("step"), QStringLiteral("restarting")}}};
    return {{QStringLiteral("cluster"), QStringLiteral("prod")}, {QStringLiteral("self"), QStringLiteral("n0")},
            {QStringLiteral("etcd"), QStringLiteral("ok")}, {QStringLiteral("coordinator"), QStringLiteral("n0")},
            {QStringLiteral("nodes"), QJsonArray{node("n0", 8081, 2, "up", true, 120), node("n1", 8082, 1, "lost", false, 7000),
                                                 node("n2", 8083, 1, "left", false, 3000)}},
            {QStringLiteral("versions"), QJsonObject{{QStringLiteral("2"), 1}}},
            {QStringLiteral("restart"), QJsonObject{{QStringLiteral("id"), QStringLiteral("42")}, {QStringLiteral("strategy"), QStringLiteral("rolling")},
                                                   {QStringLiteral("state"), QStringLiteral("running")}, {QStringLiteral("nodes"), steps}}},
            {QStringLiteral("last_restart"), QJsonValue()}};
}

const ClusterNodeRow &rowOf(const std::vector<ClusterNodeRow> &rows, const QString &id)
{
    static const ClusterNodeRow none;
    for (const ClusterNodeRow &r : rows) {
        if (r.id == id)
            return r;
    }
    return none;
}

} // namespace

class TestClusterModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void a_status_document_decodes_into_nodes_versions_coordinator_and_the_running_restart()
    {
        const ClusterStatus s = decodeClusterStatus(threeNodes(), kNow);
        QCOMPARE(s.cluster, QStringLiteral("prod"));
        QVERIFY(s.etcdOk);
        QCOMPARE(s.coordinator, QStringLiteral("n0"));
        QCOMPARE(s.nodes.size(), std::size_t(3));
        QCOMPARE(s.nodes[0].url, QStringLiteral("http://127.0.0.1:8081"));
        QCOMPARE(s.nodes[0].version, std::int64_t(2));
        QCOMPARE(s.nodes[0].step, QStringLiteral("done"));
        QCOMPARE(s.nodes[0].outcome, QStringLiteral("completed"));
        QCOMPARE(s.nodes[1].state, QStringLiteral("lost"));
        QCOMPARE(s.nodes[1].lastSeenAtMs, kNow - 7000);
        QCOMPARE(s.nodes[1].step, QStringLiteral("restarting"));
        QVERIFY(s.nodes[2].step.isEmpty());
        QVERIFY((s.versions == std::map<std::int64_t, int>{{2, 1}}));
        QVERIFY(s.hasRestart && s.restart.running);
        QCOMPARE(s.restart.strategy, QStringLiteral("rolling"));
    }

    void a_finished_restart_is_reported_without_steps_on_the_bands()
    {
        QJsonObject doc = threeNodes();
        QJsonObject last = doc.value(QStringLiteral("restart")).toObject();
        last.insert(QStringLiteral("state"), QStringLiteral("failed"));
        last.insert(QStringLiteral("reason"), QStringLiteral("node n1 is lost; the restart stops here"));
        doc.insert(QStringLiteral("restart"), QJsonValue());
        doc.insert(QStringLiteral("last_restart"), last);
        const ClusterStatus s = decodeClusterStatus(doc, kNow);
        QVERIFY(s.hasRestart && !s.restart.running);
        QCOMPARE(s.restart.reason, QStringLiteral("node n1 is lost; the restart stops here"));
        for (const ClusterNodeStatus &n : s.nodes)
            QVERIFY(n.step.isEmpty());
    }

    void a_lockstep_restart_past_its_commit_mark_or_rolling_back_still_runs_data()
    {
        QTest::addColumn<QString>("state");
        QTest::newRow("committed") << QStringLiteral("committed");
        QTest::newRow("rolling back") << QStringLiteral("rolling_back");
    }
    void a_lockstep_restart_past_its_commit_mark_or_rolling_back_still_runs()
    {
        QFETCH(QString, state);
        QJsonObject doc = threeNodes();
        QJsonObject current = doc.value(QStringLiteral("restart")).toObject();
        current.insert(QStringLiteral("strategy"), QStringLiteral("lockstep"));
        current.insert(QStringLiteral("state"), state);
        current.insert(QStringLiteral("created_ms"), 1796218255210.0);
        current.insert(QStringLiteral("accepted_by"), QStringLiteral("n2"));
        doc.insert(QStringLiteral("restart"), current);
        const ClusterStatus s = decodeClusterStatus(doc, kNow);
        QVERIFY(s.hasRestart && s.restart.running); // Restart All stays off, the header says it runs
        QCOMPARE(s.restart.state, state);
        QCOMPARE(s.restart.createdMs, std::int64_t(1796218255210));
        QCOMPARE(s.restart.acceptedBy, QStringLiteral("n2"));
    }

    void lost_and_left_nodes_keep_their_rows_with_the_instant_they_were_last_seen()
    {
        std::vector<ClusterNodeRow> rows;
        foldStatus(rows, decodeClusterStatus(threeNodes(), kNow), kNow);
        QCOMPARE(rows.size(), std::size_t(3));
        QVERIFY(rowOf(rows, QStringLiteral("n0")).up());
        QVERIFY(rowOf(rows, QStringLiteral("n0")).coordinator);
        QCOMPARE(rowOf(rows, QStringLiteral("n1")).state, QStringLiteral("lost"));
        QCOMPARE(rowOf(rows, QStringLiteral("n1")).goneSinceMs, kNow - 7000);
        QVERIFY(!rowOf(rows, QStringLiteral("n1")).ready);
        QCOMPARE(rowOf(rows, QStringLiteral("n2")).state, QStringLiteral("left"));
        QCOMPARE(rowOf(rows, QStringLiteral("n2")).goneSinceMs, kNow - 3000);

        // Later reads do not move "since" while the node stays lost.
        foldStatus(rows, decodeClusterStatus(threeNodes(), kNow + 5000), kNow + 5000);
        QCOMPARE(rowOf(rows, QStringLiteral("n1")).goneSinceMs, kNow - 7000);
    }

    void a_node_that_comes_back_is_up_again_and_loses_its_since()
    {
        std::vector<ClusterNodeRow> rows;
        foldStatus(rows, decodeClusterStatus(threeNodes(), kNow), kNow);
        QJsonObject doc = threeNodes();
        doc.insert(QStringLiteral("nodes"), QJsonArray{node("n0", 8081, 2, "up", true, 0), node("n1", 8082, 1, "up", false, 10),
                                                      node("n2", 8083, 1, "left", false, 3000)});
        foldStatus(rows, decodeClusterStatus(doc, kNow + 9000), kNow + 9000);
        QVERIFY(rowOf(rows, QStringLiteral("n1")).up());
        QCOMPARE(rowOf(rows, QStringLiteral("n1")).goneSinceMs, std::int64_t(0));
    }

    void etcd_members_add_nodes_and_a_node_known_to_neither_is_shown_lost_not_dropped()
    {
        std::vector<ClusterNodeRow> rows;
        const ClusterStatus status = decodeClusterStatus(threeNodes(), kNow);
        foldStatus(rows, status, kNow);
        const std::vector<ClusterMember> members{{QStringLiteral("n0"), QStringLiteral("http://127.0.0.1:8081"), 4},
                                                 {QStringLiteral("n3"), QStringLiteral("http://127.0.0.1:8084"), 8}};
        foldMembers(rows, members, status, kNow);
        QCOMPARE(rows.size(), std::size_t(4));
        QVERIFY(rowOf(rows, QStringLiteral("n3")).up());
        QCOMPARE(rowOf(rows, QStringLiteral("n3")).shards, 8);
        QCOMPARE(rows.back().id, QStringLiteral("n3")); // rows stay in id order

        // n3 vanishes from etcd before any node's status listed it.
        foldMembers(rows, {members[0]}, status, kNow + 2000);
        QCOMPARE(rowOf(rows, QStringLiteral("n3")).state, QStringLiteral("lost"));
        QCOMPARE(rowOf(rows, QStringLiteral("n3")).goneSinceMs, kNow + 2000);
    }

    void etcd_range_replies_decode_into_members_and_the_range_covers_the_prefix()
    {
        const QByteArray prefix("/shardscope/prod/members/");
        const QByteArray value = QJsonDocument(QJsonObject{{QStringLiteral("url"), QStringLiteral("http://127.0.0.1:8081")},
                                                           {QStringLiteral("shards"), 4}}).toJson(QJsonDocument::Compact);
        const QJsonObject reply{{QStringLiteral("kvs"), QJsonArray{QJsonObject{
                                    {QStringLiteral("key"), QString::fromLatin1(QByteArray(prefix + "n0").toBase64())},
                                    {QStringLiteral("value"), QString::fromLatin1(value.toBase64())}}}}};
        const auto members = decodeEtcdMembers(reply, prefix);
        QCOMPARE(members.size(), std::size_t(1));
        QCOMPARE(members[0].id, QStringLiteral("n0"));
        QCOMPARE(members[0].url, QStringLiteral("http://127.0.0.1:8081"));
        QCOMPARE(members[0].shards, 4);
        QVERIFY(decodeEtcdMembers(QJsonObject{}, prefix).empty()); // no kvs field: no member
        const QJsonObject range = etcdPrefixRange(prefix);
        QCOMPARE(QByteArray::fromBase64(range.value(QStringLiteral("range_end")).toString().toLatin1()),
                 QByteArray("/shardscope/prod/members0"));
    }

    void the_model_counts_only_nodes_up_for_versions_shards_and_the_restart_button()
    {
        ClusterClient client(QUrl(QStringLiteral("http://127.0.0.1:1")), QStringLiteral("prod"), {});
        ClusterModel model(client);
        QSignalSpy added(&model, &ClusterModel::nodeAdded);
        model.applyStatus(decodeClusterStatus(threeNodes(), kNow), kNow);
        QCOMPARE(added.size(), 3);
        QCOMPARE(model.nodesUp(), 1);
        QCOMPARE(model.shardsUp(), 4);
        QVERIFY((model.versions() == std::map<std::int64_t, int>{{2, 1}}));
        QCOMPARE(model.coordinator(), QStringLiteral("n0"));
        QVERIFY(model.restartRunning());
        QVERIFY(model.shardsOf(QStringLiteral("n0")) == nullptr); // not started: nothing followed
        model.applyStatus(decodeClusterStatus(threeNodes(), kNow + 500), kNow + 500);
        QCOMPARE(added.size(), 3); // known nodes are not added twice
    }

    void with_no_fresh_status_a_node_gone_from_etcd_is_shown_lost()
    {
        ClusterClient client(QUrl(QStringLiteral("http://127.0.0.1:1")), QStringLiteral("prod"), {});
        ClusterModel model(client);
        model.applyStatus(decodeClusterStatus(threeNodes(), kNow), kNow);
        model.applyMembers({}, kNow + 500); // the status still vouches for n0
        QVERIFY(model.node(QStringLiteral("n0"))->up());
        // Every node down: no status comes any more and etcd lists nobody.
        model.applyMembers({}, kNow + ClusterModel::kStatusStaleMs + 1);
        QCOMPARE(model.node(QStringLiteral("n0"))->state, QStringLiteral("lost"));
        QCOMPARE(model.node(QStringLiteral("n0"))->goneSinceMs, kNow + ClusterModel::kStatusStaleMs + 1);
        QCOMPARE(model.nodesUp(), 0);
        QCOMPARE(model.node(QStringLiteral("n2"))->state, QStringLiteral("left")); // gone rows keep what they were
    }
};

QTEST_GUILESS_MAIN(TestClusterModel)
#include "tst_clustermodel.moc"
