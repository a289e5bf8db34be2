// The gate after each node of a rolling restart: a pure judge of one node's figures
// against its own before its restart and the nodes not yet restarted.
#include "backend/cluster/GateJudge.h"

#include <QJsonDocument>
#include <QTest>

using namespace shardscope;

namespace {

GateFigures figures(std::int64_t requests, std::int64_t serverErrors, std::optional<double> p99, std::int64_t windowMs = 10000)
{
    GateFigures f;
    f.fromMs = 1000000;
    f.toMs = f.fromMs + windowMs - 1; // windows end before the next whole second
    f.coveredFromMs = f.fromMs;
    f.all = {requests, serverErrors, 0, p99};
    f.procedures[QStringLiteral("echo")] = f.all;
    return f;
}

WindowJudgement window(GateVerdict v)
{
    return {v, QStringLiteral("x"), QStringLiteral("window %1").arg(toString(v))};
}

} // namespace

class TestGateJudge : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fewer_requests_than_the_minimum_are_inconclusive_never_a_pass()
    {
        const auto j = judgeWindow(QStringLiteral("n1"), figures(12, 0, 1.0), figures(500, 0, 1.0), figures(900, 0, 1.0), {});
        QCOMPARE(toString(j.verdict), toString(GateVerdict::Inconclusive));
        QCOMPARE(j.check, QStringLiteral("requests"));
        QCOMPARE(j.reason, QStringLiteral("node n1: inconclusive: 12 requests in 10 s, fewer than 100"));
    }

    void a_success_rate_below_the_threshold_fails_with_its_figures()
    {
        const auto j = judgeWindow(QStringLiteral("n1"), figures(2310, 203, 3.0), figures(2000, 0, 3.0), figures(4000, 0, 3.0), {});
        QCOMPARE(toString(j.verdict), toString(GateVerdict::Failed));
        QCOMPARE(j.check, QStringLiteral("success_rate"));
        QCOMPARE(j.reason, QStringLiteral("node n1: success rate 91.2% (203 server errors in 2,310 requests), below 99.0%"));
    }

    void a_p99_above_the_absolute_limit_fails()
    {
        GateOptions o;
        o.p99Ratio = 1000;
        const auto j = judgeWindow(QStringLiteral("n1"), figures(2310, 0, 612), figures(2000, 0, 600), std::nullopt, o);
        QCOMPARE(toString(j.verdict), toString(GateVerdict::Failed));
        QCOMPARE(j.check, QStringLiteral("p99_max"));
        QVERIFY2(j.reason.startsWith(QStringLiteral("node n1: p99 612 ms against 600 ms before, over 2,310 requests, above the 500 ms limit")), qPrintable(j.reason));
    }

    void a_p99_above_ratio_times_the_concurrent_baseline_fails_naming_both_references()
    {
        const auto j = judgeWindow(QStringLiteral("n1"), figures(2310, 0, 48), figures(2000, 0, 12), figures(4000, 0, 11), {});
        QCOMPARE(toString(j.verdict), toString(GateVerdict::Failed));
        QCOMPARE(j.check, QStringLiteral("p99_ratio"));
        QVERIFY2(j.reason.startsWith(QStringLiteral("node n1: p99 48 ms against 12 ms before and 11 ms on the nodes not yet restarted, over 2,310 requests")),
                 qPrintable(j.reason));
        QVERIFY2(j.reason.contains(QStringLiteral("1.5 x 11 ms")), qPrintable(j.reason));
    }

    void the_baseline_is_the_reference_even_when_the_node_was_faster_before()
    {
        // 20 ms is above 1.5 x 2 + 5 (before) but not above 1.5 x 18 + 5 (the others now).
        const auto j = judgeWindow(QStringLiteral("n1"), figures(500, 0, 20), figures(500, 0, 2), figures(900, 0, 18), {});
        QCOMPARE(toString(j.verdict), toString(GateVerdict::Passed));
    }

    void without_a_big_enough_baseline_the_node_is_compared_with_itself_before()
    {
        const auto j = judgeWindow(QStringLiteral("n1"), figures(500, 0, 20), figures(500, 0, 2), figures(50, 0, 30), {});
        QCOMPARE(toString(j.verdict), toString(GateVerdict::Failed));
        QVERIFY2(j.reason.contains(QStringLiteral("its own before the restart")), qPrintable(j.reason));
    }

    void with_no_reference_the_p99_comparison_is_not_made_and_said_so()
    {
        const auto j = judgeWindow(QStringLiteral("n1"), figures(500, 0, 40), figures(10, 0, 2), std::nullopt, {});
        QCOMPARE(toString(j.verdict), toString(GateVerdict::Passed));
        QVERIFY2(j.reason.contains(QStringLiteral("p99 not compared")), qPrintable(j.reason));
    }

    void a_slow_procedure_fails_on_its_own_figures()
    {
        GateFigures after = figures(1000, 0, 5);
        after.procedures[QStringLiteral("khop")] = {400, 0, 0, 90.0};
        GateFigures base = figures(2000, 0, 5);
        base.procedures[QStringLiteral("khop")] = {800, 0, 0, 10.0};
        const auto j = judgeWindow(QStringLiteral("n2"), after, std::nullopt, base, {});
        QCOMPARE(toString(j.verdict), toString(GateVerdict::Failed));
        QCOMPARE(j.check, QStringLiteral("procedure khop: p99_ratio"));
        QVERIFY2(j.reason.startsWith(QStringLiteral("node n2, procedure khop: p99 90 ms against 10 ms on the nodes not yet restarted")), qPrintable(j.reason));
    }

    void a_baseline_sums_counts_and_takes_the_highest_p99()
    {
        const GateFigures sum = sumBaseline({figures(100, 1, 4), figures(300, 2, 9)});
        QCOMPARE(sum.all.requests, qint64(400));
        QCOMPARE(sum.all.serverErrors, qint64(3));
        QCOMPARE(sum.all.p99Ms.value(), 9.0);
        QVERIFY(sum.p99IsMax);
        QCOMPARE(GateFigures::fromJson(sum.toJson()).all.requests, qint64(400));
    }

    void quality_replies_are_read_with_null_p99_as_unknown()
    {
        const QJsonObject reply = QJsonDocument::fromJson(R"({"node":"n1","from_ms":10,"to_ms":20,"covered_from_ms":12,"requests":5,
            "server_errors":1,"client_errors":2,"success_rate":80.0,"p50_ms":null,"p99_ms":null,"versions":{"3":5},
            "procedures":{"echo":{"requests":5,"server_errors":1,"client_errors":2,"p99_ms":3.5}}})").object();
        const GateFigures f = GateFigures::fromQuality(reply);
        QCOMPARE(f.all.requests, qint64(5));
        QVERIFY(!f.all.p99Ms);
        QCOMPARE(f.coveredFromMs, qint64(12));
        QCOMPARE(f.procedures.at(QStringLiteral("echo")).p99Ms.value(), 3.5);
    }

    void a_gate_fails_when_more_windows_fail_than_allowed_and_not_before()
    {
        GateOptions o; // 3 checks, 1 failure allowed
        QVERIFY(!judgeGate({window(GateVerdict::Failed)}, o).decided);
        const auto j = judgeGate({window(GateVerdict::Failed), window(GateVerdict::Failed)}, o);
        QVERIFY(j.decided);
        QCOMPARE(toString(j.verdict), toString(GateVerdict::Failed));
        QCOMPARE(toString(judgeGate({window(GateVerdict::Failed), window(GateVerdict::Passed), window(GateVerdict::Passed)}, o).verdict), QStringLiteral("passed"));
    }

    void inconclusive_windows_stop_the_gate_or_let_it_proceed_but_never_pass_it()
    {
        GateOptions stop;
        stop.checks = 2;
        const auto s = judgeGate({window(GateVerdict::Inconclusive), window(GateVerdict::Inconclusive)}, stop);
        QVERIFY(s.decided);
        QCOMPARE(toString(s.verdict), toString(GateVerdict::Inconclusive));
        GateOptions proceed = stop;
        proceed.proceedWhenInconclusive = true;
        QVERIFY(!judgeGate({window(GateVerdict::Inconclusive)}, proceed).decided);
        const auto p = judgeGate({window(GateVerdict::Inconclusive), window(GateVerdict::Inconclusive)}, proceed);
        QVERIFY(p.decided);
        QCOMPARE(toString(p.verdict), toString(GateVerdict::Inconclusive));
        QCOMPARE(toString(judgeGate({window(GateVerdict::Inconclusive), window(GateVerdict::Passed)}, proceed).verdict), toString(GateVerdict::Passed));
    }

    void gate_options_default_parse_and_refuse_bad_values()
    {
        GateOptions o;
        bool enabled = false;
        QString error;
        QVERIFY(parseGateOptions(QJsonValue(true), &o, &enabled, &error));
        QVERIFY(enabled);
        QCOMPARE(o.analysisMs, 10000);
        QVERIFY(parseGateOptions(QJsonObject{{QStringLiteral("checks"), 1}}, &o, &enabled, &error));
        QCOMPARE(o.failedChecksAllowed, 0);
        QVERIFY(!parseGateOptions(QJsonObject{{QStringLiteral("checks"), 2}, {QStringLiteral("failed_checks_allowed"), 2}}, &o, &enabled, &error));
        QVERIFY(!parseGateOptions(QJsonObject{{QStringLiteral("success_rate"), 101}}, &o, &enabled, &error));
        QVERIFY(!parseGateOptions(QJsonObject{{QStringLiteral("inconclusive"), QStringLiteral("maybe")}}, &o, &enabled, &error));
        QVERIFY(!parseGateOptions(QJsonObject{{QStringLiteral("window"), 1}}, &o, &enabled, &error));
        QCOMPARE(error, QStringLiteral("unknown gate option 'window'"));
        QVERIFY(parseGateOptions(QJsonValue(QJsonValue::Undefined), &o, &enabled, &error));
        QVERIFY(!enabled);
    }
};

QTEST_GUILESS_MAIN(TestGateJudge)
#include "tst_gate_judge.moc"
