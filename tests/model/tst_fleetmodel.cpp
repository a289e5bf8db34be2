// The fleet table over a ClusterModel fed with recorded statuses (no etcd, no nodes) and
// recorded shard rows: natural id order, state in words, severity sort, `/` filter, "only
// unhealthy or skewed", rates from the shard counters, and dashes where no figure exists.
#include "model/client/ClusterClient.h"
#include "model/client/ClusterStatus.h"
#include "model/cluster/ClusterModel.h"
#include "model/fleet/FleetFilterProxy.h"
#include "model/fleet/FleetModel.h"
#include "model/fleet/FleetSummary.h"
#include "model/cluster/NaturalOrder.h"
#include "model/shards/ShardTableModel.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QSignalSpy>
#include <QTest>

using namespace shardscope;

namespace {

constexpr std::int64_t kNow = 1'760'000'000'000;

ClusterNodeStatus up(const QString &id, std::int64_t version, bool ready = true)
{
    ClusterNodeStatus n;
    n.id = id;
    n.url = QStringLiteral("http://127.0.0.1:%1").arg(9000 + id.mid(1).toInt());
    n.shards = 4;
    n.version = version;
    n.ready = ready;
    n.phase = QStringLiteral("serving");
    n.state = QStringLiteral("up");
    return n;
}

ClusterNodeStatus with(ClusterNodeStatus n, const char *field, const QString &value)
{
    const QLatin1String f(field);
    if (f == QLatin1String("state"))
        n.state = value;
    else if (f == QLatin1String("phase"))
        n.phase = value;
    else if (f == QLatin1String("step"))
        n.step = value;
    return n;
}

ClusterStatus statusOf(std::vector<ClusterNodeStatus> nodes)
{
    ClusterStatus s;
    s.cluster = QStringLiteral("prod");
    s.reportedBy = nodes.front().id;
    s.etcdOk = true;
    s.coordinator = nodes.front().id;
    for (ClusterNodeStatus &n : nodes) {
        n.coordinator = n.id == s.coordinator;
        if (n.state == QLatin1String("up"))
            ++s.versions[n.version];
    }
    s.nodes = std::move(nodes);
    return s;
}

std::vector<ShardRow> shardRows(int count, quint64 processed = 0, quint64 failed = 0)
{
    std::vector<ShardRow> rows(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) {
        rows[std::size_t(i)].id = i;
        rows[std::size_t(i)].version = 2;
        rows[std::size_t(i)].processed = processed;
        rows[std::size_t(i)].failed = failed;
    }
    return rows;
}

} // namespace

class TestFleetModel : public QObject
{
    Q_OBJECT
    ClusterClient m_client{QUrl(QStringLiteral("http://127.0.0.1:1")), QStringLiteral("prod"), QByteArray()};
    std::unique_ptr<ClusterModel> m_cluster;
    std::unique_ptr<FleetModel> m_fleet;
    std::unique_ptr<FleetFilterProxy> m_proxy;
    std::int64_t m_clock = kNow;

    QStringList idsIn(const QAbstractItemModel &m) const
    {
        QStringList ids;
        for (int r = 0; r < m.rowCount(); ++r)
            ids << m.index(r, 0).data(FleetModel::NodeIdRole).toString();
        return ids;
    }
    QString cell(const QString &id, int column) const
    {
        return m_fleet->index(m_fleet->rowOf(id), column).data().toString();
    }

private Q_SLOTS:
    void init()
    {
        m_clock = kNow;
        m_cluster = std::make_unique<ClusterModel>(m_client);
        m_fleet = std::make_unique<FleetModel>(*m_cluster, [this] { return m_clock; });
        m_proxy = std::make_unique<FleetFilterProxy>();
        m_proxy->setSourceModel(m_fleet.get());
        m_proxy->sort(0);
        new QAbstractItemModelTester(m_fleet.get(), QAbstractItemModelTester::FailureReportingMode::QtTest, m_fleet.get());
        new QAbstractItemModelTester(m_proxy.get(), QAbstractItemModelTester::FailureReportingMode::QtTest, m_proxy.get());
    }

    void cleanup()
    {
        m_proxy.reset();
        m_fleet.reset();
        m_cluster.reset();
    }

    void node_ids_order_as_an_operator_counts_them()
    {
        QVERIFY(naturalLess(QStringLiteral("n2"), QStringLiteral("n10")));
        QVERIFY(!naturalLess(QStringLiteral("n10"), QStringLiteral("n2")));
        QVERIFY(naturalLess(QStringLiteral("n9"), QStringLiteral("n10")));
        QVERIFY(naturalLess(QStringLiteral("a7"), QStringLiteral("n1")));
        QVERIFY(naturalLess(QStringLiteral("n1"), QStringLiteral("n1b")));
        QVERIFY(naturalLess(QStringLiteral("n02"), QStringLiteral("n2")) != naturalLess(QStringLiteral("n2"), QStringLiteral("n02")));

        m_cluster->applyStatus(statusOf({up(QStringLiteral("n10"), 2), up(QStringLiteral("n2"), 2), up(QStringLiteral("n0"), 2)}), kNow);
        std::vector<ClusterMember> members;
        for (const char *id : {"n0", "n1", "n2", "n10", "n11", "n20", "n3"})
            members.push_back({QLatin1String(id), QStringLiteral("http://127.0.0.1:1"), 4});
        m_cluster->applyMembers(members, kNow);
        const QStringList natural{QStringLiteral("n0"), QStringLiteral("n1"), QStringLiteral("n2"), QStringLiteral("n3"),
                                  QStringLiteral("n10"), QStringLiteral("n11"), QStringLiteral("n20")};
        QCOMPARE(idsIn(*m_fleet), natural);
        QCOMPARE(idsIn(*m_proxy), natural);
    }

    void every_state_reads_in_words_and_sorts_by_severity_most_urgent_first()
    {
        m_cluster->applyStatus(statusOf({up(QStringLiteral("n0"), 2), with(up(QStringLiteral("n1"), 2), "state", QStringLiteral("lost")),
                                         up(QStringLiteral("n2"), 2, false), with(up(QStringLiteral("n3"), 2), "phase", QStringLiteral("stopped")),
                                         with(up(QStringLiteral("n4"), 2, false), "step", QStringLiteral("unready")),
                                         with(up(QStringLiteral("n5"), 2, false), "step", QStringLiteral("settling")),
                                         up(QStringLiteral("n6"), 1), with(up(QStringLiteral("n7"), 2), "state", QStringLiteral("left")),
                                         up(QStringLiteral("n8"), 2), up(QStringLiteral("n9"), 2)}),
                               kNow);
        ShardTableModel unreachable;
        unreachable.applyRows(shardRows(4));
        m_fleet->setRecordedShards(QStringLiteral("n8"), &unreachable, false);
        QCOMPARE(cell(QStringLiteral("n0"), FleetModel::StateColumn), QStringLiteral("ready"));
        QVERIFY2(cell(QStringLiteral("n1"), FleetModel::StateColumn).startsWith(QStringLiteral("lost since ")), qPrintable(cell(QStringLiteral("n1"), 1)));
        QCOMPARE(cell(QStringLiteral("n2"), FleetModel::StateColumn), QStringLiteral("not ready"));
        QCOMPARE(cell(QStringLiteral("n3"), FleetModel::StateColumn), QStringLiteral("stopped"));
        QCOMPARE(cell(QStringLiteral("n4"), FleetModel::StateColumn), QStringLiteral("out of balancer"));
        QCOMPARE(cell(QStringLiteral("n5"), FleetModel::StateColumn), QStringLiteral("restart: settling"));
        QCOMPARE(cell(QStringLiteral("n6"), FleetModel::StateColumn), QStringLiteral("ready")); // ready, but behind
        QVERIFY(cell(QStringLiteral("n7"), FleetModel::StateColumn).startsWith(QStringLiteral("left since ")));
        QCOMPARE(cell(QStringLiteral("n8"), FleetModel::StateColumn), QStringLiteral("not reachable"));
        QCOMPARE(cell(QStringLiteral("n0"), FleetModel::CoordinatorColumn), QStringLiteral("\u2605"));
        QCOMPARE(cell(QStringLiteral("n2"), FleetModel::CoordinatorColumn), QString());
        QVERIFY(m_fleet->index(m_fleet->rowOf(QStringLiteral("n6")), 0).data(FleetModel::SkewedRole).toBool());
        QVERIFY(!m_fleet->index(m_fleet->rowOf(QStringLiteral("n0")), 0).data(FleetModel::SkewedRole).toBool());

        m_proxy->sortBySeverity();
        QCOMPARE(idsIn(*m_proxy), QStringList({QStringLiteral("n1"), QStringLiteral("n8"), QStringLiteral("n3"), QStringLiteral("n2"),
                                               QStringLiteral("n6"), QStringLiteral("n4"), QStringLiteral("n5"), QStringLiteral("n0"),
                                               QStringLiteral("n7"), QStringLiteral("n9")}));
        // Back to a column: ids again, and a column sort that ties falls back to natural order.
        m_proxy->sort(FleetModel::VersionColumn, Qt::AscendingOrder);
        QCOMPARE(idsIn(*m_proxy).first(), QStringLiteral("n6"));
        QCOMPARE(idsIn(*m_proxy).mid(1, 3), QStringList({QStringLiteral("n0"), QStringLiteral("n1"), QStringLiteral("n2")}));
        m_proxy->sort(0);
        QCOMPARE(idsIn(*m_proxy).first(), QStringLiteral("n0"));
        QCOMPARE(idsIn(*m_proxy).last(), QStringLiteral("n9"));
    }

    void the_text_filter_matches_id_state_and_version_and_unhealthy_only_keeps_the_rest_out()
    {
        m_cluster->applyStatus(statusOf({up(QStringLiteral("n0"), 3), up(QStringLiteral("n1"), 3), up(QStringLiteral("n2"), 3),
                                         with(up(QStringLiteral("n10"), 3), "state", QStringLiteral("lost")), up(QStringLiteral("n12"), 2)}),
                               kNow);
        m_proxy->setText(QStringLiteral("n1"));
        QCOMPARE(idsIn(*m_proxy), QStringList({QStringLiteral("n1"), QStringLiteral("n10"), QStringLiteral("n12")}));
        m_proxy->setText(QStringLiteral("LOST"));
        QCOMPARE(idsIn(*m_proxy), QStringList({QStringLiteral("n10")}));
        m_proxy->setText(QStringLiteral("v2"));
        QCOMPARE(idsIn(*m_proxy), QStringList({QStringLiteral("n12")}));
        m_proxy->setText(QStringLiteral("n1 ready")); // every word must match
        QCOMPARE(idsIn(*m_proxy), QStringList({QStringLiteral("n1"), QStringLiteral("n12")}));
        m_proxy->setText(QString());
        m_proxy->setOnlyUnhealthy(true);
        QCOMPARE(idsIn(*m_proxy), QStringList({QStringLiteral("n10"), QStringLiteral("n12")})); // lost, behind

        // A shard that is skewed makes its node count, on the same version.
        ShardTableModel n0;
        std::vector<ShardRow> rows = shardRows(4);
        rows[2].queueSkew = true;
        n0.applyRows(rows);
        m_fleet->setRecordedShards(QStringLiteral("n0"), &n0);
        QCOMPARE(idsIn(*m_proxy), QStringList({QStringLiteral("n0"), QStringLiteral("n10"), QStringLiteral("n12")}));
        rows[2].queueSkew = false;
        n0.applyRows(rows); // the recorded rows' own signal refreshes the node
        QCOMPARE(idsIn(*m_proxy), QStringList({QStringLiteral("n10"), QStringLiteral("n12")}));
        m_proxy->setOnlyUnhealthy(false);
        QCOMPARE(m_proxy->rowCount(), 5);
    }

    void figures_come_from_the_shard_rows_and_are_a_dash_where_none_exists()
    {
        m_cluster->applyStatus(statusOf({up(QStringLiteral("n0"), 2), up(QStringLiteral("n1"), 2)}), kNow);
        for (int c : {FleetModel::RequestsColumn, FleetModel::ErrorsColumn, FleetModel::P99Column, FleetModel::QueueColumn})
            QCOMPARE(cell(QStringLiteral("n1"), c), QStringLiteral("-")); // no shard rows: nothing known
        QCOMPARE(cell(QStringLiteral("n1"), FleetModel::ShardsColumn), QStringLiteral("4")); // as etcd lists it

        ShardTableModel n0;
        std::vector<ShardRow> rows = shardRows(4, 100, 10);
        rows[1].queueDepth = 5;
        rows[3].queueDepth = 2;
        rows[0].latency[0] = {400, 1200, 50};
        rows[2].latency[0] = {900, 3500, 20};
        n0.applyRows(rows);
        m_fleet->setRecordedShards(QStringLiteral("n0"), &n0);
        QCOMPARE(cell(QStringLiteral("n0"), FleetModel::QueueColumn), QStringLiteral("7"));
        QCOMPARE(cell(QStringLiteral("n0"), FleetModel::P99Column), QStringLiteral("3.50 ms")); // the worst shard's
        QCOMPARE(cell(QStringLiteral("n0"), FleetModel::RequestsColumn), QStringLiteral("-")); // one reading only

        m_clock += 500;
        for (ShardRow &r : rows)
            r.processed += 50;
        n0.applyRows(rows);
        QCOMPARE(cell(QStringLiteral("n0"), FleetModel::RequestsColumn), QStringLiteral("-")); // under a second apart

        m_clock += 1500; // 2 s after the first reading: 4 x 150 requests, 0 more errors
        for (ShardRow &r : rows)
            r.processed += 100;
        n0.applyRows(rows);
        QCOMPARE(cell(QStringLiteral("n0"), FleetModel::RequestsColumn), QStringLiteral("300"));
        QCOMPARE(cell(QStringLiteral("n0"), FleetModel::ErrorsColumn), QStringLiteral("0"));

        m_clock += 1000;
        for (ShardRow &r : rows) {
            r.processed += 10;
            r.failed += 1;
        }
        n0.applyRows(rows);
        QCOMPARE(cell(QStringLiteral("n0"), FleetModel::RequestsColumn), QStringLiteral("40.0"));
        QCOMPARE(cell(QStringLiteral("n0"), FleetModel::ErrorsColumn), QStringLiteral("4.0"));

        // Out of reach: the last figures are not the node's figures now.
        m_fleet->setRecordedShards(QStringLiteral("n0"), &n0, false);
        for (int c : {FleetModel::RequestsColumn, FleetModel::ErrorsColumn, FleetModel::P99Column, FleetModel::QueueColumn})
            QCOMPARE(cell(QStringLiteral("n0"), c), QStringLiteral("-"));
    }

    void versions_apart_are_no_skew_while_a_cluster_restart_moves_them()
    {
        ClusterStatus s = statusOf({up(QStringLiteral("n0"), 3), up(QStringLiteral("n1"), 2), up(QStringLiteral("n2"), 2)});
        s.hasRestart = true;
        s.restart.running = true;
        s.restart.state = QStringLiteral("running");
        m_cluster->applyStatus(s, kNow);
        for (int r = 0; r < 3; ++r)
            QVERIFY(!m_fleet->index(r, 0).data(FleetModel::SkewedRole).toBool());
        s.restart.running = false; // it ended with the nodes apart: now that is skew
        s.restart.state = QStringLiteral("failed");
        m_cluster->applyStatus(s, kNow + 1000);
        QVERIFY(m_fleet->index(m_fleet->rowOf(QStringLiteral("n0")), 0).data(FleetModel::SkewedRole).toBool());
        QVERIFY(!m_fleet->index(m_fleet->rowOf(QStringLiteral("n1")), 0).data(FleetModel::SkewedRole).toBool());
    }

    void a_stopped_node_and_a_killed_one_read_apart_when_lost_or_not_reachable()
    {
        ShardTableModel shards;
        ClusterNodeRow node;
        node.id = QStringLiteral("n9");
        node.version = 2;
        node.ready = true;
        const QString silent = unreachableText(ConnectionStatus{false, 0, {}, false, LossCause::Timeout});
        const QString refused = unreachableText(ConnectionStatus{false, 0, {}, false, LossCause::Refused});
        QCOMPARE(summarise(node, &shards, false, {}, silent).stateText, QStringLiteral("not reachable: no answer"));
        QCOMPARE(summarise(node, &shards, false, {}, refused).stateText, QStringLiteral("not reachable: refused"));
        QCOMPARE(summarise(node, &shards, false, {}).stateText, QStringLiteral("not reachable"));
        node.state = QStringLiteral("lost");
        node.goneSinceMs = QDateTime(QDate(2026, 12, 7), QTime(12, 47, 34)).toMSecsSinceEpoch();
        QCOMPARE(summarise(node, &shards, false, {}, silent).stateText, QStringLiteral("lost since 12:47:34, no answer"));
        QCOMPARE(summarise(node, &shards, false, {}, refused).stateText, QStringLiteral("lost since 12:47:34, refused"));
        QCOMPARE(summarise(node, &shards, false, {}).stateText, QStringLiteral("lost since 12:47:34"));
        node.state = QStringLiteral("left"); // said goodbye: how the link failed adds nothing
        QCOMPARE(summarise(node, &shards, false, {}, refused).stateText, QStringLiteral("left since 12:47:34"));
    }

    void a_node_change_signals_only_its_own_row()
    {
        m_cluster->applyStatus(statusOf({up(QStringLiteral("n0"), 2), up(QStringLiteral("n1"), 2), up(QStringLiteral("n2"), 2)}), kNow);
        ShardTableModel n1;
        n1.applyRows(shardRows(4));
        m_fleet->setRecordedShards(QStringLiteral("n1"), &n1);
        QSignalSpy changed(m_fleet.get(), &QAbstractItemModel::dataChanged);
        QSignalSpy strips(m_fleet.get(), &FleetModel::shardsChanged);
        std::vector<ShardRow> rows = shardRows(4);
        rows[3].queueDepth = 9;
        n1.applyRows(rows);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).value<QModelIndex>().row(), m_fleet->rowOf(QStringLiteral("n1")));
        QCOMPARE(changed.at(0).at(1).value<QModelIndex>().row(), m_fleet->rowOf(QStringLiteral("n1")));
        QVERIFY(strips.count() >= 1);
        QCOMPARE(strips.last().at(0).toString(), QStringLiteral("n1"));
    }
};

QTEST_MAIN(TestFleetModel)
#include "tst_fleetmodel.moc"
