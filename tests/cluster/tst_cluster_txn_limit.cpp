// etcd takes at most --max-txn-ops operations in one transaction (128 by default). A
// restart ends in one transaction over its nodes and a lockstep commit pins every vote and
// lease in one, so a restart that could not end must be refused at the start, in words,
// never left running. Here etcd takes 8: four nodes fit a rolling restart (4 + 4), not a
// lockstep one (2 x 4 + 2); three fit a lockstep one exactly.
#include "tests/cluster/RollingSupport.h"

#include <QJsonArray>

using namespace shardscope;
using namespace shardscope::test;

namespace {

constexpr int kMaxTxnOps = 8;
constexpr int kNodes = 4;
const QString kCluster = QStringLiteral("txn");

// A transaction of `compares` always-true compares straight to etcd's JSON gateway.
QJsonObject compareTxn(const EtcdProcess &etcd, int compares)
{
    QJsonArray list;
    for (int i = 0; i < compares; ++i)
        list.append(QJsonObject{{QStringLiteral("key"), QString::fromLatin1(QByteArray("/txn-probe").toBase64())},
                                {QStringLiteral("target"), QStringLiteral("VERSION")}, {QStringLiteral("result"), QStringLiteral("EQUAL")},
                                {QStringLiteral("version"), QStringLiteral("0")}});
    return etcd.call("/v3/kv/txn", QJsonObject{{QStringLiteral("compare"), list}});
}

} // namespace

class TestClusterTxnLimit : public QObject
{
    Q_OBJECT
private:
    EtcdProcess m_etcd;
    Nodes m_nodes;
    double m_before = 0;

private Q_SLOTS:
    void initTestCase()
    {
        m_etcd.addArguments({QStringLiteral("--max-txn-ops"), QString::number(kMaxTxnOps)});
        QString error;
        QVERIFY2(m_etcd.start(&error), qPrintable(error));
        m_nodes = startNodes(m_etcd, kCluster, kNodes, 1, {QStringLiteral("--etcd-max-txn-ops"), QString::number(kMaxTxnOps)});
        for (const auto &n : m_nodes)
            QVERIFY2(n->port != 0, qPrintable(n->logText));
        QTRY_VERIFY_WITH_TIMEOUT(formed(m_nodes), 15000);
        m_before = versionOf(*m_nodes[0]);
        QVERIFY(allOn(m_nodes, m_before));
    }

    // The premise: this etcd takes a transaction of 8 compares and refuses one of 9.
    void etcd_refuses_a_transaction_over_its_limit()
    {
        QVERIFY(!compareTxn(m_etcd, kMaxTxnOps).isEmpty());
        QVERIFY(compareTxn(m_etcd, kMaxTxnOps + 1).isEmpty());
    }

    void a_lockstep_restart_it_could_not_commit_is_refused_in_words()
    {
        HttpTestClient admin("127.0.0.1", m_nodes[1]->port);
        const auto r = admin.post("/v1/cluster/restart", R"({"strategy":"lockstep"})");
        QCOMPARE(r.status, 400);
        const QString message = r.json().value(QStringLiteral("message")).toString();
        QVERIFY2(message.contains(QStringLiteral("a lockstep restart of 4 nodes needs an etcd transaction of 10 operations and etcd "
                                                 "takes at most 8")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("use a rolling restart")), qPrintable(message));
        // Nothing started and nothing changed.
        QVERIFY(m_nodes[0]->clusterStatus().value(QStringLiteral("restart")).toObject().isEmpty());
        QVERIFY(allOn(m_nodes, m_before));
    }

    // Four nodes need exactly eight operations at the end: the rolling restart ends, and
    // ends completed (an undercount would leave it running forever, refused by etcd).
    void a_rolling_restart_that_fits_ends_completed()
    {
        HttpTestClient admin("127.0.0.1", m_nodes[2]->port);
        const auto r = admin.post("/v1/cluster/restart", R"({"strategy":"rolling","grace_ms":0,"settle_ms":0})");
        QCOMPARE(r.status, 202);
        const double id = restartIdOf(r);
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*m_nodes[0], id).isEmpty(), 30000);
        QCOMPARE(finishedRestart(*m_nodes[0], id).value(QStringLiteral("state")).toString(), QStringLiteral("completed"));
        QVERIFY(allOn(m_nodes, m_before + 1));
        QVERIFY(m_nodes[0]->clusterStatus().value(QStringLiteral("restart")).toObject().isEmpty());
    }

    // Three nodes need exactly eight for the lockstep commit (2 x 3 + 2): with one node
    // gone, the lockstep restart is taken, commits and ends completed.
    void a_lockstep_restart_that_fits_commits()
    {
        m_nodes[3]->process->terminate(); // leaves the cluster: its member key goes
        QVERIFY(m_nodes[3]->process->waitForFinished(10000));
        QTRY_VERIFY_WITH_TIMEOUT(stateOf(*m_nodes[0], QStringLiteral("n3")) != QLatin1String("up"), 10000);
        QVERIFY2(stateOf(*m_nodes[0], QStringLiteral("n3")) != QLatin1String("lost"), "a clean exit must not read as lost");
        m_nodes.pop_back();
        HttpTestClient admin("127.0.0.1", m_nodes[0]->port);
        const auto r = admin.post("/v1/cluster/restart", R"({"strategy":"lockstep"})");
        QVERIFY2(r.status == 202, r.body.constData());
        const double id = restartIdOf(r);
        QTRY_VERIFY_WITH_TIMEOUT(!finishedRestart(*m_nodes[0], id).isEmpty(), 30000);
        QCOMPARE(finishedRestart(*m_nodes[0], id).value(QStringLiteral("state")).toString(), QStringLiteral("completed"));
        QVERIFY(allOn(m_nodes, m_before + 2));
    }
};

QTEST_GUILESS_MAIN(TestClusterTxnLimit)
#include "tst_cluster_txn_limit.moc"
