// How a rolling restart that a gate stopped ends: rolled_back only when every node is back
// on the version it started from and ready; otherwise failed, saying which node is where.
#include "backend/cluster/RollingOutcome.h"

#include <QJsonArray>
#include <QTest>

using namespace shardscope;

namespace {

QJsonObject stoppedByGate(const QString &n0Step)
{
    const QJsonArray nodes{QJsonObject{{QStringLiteral("id"), QStringLiteral("n0")}, {QStringLiteral("step"), n0Step},
                                       {QStringLiteral("start_version"), 3}, {QStringLiteral("from_version"), 3}},
                           QJsonObject{{QStringLiteral("id"), QStringLiteral("n1")}, {QStringLiteral("step"), QStringLiteral("waiting")},
                                       {QStringLiteral("start_version"), 3}}};
    return {{QStringLiteral("target_version"), 4}, {QStringLiteral("rollback"), true},
            {QStringLiteral("stop_reason"), QStringLiteral("gate failed: node n0: success rate 80.0% (20 server errors in 100 requests), below 99.0%")},
            {QStringLiteral("stop_state"), QStringLiteral("gate_failed")}, {QStringLiteral("nodes"), nodes}};
}

ClusterView where(std::int64_t n0Version, bool n0Ready)
{
    ClusterView view;
    view.nodes[QStringLiteral("n0")].version = n0Version;
    view.nodes[QStringLiteral("n0")].ready = n0Ready;
    view.nodes[QStringLiteral("n1")].version = 3;
    view.nodes[QStringLiteral("n1")].ready = true;
    return view;
}

} // namespace

class TestRollingOutcome : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void a_gate_stop_with_every_node_back_and_ready_is_rolled_back_with_the_failed_check()
    {
        const RollingEnd end = judgeRolling(stoppedByGate(QStringLiteral("reverted")), where(3, true));
        QCOMPARE(end.state, QStringLiteral("rolled_back"));
        QVERIFY2(end.reason.startsWith(QStringLiteral("gate failed: node n0: success rate 80.0%")), qPrintable(end.reason));
        QVERIFY2(end.reason.contains(QStringLiteral("every node is back on the version it started from")), qPrintable(end.reason));
    }

    void a_node_left_on_the_new_version_makes_it_failed_saying_where_it_is()
    {
        const RollingEnd end = judgeRolling(stoppedByGate(QStringLiteral("failed")), where(4, true));
        QCOMPARE(end.state, QStringLiteral("failed"));
        QVERIFY2(end.reason.contains(QStringLiteral("node n0 on v4, not back on v3")), qPrintable(end.reason));
    }

    void a_node_back_but_not_ready_is_not_rolled_back()
    {
        const RollingEnd end = judgeRolling(stoppedByGate(QStringLiteral("reverted")), where(3, false));
        QCOMPARE(end.state, QStringLiteral("failed"));
        QVERIFY2(end.reason.contains(QStringLiteral("node n0 back on v3 but not ready")), qPrintable(end.reason));
    }
};

QTEST_GUILESS_MAIN(TestRollingOutcome)
#include "tst_rolling_outcome.moc"
