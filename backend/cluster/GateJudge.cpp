#include "backend/cluster/GateJudge.h"

#include <QLocale>
#include <QStringList>

#include <algorithm>

namespace shardscope {
namespace {

QString count(std::int64_t n)
{
    return QLocale(QLocale::English).toString(qlonglong(n));
}

QString ms(double v)
{
    return (v < 10 ? QString::number(v, 'f', 1) : QString::number(qRound64(v))) + QStringLiteral(" ms");
}

QString percent(double v)
{
    return QString::number(v, 'f', v >= 99.95 && v < 100 ? 2 : 1) + QLatin1Char('%');
}

QString seconds(std::int64_t windowMs)
{
    return QString::number(double(windowMs) / 1000.0, 'g', 3) + QStringLiteral(" s");
}

struct Sides {
    std::optional<GateCounts> before;
    std::optional<GateCounts> baseline;
    bool baselineMax = false;
};

// "against 12 ms before and 11 ms on the nodes not yet restarted"
QString against(const Sides &s)
{
    QStringList parts;
    if (s.before && s.before->p99Ms)
        parts << QStringLiteral("%1 before").arg(ms(*s.before->p99Ms));
    if (s.baseline && s.baseline->p99Ms)
        parts << QStringLiteral("%1 on the nodes not yet restarted").arg(ms(*s.baseline->p99Ms));
    return parts.isEmpty() ? QString() : QStringLiteral(" against ") + parts.join(QStringLiteral(" and "));
}

// The p99 checks of one scope (all requests, or one procedure); empty when it passes.
WindowJudgement p99Checks(const QString &who, const QString &check, const GateCounts &after, const Sides &s,
                          const GateOptions &o, QStringList *notes)
{
    if (!after.p99Ms)
        return {GateVerdict::Passed, {}, {}};
    const double p99 = *after.p99Ms;
    if (p99 > o.p99MaxMs)
        return {GateVerdict::Failed, check + QStringLiteral("p99_max"),
                QStringLiteral("%1: p99 %2%3, over %4 requests, above the %5 limit")
                    .arg(who, ms(p99), against(s), count(after.requests), ms(o.p99MaxMs))};
    const bool useBaseline = s.baseline && s.baseline->requests >= o.minRequests && s.baseline->p99Ms;
    const bool useBefore = !useBaseline && s.before && s.before->requests >= o.minRequests && s.before->p99Ms;
    if (!useBaseline && !useBefore) {
        *notes << QStringLiteral("%1: p99 not compared: neither the nodes not yet restarted (%2 requests) nor its own figures before (%3 requests) reached %4")
                      .arg(who, count(s.baseline ? s.baseline->requests : 0), count(s.before ? s.before->requests : 0), count(o.minRequests));
        return {GateVerdict::Passed, {}, {}};
    }
    const double reference = useBaseline ? *s.baseline->p99Ms : *s.before->p99Ms;
    const double limit = o.p99Ratio * reference + o.p99SlackMs;
    if (p99 <= limit)
        return {GateVerdict::Passed, {}, {}};
    const QString ref = useBaseline ? (s.baselineMax ? QStringLiteral("the nodes not yet restarted, their highest p99") : QStringLiteral("the nodes not yet restarted"))
                                    : QStringLiteral("its own before the restart");
    return {GateVerdict::Failed, check + QStringLiteral("p99_ratio"),
            QStringLiteral("%1: p99 %2%3, over %4 requests; above %5 x %6 (%7) + %8 = %9")
                .arg(who, ms(p99), against(s), count(after.requests), QString::number(o.p99Ratio), ms(reference), ref,
                     ms(o.p99SlackMs), ms(limit))};
}

WindowJudgement successCheck(const QString &who, const QString &check, const GateCounts &after, const GateOptions &o)
{
    const double rate = after.successRate().value_or(100.0);
    if (rate >= o.successRate)
        return {GateVerdict::Passed, {}, {}};
    return {GateVerdict::Failed, check + QStringLiteral("success_rate"),
            QStringLiteral("%1: success rate %2 (%3 server errors in %4 requests), below %5")
                .arg(who, percent(rate), count(after.serverErrors), count(after.requests), percent(o.successRate))};
}

std::optional<GateCounts> procedureOf(const std::optional<GateFigures> &f, const QString &name)
{
    if (!f)
        return std::nullopt;
    const auto it = f->procedures.find(name);
    return it == f->procedures.end() ? std::nullopt : std::optional<GateCounts>(it->second);
}

} // namespace

QString toString(GateVerdict v)
{
    switch (v) {
    case GateVerdict::Passed: return QStringLiteral("passed");
    case GateVerdict::Failed: return QStringLiteral("failed");
    case GateVerdict::Inconclusive: return QStringLiteral("inconclusive");
    }
    return {};
}

std::optional<GateVerdict> gateVerdictFrom(const QString &text)
{
    for (GateVerdict v : {GateVerdict::Passed, GateVerdict::Failed, GateVerdict::Inconclusive}) {
        if (toString(v) == text)
            return v;
    }
    return std::nullopt;
}

WindowJudgement judgeWindow(const QString &node, const GateFigures &after, const std::optional<GateFigures> &before,
                            const std::optional<GateFigures> &baseline, const GateOptions &o)
{
    const QString who = QStringLiteral("node %1").arg(node);
    if (after.all.requests < o.minRequests)
        return {GateVerdict::Inconclusive, QStringLiteral("requests"),
                QStringLiteral("%1: inconclusive: %2 requests in %3, fewer than %4")
                    .arg(who, count(after.all.requests), seconds(after.toMs + 1 - after.fromMs), count(o.minRequests))};
    QStringList notes;
    Sides all{before ? std::optional(before->all) : std::nullopt, baseline ? std::optional(baseline->all) : std::nullopt,
              baseline && baseline->p99IsMax};
    WindowJudgement j = successCheck(who, {}, after.all, o);
    if (j.verdict == GateVerdict::Passed)
        j = p99Checks(who, {}, after.all, all, o, &notes);
    for (auto it = after.procedures.begin(); it != after.procedures.end() && j.verdict == GateVerdict::Passed; ++it) {
        const auto &[name, counts] = *it;
        if (counts.requests < o.minRequests)
            continue;
        const QString pwho = QStringLiteral("%1, procedure %2").arg(who, name);
        const QString check = QStringLiteral("procedure %1: ").arg(name);
        j = successCheck(pwho, check, counts, o);
        Sides s{procedureOf(before, name), procedureOf(baseline, name), all.baselineMax};
        if (j.verdict == GateVerdict::Passed && (s.before.value_or(GateCounts{}).requests >= o.minRequests
                                                 || s.baseline.value_or(GateCounts{}).requests >= o.minRequests))
            j = p99Checks(pwho, check, counts, s, o, &notes);
    }
    if (j.verdict != GateVerdict::Passed)
        return j;
    const double rate = after.all.successRate().value_or(100.0);
    QString reason = QStringLiteral("%1: passed: success rate %2, p99 %3%4, over %5 requests")
                         .arg(who, percent(rate), after.all.p99Ms ? ms(*after.all.p99Ms) : QStringLiteral("unknown"), against(all),
                              count(after.all.requests));
    if (!notes.isEmpty())
        reason += QStringLiteral("; ") + notes.join(QStringLiteral("; "));
    return {GateVerdict::Passed, QString(), reason};
}

GateJudgement judgeGate(const std::vector<WindowJudgement> &windows, const GateOptions &o)
{
    int failed = 0, inconclusive = 0, passed = 0;
    const WindowJudgement *lastFailed = nullptr, *lastInconclusive = nullptr;
    for (const WindowJudgement &w : windows) {
        if (w.verdict == GateVerdict::Failed) {
            ++failed;
            lastFailed = &w;
        } else if (w.verdict == GateVerdict::Inconclusive) {
            ++inconclusive;
            lastInconclusive = &w;
        } else {
            ++passed;
        }
    }
    const int n = int(windows.size());
    const QString tally = QStringLiteral(" (%1 of %2 windows failed, %3 inconclusive, %4 allowed to fail)")
                              .arg(failed).arg(n).arg(inconclusive).arg(o.failedChecksAllowed);
    if (failed > o.failedChecksAllowed)
        return {true, GateVerdict::Failed, lastFailed->reason + tally};
    const bool tooManyUnsure = failed + inconclusive > o.failedChecksAllowed;
    if (!o.proceedWhenInconclusive && tooManyUnsure)
        return {true, GateVerdict::Inconclusive, lastInconclusive->reason + tally};
    if (n < o.checks)
        return {false, GateVerdict::Inconclusive, {}};
    if (passed == 0 || tooManyUnsure)
        return {true, GateVerdict::Inconclusive, (lastInconclusive ? lastInconclusive->reason : QString()) + tally};
    const auto lastPassed = std::find_if(windows.rbegin(), windows.rend(), [](const WindowJudgement &w) { return w.verdict == GateVerdict::Passed; });
    return {true, GateVerdict::Passed, lastPassed->reason + tally};
}

} // namespace shardscope
