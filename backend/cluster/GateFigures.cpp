#include "backend/cluster/GateFigures.h"

#include <QJsonValue>

#include <algorithm>

namespace shardscope {
namespace {

std::int64_t count(const QJsonObject &o, const char *key)
{
    return std::int64_t(o.value(QLatin1String(key)).toDouble());
}

std::optional<double> optionalNumber(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isDouble() ? std::optional<double>(v.toDouble()) : std::nullopt;
}

GateCounts countsFrom(const QJsonObject &o)
{
    return {count(o, "requests"), count(o, "server_errors"), count(o, "client_errors"), optionalNumber(o, "p99_ms")};
}

QJsonObject countsJson(const GateCounts &c)
{
    QJsonObject o{{QStringLiteral("requests"), double(c.requests)}, {QStringLiteral("server_errors"), double(c.serverErrors)},
                  {QStringLiteral("client_errors"), double(c.clientErrors)}};
    o.insert(QStringLiteral("p99_ms"), c.p99Ms ? QJsonValue(*c.p99Ms) : QJsonValue(QJsonValue::Null));
    return o;
}

void add(GateCounts &sum, const GateCounts &c)
{
    sum.requests += c.requests;
    sum.serverErrors += c.serverErrors;
    sum.clientErrors += c.clientErrors;
    if (c.p99Ms)
        sum.p99Ms = std::max(sum.p99Ms.value_or(0.0), *c.p99Ms);
}

} // namespace

std::optional<double> GateCounts::successRate() const
{
    if (requests <= 0)
        return std::nullopt;
    return 100.0 * double(requests - serverErrors) / double(requests);
}

GateFigures GateFigures::fromQuality(const QJsonObject &reply)
{
    GateFigures f;
    f.fromMs = count(reply, "from_ms");
    f.toMs = count(reply, "to_ms");
    f.coveredFromMs = reply.contains(QStringLiteral("covered_from_ms")) ? count(reply, "covered_from_ms") : f.fromMs;
    f.all = countsFrom(reply);
    const QJsonObject procedures = reply.value(QStringLiteral("procedures")).toObject();
    for (auto it = procedures.begin(); it != procedures.end(); ++it)
        f.procedures[it.key()] = countsFrom(it.value().toObject());
    return f;
}

QJsonObject GateFigures::toJson() const
{
    QJsonObject o = countsJson(all);
    o.insert(QStringLiteral("from_ms"), double(fromMs));
    o.insert(QStringLiteral("to_ms"), double(toMs));
    o.insert(QStringLiteral("covered_from_ms"), double(coveredFromMs));
    QJsonObject procs;
    for (const auto &[name, c] : procedures)
        procs.insert(name, countsJson(c));
    o.insert(QStringLiteral("procedures"), procs);
    if (p99IsMax) {
        o.insert(QStringLiteral("nodes"), nodes);
        o.insert(QStringLiteral("p99"), QStringLiteral("highest node's"));
    }
    return o;
}

GateFigures GateFigures::fromJson(const QJsonObject &o)
{
    GateFigures f = fromQuality(o);
    f.p99IsMax = o.contains(QStringLiteral("p99"));
    f.nodes = o.value(QStringLiteral("nodes")).toInt(1);
    return f;
}

GateFigures sumBaseline(const std::vector<GateFigures> &nodes)
{
    GateFigures sum;
    sum.p99IsMax = true;
    sum.nodes = int(nodes.size());
    for (const GateFigures &f : nodes) {
        sum.fromMs = sum.fromMs ? std::min(sum.fromMs, f.fromMs) : f.fromMs;
        sum.toMs = std::max(sum.toMs, f.toMs);
        sum.coveredFromMs = std::max(sum.coveredFromMs, f.coveredFromMs);
        add(sum.all, f.all);
        for (const auto &[name, c] : f.procedures)
            add(sum.procedures[name], c);
    }
    return sum;
}

} // namespace shardscope
