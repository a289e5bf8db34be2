#include "model/client/ClusterEventPage.h"

#include <QJsonArray>

namespace shardscope {
namespace {

QString text(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isString() ? v.toString() : v.isDouble() ? QString::number(qint64(v.toDouble())) : QString();
}

ClusterEventRecord recordOf(const QJsonObject &e)
{
    ClusterEventRecord r;
    r.seq = std::uint64_t(e.value(QStringLiteral("seq")).toDouble());
    r.timeMs = std::int64_t(e.value(QStringLiteral("time_ms")).toDouble());
    r.kind = text(e, "kind");
    r.node = text(e, "node");
    r.restartId = text(e, "restart_id");
    r.message = text(e, "message");
    r.state = text(e, "state");
    r.reason = text(e, "reason");
    r.step = text(e, "step");
    r.outcome = text(e, "outcome");
    return r;
}

} // namespace

ClusterEventPage decodeClusterEvents(const QJsonObject &json)
{
    ClusterEventPage page;
    page.lastSeq = std::uint64_t(json.value(QStringLiteral("last_seq")).toDouble());
    for (const QJsonValue &v : json.value(QStringLiteral("events")).toArray()) {
        ClusterEventRecord r = recordOf(v.toObject());
        if (r.seq > 0)
            page.events.push_back(std::move(r));
    }
    return page;
}

} // namespace shardscope
