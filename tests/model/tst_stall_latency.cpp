// Stalled shards and latency by procedure: what the console makes of a shard whose oldest
// request waits too long, and of the latency the service keeps per procedure.
#include "model/console/ServiceSummary.h"
#include "model/history/StateTimeline.h"
#include "backend/wire/JsonCodec.h"
#include "model/shards/ShardFilterProxy.h"
#include "model/shards/ShardTableModel.h"
#include "model/shards/SkewAnalysis.h"
#include "model/shards/StateStyle.h"
#include "model/workload/WorkloadScenario.h"
#include "ScriptedBackendClient.h"
#include "tests/backend/ServiceTestSupport.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace shardscope;

namespace {
constexpr int kEchoView = 1;  // latency views: 0 the work, then kLatencyProcedures in order
constexpr int kSleepView = 1 + kSleepProcedureSlot;

void apply(ShardTableModel &m, const ServiceSnapshot &s) { m.apply(s, analyseSkew(s.shards)); }

ServiceSnapshot withOldRequest(int shards, int shard, quint32 ageMs)
{
    ServiceSnapshot s = ScriptedBackendClient::uniform(shards, ShardState::Serving, 3, 1000);
    s.shards[std::size_t(shard)].inFlight = 1;
    s.shards[std::size_t(shard)].oldestInFlightMs = ageMs;
    return s;
}
} // namespace

class TestStallLatency : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aServingShardWithARequestPastTheThresholdIsDrawnStalled()
    {
        ShardTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.stallThresholdMs(), kDefaultStallThresholdMs);
        apply(model, withOldRequest(4, 2, 2500));
        const QModelIndex stalled = model.index(2);
        QVERIFY(stalled.data(ShardTableModel::StalledRole).toBool());
        QCOMPARE(stalled.data(ShardTableModel::StateRole).toInt(), kStalledStateIndex);
        QCOMPARE(stalled.data(ShardTableModel::StateNameRole).toString(), QStringLiteral("stalled"));
        QCOMPARE(stalled.data(ShardTableModel::ColourRole).value<QColor>(), stateColour(kStalledStateIndex));
        QVERIFY(stateColour(kStalledStateIndex) != stateColour(0));
        QCOMPARE(stalled.data(ShardTableModel::SeverityRole).toInt(), 5);
        QVERIFY(stalled.data(Qt::ToolTipRole).toString().contains(QStringLiteral("State: stalled")));
        QCOMPARE(model.index(1).data(ShardTableModel::StateNameRole).toString(), QStringLiteral("serving"));
    }

    void aRequestYoungerThanTheThresholdLeavesTheShardServing()
    {
        ShardTableModel model;
        apply(model, withOldRequest(4, 2, 1900));
        QVERIFY(!model.index(2).data(ShardTableModel::StalledRole).toBool());
        QCOMPARE(model.index(2).data(ShardTableModel::StateNameRole).toString(), QStringLiteral("serving"));
    }

    void theThresholdIsSettableAndJudgesTheRowsAtOnce()
    {
        ShardTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        apply(model, withOldRequest(4, 2, 2500));
        QVERIFY(model.index(2).data(ShardTableModel::StalledRole).toBool());
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setStallThresholdMs(5000);
        QVERIFY(!model.index(2).data(ShardTableModel::StalledRole).toBool());
        QVERIFY(!changed.isEmpty());
        model.setStallThresholdMs(1000);
        apply(model, withOldRequest(4, 2, 1500));
        QVERIFY(model.index(2).data(ShardTableModel::StalledRole).toBool());
    }

    void aShardWithoutALiveActorIsNeverStalled()
    {
        ShardTableModel model;
        ServiceSnapshot s = withOldRequest(4, 2, 9000);
        s.shards[2].state = ShardState::Canceled;
        apply(model, s);
        QVERIFY(!model.index(2).data(ShardTableModel::StalledRole).toBool());
        QCOMPARE(model.index(2).data(ShardTableModel::StateNameRole).toString(), QStringLiteral("canceled"));
    }

    void theFilterAndSeveritySortPutAStalledShardFirst()
    {
        ShardTableModel model;
        ShardFilterProxy proxy;
        proxy.setSourceModel(&model);
        proxy.setUnhealthyOnly(true);
        proxy.setSortKey(ShardFilterProxy::SortKey::Severity, Qt::DescendingOrder);
        ServiceSnapshot s = withOldRequest(8, 5, 4000);
        s.shards[1].queueDepth = 400; // a queue outlier: unhealthy, but less than a stall
        apply(model, s);
        QVERIFY(proxy.rowCount() >= 1);
        QCOMPARE(proxy.index(0, 0).data(ShardTableModel::IdRole).toInt(), 5);
    }

    void theHeaderCountsStalledShardsAndItsBannerNamesThem()
    {
        const ServiceSnapshot s = withOldRequest(16, 3, 12'400);
        const ServiceSummary sum = summarise(s, analyseSkew(s.shards), {3});
        QCOMPARE(sum.stateCounts[std::size_t(kStalledStateIndex)], 1);
        QCOMPARE(sum.stateCounts[0], 15);
        QCOMPARE(sum.condition, QStringLiteral("degraded"));
        QVERIFY2(sum.alert.startsWith(QStringLiteral("Shard 3 stalled: a request has been in flight for 12 s")), qPrintable(sum.alert));
    }

    void theServiceConditionSaysHowMuchOfItIsDown()
    {
        ServiceSnapshot s = ScriptedBackendClient::uniform(16, ShardState::Canceled, 3, 1000);
        s.shards[0].state = ShardState::Serving;
        QCOMPARE(summarise(s, analyseSkew(s.shards)).condition, QStringLiteral("mostly down"));
        s.shards[0].state = ShardState::Canceled;
        QCOMPARE(summarise(s, analyseSkew(s.shards)).condition, QStringLiteral("down"));
        s = ScriptedBackendClient::uniform(16, ShardState::Serving, 3, 1000);
        s.shards[7].state = ShardState::Failed;
        const ServiceSummary one = summarise(s, analyseSkew(s.shards));
        QCOMPARE(one.condition, QStringLiteral("degraded"));
        QCOMPARE(one.alert, QStringLiteral("1 of 16 failed (shard 7): requests routed to it get 503"));
    }

    void aTilesLatencyIsTheShardsWorkWithoutSleepAndDashWithoutSamples()
    {
        ShardTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        ServiceSnapshot s = ScriptedBackendClient::uniform(3, ShardState::Serving, 3, 1000);
        s.shards[0].latencyP99Us = 1'505'000; // every request, sleep included
        s.shards[0].workLatency = {400, 3200, 90};
        s.shards[0].procedureLatency[0] = {300, 900, 40};                     // echo
        s.shards[0].procedureLatency[std::size_t(kSleepProcedureSlot)] = {800'000, 1'505'000, 9};
        s.shards[2].state = ShardState::Canceled; // its last figures mean nothing now
        s.shards[2].workLatency = {400, 3200, 90};
        apply(model, s);
        QCOMPARE(model.index(0).data(ShardTableModel::LatencyTextRole).toString(), QStringLiteral("p99 3.20 ms"));
        QCOMPARE(model.index(1).data(ShardTableModel::LatencyTextRole).toString(), QStringLiteral("p99 -"));
        QCOMPARE(model.index(2).data(ShardTableModel::LatencyTextRole).toString(), QStringLiteral("p99 -"));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setLatencyView(kSleepView);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.index(0).data(ShardTableModel::LatencyTextRole).toString(), QStringLiteral("p99 1505 ms"));
        model.setLatencyView(kEchoView);
        QCOMPARE(model.index(0).data(ShardTableModel::LatencyTextRole).toString(), QStringLiteral("p99 0.90 ms"));
        QCOMPARE(model.index(0).data(ShardTableModel::ViewP50Role).toUInt(), 300u);
        QCOMPARE(ShardTableModel::latencyViewName(kEchoView), QStringLiteral("echo"));
    }

    void theServiceKeepsLatencyPerProcedureAndLeavesSleepOutOfTheWork()
    {
        auto service = servicetest::startService(servicetest::smallConfig(2));
        std::atomic<int> answered{0};
        auto send = [&](const QString &procedure, QJsonObject args) {
            QueryRequest r;
            r.procedure = procedure;
            r.args = std::move(args);
            r.pinnedShard = 0;
            service->submitQuery(std::move(r), [&answered](QueryReply reply) {
                QVERIFY2(reply.ok(), qPrintable(reply.error));
                answered.fetch_add(1);
            });
        };
        for (int i = 0; i < 5; ++i) {
            send(QStringLiteral("echo"), {{QStringLiteral("text"), QStringLiteral("x")}});
            send(QStringLiteral("sleep"), {{QStringLiteral("ms"), 120}});
        }
        QTRY_COMPARE_WITH_TIMEOUT(answered.load(), 10, 10000);
        // Percentiles are republished at most every 100 ms: wait for all samples to show.
        ShardSnapshot shard;
        QTRY_VERIFY_WITH_TIMEOUT((shard = service->snapshot().shards[0], shard.workLatency.samples > 0
                                  && shard.procedureLatency[std::size_t(kSleepProcedureSlot)].samples > 0), 5000);
        const LatencyFigures sleep = shard.procedureLatency[std::size_t(kSleepProcedureSlot)];
        const LatencyFigures echo = shard.procedureLatency[0];
        QVERIFY2(sleep.p50Us >= 120'000, qPrintable(QString::number(sleep.p50Us)));
        QVERIFY(echo.samples > 0);
        QVERIFY2(echo.p99Us < 120'000, qPrintable(QString::number(echo.p99Us)));
        QVERIFY2(shard.workLatency.p99Us < 120'000, qPrintable(QString::number(shard.workLatency.p99Us)));
        QCOMPARE(shard.procedureLatency[1].samples, 0u); // degree never ran
        QCOMPARE(service->snapshot().shards[1].workLatency.samples, 0u); // nor did anything on shard 1
    }

    void theTimelineCanShowOnlyChangedRowsWithTroubleFirstAndCountsPerState()
    {
        StateTimeline t;
        const int serving = int(ShardState::Serving);
        const int failed = int(ShardState::Failed);
        t.applyStates(1000, {serving, serving, serving, serving, serving});
        t.applyStates(1500, {serving, int(ShardState::Draining), serving, kStalledStateIndex, failed});
        t.applyStates(2000, {serving, serving, serving, kStalledStateIndex, failed});
        QCOMPARE(t.rowOrder(false, false), (std::vector<int>{0, 1, 2, 3, 4}));
        QCOMPARE(t.rowOrder(true, false), (std::vector<int>{1, 3, 4}));
        QCOMPARE(t.rowOrder(false, true), (std::vector<int>{3, 4, 0, 1, 2}));
        QCOMPARE(t.rowOrder(true, true), (std::vector<int>{3, 4, 1}));
        const std::vector<int> counts = t.currentCounts(kStateStyleCount);
        QCOMPARE(counts[std::size_t(serving)], 3);
        QCOMPARE(counts[std::size_t(kStalledStateIndex)], 1);
        QCOMPARE(counts[std::size_t(failed)], 1);
    }

    void latencyByProcedureCrossesTheWireForAnAttachedConsole()
    {
        ServiceSnapshot s = ScriptedBackendClient::uniform(2, ShardState::Serving, 3, 1000);
        s.shards[0].workLatency = {400, 3200, 90};
        s.shards[0].procedureLatency[std::size_t(kSleepProcedureSlot)] = {800'000, 1'505'000, 9};
        const QJsonObject json = toJson(s);
        const QJsonObject shard0 = json.value(QStringLiteral("shards")).toArray().at(0).toObject();
        QCOMPARE(shard0.value(QStringLiteral("work_latency")).toObject().value(QStringLiteral("p99_us")).toInt(), 3200);
        // Only procedures with samples are listed: 1024 idle shards cost nothing.
        QCOMPARE(shard0.value(QStringLiteral("latency_by_procedure")).toObject().keys(), QStringList{QStringLiteral("sleep")});
        const ServiceSnapshot back = snapshotFromJson(json);
        QCOMPARE(back.shards[0].workLatency, s.shards[0].workLatency);
        QCOMPARE(back.shards[0].procedureLatency, s.shards[0].procedureLatency);
        QCOMPARE(back.shards[1].workLatency.samples, 0u);
    }

    void theScenariosPinTheirShardsAndWrapAroundTheShardCount()
    {
        ScenarioPacer pacer;
        int hot = 0, slow = 0;
        for (int tick = 0; tick < 300; ++tick) // 3 s in 10 ms ticks
            for (const QueryRequest &r : pacer.due(WorkloadScenario::HotAndSlow, 16, 10, false)) {
                QVERIFY(r.pinnedShard == kHotShard || r.pinnedShard == kSlowShard);
                ++(r.pinnedShard == kHotShard ? hot : slow);
            }
        QVERIFY2(hot >= ScenarioPacer::kBurstSize, qPrintable(QString::number(hot)));
        QVERIFY2(slow >= 15 && slow <= 19, qPrintable(QString::number(slow)));
        ScenarioPacer stalled;
        const auto first = stalled.due(WorkloadScenario::StalledShard, 2, 10, false);
        QCOMPARE(first.size(), std::size_t(1));
        QVERIFY(isStallRequest(first.front()));
        QCOMPARE(first.front().pinnedShard, kStalledShard % 2);
        QVERIFY(stalled.due(WorkloadScenario::StalledShard, 2, 2000, true).empty()); // one at a time
        QVERIFY(ScenarioPacer().due(WorkloadScenario::Uniform, 16, 5000, false).empty());
        WorkloadScenario parsed{};
        QVERIFY(parseScenario(QStringLiteral("stalled"), parsed));
        QCOMPARE(parsed, WorkloadScenario::StalledShard);
        QVERIFY(!parseScenario(QStringLiteral("nonsense"), parsed));
    }
};

QTEST_GUILESS_MAIN(TestStallLatency)
#include "tst_stall_latency.moc"
