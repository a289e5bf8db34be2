// GET /v1/service/quality: what clients saw of /v1/query over a window (QueryQuality).
#include "backend/cluster/ClusterApi.h"
#include "backend/http/HttpApi.h"
#include "backend/record/QueryQuality.h"

#include <QDateTime>
#include <QJsonObject>
#include <QUrlQuery>

#include <cmath>
#include <optional>

namespace shardscope {
namespace {

constexpr qint64 kDefaultWindowMs = 10000;

// An epoch-ms parameter: absent is nullopt with *ok true; anything but digits is *ok false.
std::optional<qint64> epochMs(const QUrlQuery &query, const QString &key, bool *ok)
{
    *ok = true;
    if (!query.hasQueryItem(key))
        return std::nullopt;
    const QString text = query.queryItemValue(key);
    const qint64 value = text.toLongLong(ok);
    *ok = *ok && value >= 0 && !text.startsWith(QLatin1Char('+'));
    return value;
}

QJsonValue milliseconds(std::optional<double> ms)
{
    if (!ms)
        return QJsonValue::Null;
    return std::round(*ms * 1000.0) / 1000.0; // to the microsecond
}

QJsonObject procedureJson(const QueryQuality::Figures &f)
{
    return QJsonObject{{QStringLiteral("requests"), double(f.requests)},
                       {QStringLiteral("server_errors"), double(f.serverErrors)},
                       {QStringLiteral("client_errors"), double(f.clientErrors)},
                       {QStringLiteral("p99_ms"), milliseconds(LatencyBuckets::quantileMs(f.latency, 0.99))}};
}

QJsonObject windowJson(const QueryQuality::Window &w)
{
    const QueryQuality::Figures &t = w.total;
    QJsonObject versions;
    for (const auto &[version, replies] : w.versions)
        versions.insert(QString::number(version), double(replies));
    if (w.untrackedVersions)
        versions.insert(QStringLiteral("other"), double(w.untrackedVersions));
    QJsonObject procedures;
    for (int slot = 0; slot < QueryQuality::kProcedures; ++slot) {
        if (w.byProcedure[std::size_t(slot)].requests)
            procedures.insert(QLatin1String(QueryQuality::nameOf(slot)), procedureJson(w.byProcedure[std::size_t(slot)]));
    }
    const QJsonValue successRate = t.requests
        ? QJsonValue(100.0 * double(t.requests - t.serverErrors) / double(t.requests)) : QJsonValue(QJsonValue::Null);
    return QJsonObject{{QStringLiteral("covered_from_ms"), double(w.coveredFromMs)},
                       {QStringLiteral("requests"), double(t.requests)},
                       {QStringLiteral("server_errors"), double(t.serverErrors)},
                       {QStringLiteral("client_errors"), double(t.clientErrors)},
                       {QStringLiteral("success_rate"), successRate},
                       {QStringLiteral("p50_ms"), milliseconds(LatencyBuckets::quantileMs(t.latency, 0.50))},
                       {QStringLiteral("p99_ms"), milliseconds(LatencyBuckets::quantileMs(t.latency, 0.99))},
                       {QStringLiteral("versions"), versions},
                       {QStringLiteral("procedures"), procedures}};
}

} // namespace

QString HttpApi::nodeName() const
{
    if (m_cluster && !m_cluster->config().nodeId.isEmpty())
        return m_cluster->config().nodeId;
    return m_nodeName;
}

void HttpApi::handleQuality(const HttpRequest &request, HttpReply &reply)
{
    const QUrlQuery query(QString::fromLatin1(request.query));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    bool fromOk = true;
    bool toOk = true;
    const std::optional<qint64> from = epochMs(query, QStringLiteral("from_ms"), &fromOk);
    const std::optional<qint64> to = epochMs(query, QStringLiteral("to_ms"), &toOk);
    if (!fromOk || !toOk) {
        reply.sendError(400, QStringLiteral("from_ms and to_ms must be epoch milliseconds (integers >= 0)"));
        return;
    }
    // Default: the last 10 s; one bound given, the other 10 s from it (to_ms at most now).
    const qint64 toMs = to.value_or(from ? std::min(*from + kDefaultWindowMs, now) : now);
    const qint64 fromMs = from.value_or(std::max<qint64>(toMs - kDefaultWindowMs, 0));
    if (fromMs > toMs) {
        reply.sendError(400, QStringLiteral("from_ms (%1) is after to_ms (%2)").arg(fromMs).arg(toMs));
        return;
    }
    const qint64 keptFrom = m_quality->keptFromMs(now);
    if (toMs < keptFrom) {
        reply.sendError(400, QStringLiteral("the window ends at %1, before the oldest second kept (%2): the node keeps "
                                            "%3 s of replies, and none from before it started")
                                 .arg(toMs).arg(keptFrom).arg(QueryQuality::kSeconds));
        return;
    }
    QJsonObject body = windowJson(m_quality->window(fromMs, toMs, now));
    body.insert(QStringLiteral("node"), nodeName());
    body.insert(QStringLiteral("from_ms"), double(fromMs));
    body.insert(QStringLiteral("to_ms"), double(toMs));
    reply.sendJson(200, body);
}

} // namespace shardscope
