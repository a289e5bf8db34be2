#include "app/ctl/CtlOutput.h"

#include <QJsonArray>

namespace shardscope {
namespace {

QString num(const QJsonObject &o, const char *key)
{
    return QString::number(qint64(o.value(QLatin1String(key)).toDouble()));
}

} // namespace

QString formatStatus(const QJsonObject &s)
{
    const QJsonObject ledger = s.value(QStringLiteral("ledger")).toObject();
    return QStringLiteral("status:   %1\nphase:    %2\nversion:  v%3\nshards:   %4\nready:    %5\nstarted:  %6\n"
                          "requests: %7 accepted, %8 answered, %9 refused, %10 in flight\n")
        .arg(s.value(QStringLiteral("status")).toString(), s.value(QStringLiteral("phase")).toString(), num(s, "version"),
             num(s, "shard_num"), s.value(QStringLiteral("ready")).toBool() ? QStringLiteral("yes") : QStringLiteral("no"),
             s.value(QStringLiteral("start_time")).toString(), num(ledger, "accepted"), num(ledger, "answered"),
             num(ledger, "refused"))
        .arg(num(ledger, "in_flight"));
}

QString formatShards(const QJsonObject &body)
{
    QString out = QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9\n")
                      .arg(QStringLiteral("SHARD"), 5).arg(QStringLiteral("STATE"), -11).arg(QStringLiteral("VERSION"), 7)
                      .arg(QStringLiteral("GEN"), 5).arg(QStringLiteral("QUEUE"), 6).arg(QStringLiteral("INFLIGHT"), 8)
                      .arg(QStringLiteral("PROCESSED"), 10).arg(QStringLiteral("FAILED"), 7).arg(QStringLiteral("P99"), 9);
    for (const QJsonValue &v : body.value(QStringLiteral("shards")).toArray()) {
        const QJsonObject s = v.toObject();
        out += QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9\n")
                   .arg(num(s, "shard"), 5).arg(s.value(QStringLiteral("state")).toString(), -11)
                   .arg(QLatin1Char('v') + num(s, "version"), 7).arg(num(s, "generation"), 5).arg(num(s, "queue_depth"), 6)
                   .arg(num(s, "in_flight"), 8).arg(num(s, "processed"), 10).arg(num(s, "failed"), 7)
                   .arg(QStringLiteral("%1 ms").arg(s.value(QStringLiteral("latency_p99_us")).toDouble() / 1000.0, 0, 'f', 2), 9);
    }
    return out;
}

QString formatEvent(const QJsonObject &e)
{
    QString line = QStringLiteral("%1 #%2 %3").arg(e.value(QStringLiteral("time")).toString(), num(e, "seq"),
                                                   e.value(QStringLiteral("kind")).toString());
    const QString kind = e.value(QStringLiteral("kind")).toString();
    if (kind.startsWith(QLatin1String("phase_")))
        line += QLatin1Char(' ') + e.value(QStringLiteral("phase")).toString();
    if (e.contains(QStringLiteral("shard")))
        line += QStringLiteral(" shard %1").arg(num(e, "shard"));
    if (e.contains(QStringLiteral("state")))
        line += QStringLiteral(" -> %1 (v%2)").arg(e.value(QStringLiteral("state")).toString(), num(e, "version"));
    if (e.contains(QStringLiteral("outcome")))
        line += QLatin1Char(' ') + e.value(QStringLiteral("outcome")).toString();
    if (e.contains(QStringLiteral("duration_ms")))
        line += QStringLiteral(" in %1 ms").arg(num(e, "duration_ms"));
    if (e.contains(QStringLiteral("message")))
        line += QStringLiteral(": ") + e.value(QStringLiteral("message")).toString();
    return line + QLatin1Char('\n');
}

} // namespace shardscope
