#include "ConsoleReport.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

namespace shardscope::bench {
namespace {

double at(const QJsonObject &o, const char *path)
{
    QJsonValue v = o;
    for (const QByteArray &key : QByteArray(path).split('.'))
        v = v.toObject().value(QLatin1String(key));
    return v.toDouble();
}

void printSteadyTable(const QJsonArray &rows)
{
    std::printf("%6s | %-19s | %-23s | %-13s | %-15s | %-19s | %-21s\n", "shards", "GUI CPU % mean/max1s",
                "frame ms p50/p99/max", "frame CPU p99", "tick ms p50/p99", "rows changed % p50/min", "RSS MB warm/end/peak");
    for (const QJsonValue &v : rows) {
        const QJsonObject r = v.toObject();
        if (r.contains(QStringLiteral("error"))) {
            std::printf("%6d | error: %s\n", r.value(QStringLiteral("shards")).toInt(), qPrintable(r.value(QStringLiteral("error")).toString()));
            continue;
        }
        std::printf("%6d | %7.1f / %-9.1f | %6.1f / %5.1f / %-6.1f | %-13.1f | %5.1f / %-7.1f | %7.1f / %-11.1f | %5.0f / %5.0f / %-5.0f\n",
                    r.value(QStringLiteral("shards")).toInt(), at(r, "steady.gui_cpu_pct"), at(r, "steady.gui_cpu_pct_max_1s"),
                    at(r, "steady.frame_ms.p50"), at(r, "steady.frame_ms.p99"), at(r, "steady.frame_ms.max"),
                    at(r, "steady.frame_cpu_ms.p99"),
                    at(r, "steady.tick_ms.p50"), at(r, "steady.tick_ms.p99"), at(r, "steady.load.changed_rows_pct_p50"),
                    at(r, "steady.load.changed_rows_pct_min"), at(r, "memory_warm.rss_mb"), at(r, "memory_end.rss_mb"),
                    at(r, "memory_end.hwm_mb"));
    }
}

QString byState(const QJsonObject &restart)
{
    QStringList parts;
    const QJsonObject states = restart.value(QStringLiteral("seen_unseen_by_state")).toObject();
    for (auto it = states.begin(); it != states.end(); ++it)
        parts << QStringLiteral("%1 %2/%3").arg(it.key()).arg(it.value().toArray().at(0).toInt()).arg(it.value().toArray().at(1).toInt());
    return parts.join(QStringLiteral(", "));
}

void printLatencyTable(const QJsonArray &rows)
{
    std::printf("%6s | %-7s | %-8s | %-27s | %-22s | %-17s | %-17s | %-15s | %-9s | %s\n", "shards", "tiles", "restarts",
                "seen/brief/unchanged/missed", "latency ms p50/p99/max", "to snapshot p50/99", "to pixel p50/p99",
                "frame p99 / CPU", "GUI CPU %", "by state (seen/unseen)");
    for (const QJsonValue &v : rows) {
        const QJsonObject r = v.toObject();
        const QJsonObject x = r.value(QStringLiteral("restart")).toObject();
        if (x.isEmpty())
            continue;
        std::printf("%6d | %7d | %3d / %-2d | %5d / %4d / %4d / %-5d | %5.1f / %5.1f / %-6.1f | %6.1f / %-8.1f | %6.1f / %-8.1f | %5.1f / %-7.1f | %-9.1f | %s\n",
                    r.value(QStringLiteral("shards")).toInt(), x.value(QStringLiteral("visible_tiles")).toInt(),
                    x.value(QStringLiteral("finished")).toInt(), x.value(QStringLiteral("restarts")).toInt(),
                    x.value(QStringLiteral("observed")).toInt(), x.value(QStringLiteral("brief")).toInt(),
                    x.value(QStringLiteral("unchanged")).toInt(), x.value(QStringLiteral("missed")).toInt(),
                    at(x, "state_to_pixel_ms.p50"), at(x, "state_to_pixel_ms.p99"), at(x, "state_to_pixel_ms.max"),
                    at(x, "state_to_snapshot_ms.p50"), at(x, "state_to_snapshot_ms.p99"), at(x, "snapshot_to_pixel_ms.p50"),
                    at(x, "snapshot_to_pixel_ms.p99"), at(x, "frame_ms.p99"), at(x, "frame_cpu_ms.p99"),
                    at(x, "gui_cpu_pct_with_grabbing"), qPrintable(byState(x)));
    }
}

// The figures the targets are checked on: the largest shard count that ran.
QJsonObject largest(const QJsonArray &rows)
{
    QJsonObject best;
    for (const QJsonValue &v : rows) {
        const QJsonObject r = v.toObject();
        if (!r.contains(QStringLiteral("error")) && r.value(QStringLiteral("shards")).toInt() >= best.value(QStringLiteral("shards")).toInt())
            best = r;
    }
    return best;
}

QJsonObject verdict(const QJsonObject &r, const ConsoleTargets &t)
{
    const QJsonObject x = r.value(QStringLiteral("restart")).toObject();
    const double cpu = at(r, "steady.gui_cpu_pct"), p99 = at(x, "state_to_pixel_ms.p99"), rss = at(r, "memory_end.hwm_mb");
    const int missed = x.value(QStringLiteral("missed")).toInt();
    return {{QStringLiteral("console_shards"), r.value(QStringLiteral("shards"))},
            {QStringLiteral("console_gui_cpu_pct"), cpu},
            {QStringLiteral("console_state_to_pixel_p99_ms"), p99},
            {QStringLiteral("console_missed_transitions"), missed},
            {QStringLiteral("console_rss_peak_mb"), rss},
            {QStringLiteral("console_frame_p99_ms"), at(r, "steady.frame_ms.p99")},
            {QStringLiteral("gui_cpu_met"), cpu <= t.guiCpuPct},
            {QStringLiteral("state_to_pixel_met"), !x.isEmpty() && p99 <= t.stateToPixelP99Ms && missed == 0},
            {QStringLiteral("rss_met"), rss <= t.rssMb}};
}

void printVerdict(const QJsonObject &v, const ConsoleTargets &t)
{
    auto met = [&](const char *key) { return v.value(QLatin1String(key)).toBool() ? "met" : "MISSED"; };
    std::printf("\nTargets at %d shards: GUI thread %.1f%% of one core (<= %.0f%%: %s); state-to-pixel p99 %.1f ms, "
                "%d missed (<= %.0f ms, none missed: %s); peak RSS %.0f MB (<= %.0f MB: %s)\n",
                v.value(QStringLiteral("console_shards")).toInt(), v.value(QStringLiteral("console_gui_cpu_pct")).toDouble(),
                t.guiCpuPct, met("gui_cpu_met"), v.value(QStringLiteral("console_state_to_pixel_p99_ms")).toDouble(),
                v.value(QStringLiteral("console_missed_transitions")).toInt(), t.stateToPixelP99Ms, met("state_to_pixel_met"),
                v.value(QStringLiteral("console_rss_peak_mb")).toDouble(), t.rssMb, met("rss_met"));
}

} // namespace

void printReport(const ConsoleBenchOptions &o, const QJsonArray &rows)
{
    const ConsoleTargets targets;
    std::printf("Console at scale: window %dx%d offscreen, %s, load = one echo pinned to every shard every %d ms, "
                "steady window %.1f s after %.1f s warm-up\n\n", o.window.width(), o.window.height(),
                o.selectShard < 0 ? "no tile selected" : qPrintable(QStringLiteral("tile %1 selected (detail panel live)").arg(o.selectShard)),
                o.loadPeriodMs, o.seconds, o.warmupSeconds);
    std::printf("Steady window (load only, nothing grabbed):\n");
    printSteadyTable(rows);
    std::printf("\nState change to pixel (%d phased restarts, a %d ms sleep in flight on every shard; every grid paint "
                "read back from the backing store; wholly visible tiles only; GUI CPU includes the grabbing):\n",
                o.restarts, o.drainMs);
    printLatencyTable(rows);
    QJsonObject record{{QStringLiteral("bench"), QStringLiteral("console")}, {QStringLiteral("seconds"), o.seconds},
                       {QStringLiteral("warmup_seconds"), o.warmupSeconds}, {QStringLiteral("restarts"), o.restarts},
                       {QStringLiteral("drain_ms"), o.drainMs}, {QStringLiteral("load_period_ms"), o.loadPeriodMs},
                       {QStringLiteral("brief_ms"), o.briefMs}, {QStringLiteral("selected_shard"), o.selectShard},
                       {QStringLiteral("targets"), QJsonObject{{QStringLiteral("gui_cpu_pct"), targets.guiCpuPct},
                                                               {QStringLiteral("state_to_pixel_p99_ms"), targets.stateToPixelP99Ms},
                                                               {QStringLiteral("rss_mb"), targets.rssMb}}}};
    const QJsonObject best = largest(rows);
    if (!best.isEmpty()) {
        const QJsonObject v = verdict(best, targets);
        printVerdict(v, targets);
        record.insert(QStringLiteral("result"), v);
    }
    record.insert(QStringLiteral("rows"), rows);
    std::printf("JSON %s\n", QJsonDocument(record).toJson(QJsonDocument::Compact).constData());
}

} // namespace shardscope::bench
