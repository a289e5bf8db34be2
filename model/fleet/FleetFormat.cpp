#include "model/fleet/FleetFormat.h"

namespace shardscope {
namespace {

const QString kDash = QStringLiteral("-");

QString rate(const std::optional<double> &perSec)
{
    if (!perSec)
        return kDash;
    return *perSec >= 100 || *perSec == 0 ? QString::number(qRound64(*perSec)) : QString::number(*perSec, 'f', 1);
}

QString latency(const std::optional<quint32> &us)
{
    if (!us)
        return kDash;
    return *us >= 10000 ? QStringLiteral("%1 ms").arg(*us / 1000) : QStringLiteral("%1 ms").arg(double(*us) / 1000.0, 0, 'f', 2);
}

template<typename T>
QVariant orDash(const std::optional<T> &v)
{
    return v ? QVariant::fromValue(double(*v)) : QVariant::fromValue(-1.0);
}

} // namespace

QString fleetCellText(const FleetRow &row, int column)
{
    switch (column) {
    case FleetColumn::Node: return row.id;
    case FleetColumn::State: return row.stateText;
    case FleetColumn::Version: return QStringLiteral("v%1").arg(row.version);
    case FleetColumn::Coordinator: return row.coordinator ? QStringLiteral("\u2605") : QString();
    case FleetColumn::Requests: return rate(row.requestsPerSec);
    case FleetColumn::Errors: return rate(row.errorsPerSec);
    case FleetColumn::P99: return latency(row.p99Us);
    case FleetColumn::Queue: return row.queue ? QString::number(*row.queue) : kDash;
    case FleetColumn::Shards: return QString::number(row.shards);
    default: return {};
    }
}

QString fleetCellToolTip(const FleetRow &row, int column)
{
    QStringList lines{QStringLiteral("%1: %2, v%3").arg(row.id, row.stateText).arg(row.version)};
    if (row.coordinator)
        lines << QStringLiteral("coordinates the cluster");
    if (row.versionSkew)
        lines << QStringLiteral("on another version than most nodes up");
    if (row.shardSkew)
        lines << QStringLiteral("some of its shards are skewed (version or queue)");
    if (row.shardsUnhealthy > 0)
        lines << QStringLiteral("%1 of %2 shards need attention").arg(row.shardsUnhealthy).arg(row.shards);
    if (column == FleetColumn::Requests || column == FleetColumn::Errors || column == FleetColumn::P99 || column == FleetColumn::Queue) {
        if (!row.requestsPerSec && !row.queue)
            lines << QStringLiteral("no figures: the console does not follow this node's shards now");
    }
    return lines.join(QLatin1Char('\n'));
}

QVariant fleetSortValue(const FleetRow &row, int column)
{
    switch (column) {
    case FleetColumn::Node: return row.id;
    case FleetColumn::State: return row.severity;
    case FleetColumn::Version: return QVariant::fromValue(qlonglong(row.version));
    case FleetColumn::Coordinator: return int(row.coordinator);
    case FleetColumn::Requests: return orDash(row.requestsPerSec);
    case FleetColumn::Errors: return orDash(row.errorsPerSec);
    case FleetColumn::P99: return orDash(row.p99Us);
    case FleetColumn::Queue: return orDash(row.queue);
    case FleetColumn::Shards: return row.shards;
    default: return {};
    }
}

QString fleetColumnTitle(int column)
{
    static const char *const kTitles[] = {"node", "state", "version", "\u2605", "req/s", "err/s", "p99", "queue", "shards"};
    return column >= 0 && column < FleetColumn::Count ? QString::fromUtf8(kTitles[column]) : QString();
}

QString fleetColumnToolTip(int column)
{
    switch (column) {
    case FleetColumn::Coordinator: return QStringLiteral("The node that coordinates cluster restarts");
    case FleetColumn::Requests: return QStringLiteral("Requests answered per second, over its shards' counters (a dash until two readings 1 s apart)");
    case FleetColumn::Errors: return QStringLiteral("Requests failed per second, over its shards' counters");
    case FleetColumn::P99: return QStringLiteral("The worst shard's p99 latency of the shards' work (a dash without samples)");
    case FleetColumn::Queue: return QStringLiteral("Requests queued, summed over its shards");
    default: return fleetColumnTitle(column);
    }
}

} // namespace shardscope
