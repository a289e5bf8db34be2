#include "backend/cluster/GateOptions.h"

#include <QStringList>

#include <algorithm>

#include <tuple>

namespace shardscope {
namespace {

constexpr int kMaxAnalysisMs = 600000;
constexpr int kMaxChecks = 100;

bool readInteger(QJsonObject &o, const char *key, int low, int high, int *field, QString *error)
{
    if (!o.contains(QLatin1String(key)))
        return true;
    const QJsonValue v = o.take(QLatin1String(key));
    if (!v.isDouble() || v.toDouble() < low || v.toDouble() > high || v.toDouble() != double(v.toInt())) {
        *error = QStringLiteral("gate.%1 must be an integer in [%2, %3]").arg(QLatin1String(key)).arg(low).arg(high);
        return false;
    }
    *field = v.toInt();
    return true;
}

bool readNumber(QJsonObject &o, const char *key, double low, double high, bool lowOpen, double *field, QString *error)
{
    if (!o.contains(QLatin1String(key)))
        return true;
    const QJsonValue v = o.take(QLatin1String(key));
    const double d = v.toDouble();
    if (!v.isDouble() || d > high || d < low || (lowOpen && d == low)) {
        *error = QStringLiteral("gate.%1 must be a number in %2%3, %4]").arg(QLatin1String(key), lowOpen ? QStringLiteral("(") : QStringLiteral("["))
                     .arg(low).arg(high);
        return false;
    }
    *field = d;
    return true;
}

} // namespace

QJsonObject GateOptions::toJson() const
{
    return {{QStringLiteral("analysis_ms"), analysisMs}, {QStringLiteral("checks"), checks},
            {QStringLiteral("failed_checks_allowed"), failedChecksAllowed}, {QStringLiteral("min_requests"), minRequests},
            {QStringLiteral("success_rate"), successRate}, {QStringLiteral("p99_ratio"), p99Ratio},
            {QStringLiteral("p99_max_ms"), p99MaxMs}, {QStringLiteral("p99_slack_ms"), p99SlackMs},
            {QStringLiteral("inconclusive"), proceedWhenInconclusive ? QStringLiteral("proceed") : QStringLiteral("stop")}};
}

GateOptions GateOptions::fromJson(const QJsonObject &o)
{
    GateOptions g;
    g.analysisMs = o.value(QStringLiteral("analysis_ms")).toInt(g.analysisMs);
    g.checks = o.value(QStringLiteral("checks")).toInt(g.checks);
    g.failedChecksAllowed = o.value(QStringLiteral("failed_checks_allowed")).toInt(g.failedChecksAllowed);
    g.minRequests = o.value(QStringLiteral("min_requests")).toInt(g.minRequests);
    g.successRate = o.value(QStringLiteral("success_rate")).toDouble(g.successRate);
    g.p99Ratio = o.value(QStringLiteral("p99_ratio")).toDouble(g.p99Ratio);
    g.p99MaxMs = o.value(QStringLiteral("p99_max_ms")).toDouble(g.p99MaxMs);
    g.p99SlackMs = o.value(QStringLiteral("p99_slack_ms")).toDouble(g.p99SlackMs);
    g.proceedWhenInconclusive = o.value(QStringLiteral("inconclusive")).toString() == QLatin1String("proceed");
    return g;
}

bool parseGateOptions(const QJsonValue &v, GateOptions *out, bool *enabled, QString *error)
{
    *out = GateOptions();
    *enabled = v.isObject() || (v.isBool() && v.toBool());
    if (v.isUndefined() || v.isBool())
        return true;
    if (!v.isObject()) {
        *error = QStringLiteral("gate must be true, false or an object of thresholds");
        return false;
    }
    QJsonObject o = v.toObject();
    const bool allowedGiven = o.contains(QStringLiteral("failed_checks_allowed"));
    const bool ok = readInteger(o, "analysis_ms", 100, kMaxAnalysisMs, &out->analysisMs, error)
        && readInteger(o, "checks", 1, kMaxChecks, &out->checks, error)
        && readInteger(o, "failed_checks_allowed", 0, kMaxChecks - 1, &out->failedChecksAllowed, error)
        && readInteger(o, "min_requests", 1, 1000000000, &out->minRequests, error)
        && readNumber(o, "success_rate", 0, 100, false, &out->successRate, error)
        && readNumber(o, "p99_ratio", 1, 1000, false, &out->p99Ratio, error)
        && readNumber(o, "p99_max_ms", 0, 3600000, true, &out->p99MaxMs, error)
        && readNumber(o, "p99_slack_ms", 0, 3600000, false, &out->p99SlackMs, error);
    if (!ok)
        return false;
    if (!allowedGiven) // the default 1 would let a one-window gate never fail
        out->failedChecksAllowed = std::min(out->failedChecksAllowed, out->checks - 1);
    if (out->failedChecksAllowed >= out->checks) {
        *error = QStringLiteral("gate.failed_checks_allowed (%1) must be below gate.checks (%2), or the gate could never fail")
                     .arg(out->failedChecksAllowed).arg(out->checks);
        return false;
    }
    if (o.contains(QStringLiteral("inconclusive"))) {
        const QString s = o.take(QStringLiteral("inconclusive")).toString();
        if (s != QLatin1String("stop") && s != QLatin1String("proceed")) {
            *error = QStringLiteral("gate.inconclusive must be stop or proceed");
            return false;
        }
        out->proceedWhenInconclusive = s == QLatin1String("proceed");
    }
    if (!o.isEmpty()) {
        *error = QStringLiteral("unknown gate option '%1'").arg(o.keys().first());
        return false;
    }
    return true;
}

} // namespace shardscope
