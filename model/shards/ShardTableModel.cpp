#include "model/shards/ShardTableModel.h"

#include "model/shards/ArmedFaults.h"
#include "model/shards/SkewAnalysis.h"
#include "model/shards/StateStyle.h"

#include "backend/types/ProcedureLatency.h"

#include <QColor>

#include <algorithm>

namespace shardscope {
namespace {

constexpr quint32 kMinQueueScale = 16;

// ShardRow::armedFaults carries the backend's ArmedFault bits unchanged.
static_assert(kArmedFaultNames.size() == std::size_t(kArmedFaultKinds));
static_assert(quint8(ArmedFault::Slow) == 1u << kSlowFaultBit);
static_assert(kLatencyViewCount == kLatencyProcedureCount + 1); // the work view, then each procedure

quint32 scaleFor(const std::vector<ShardRow> &rows)
{
    quint32 deepest = 0;
    for (const ShardRow &r : rows)
        deepest = std::max(deepest, r.queuePeak);
    quint32 scale = kMinQueueScale;
    while (scale < deepest && scale < (1u << 30))
        scale *= 2;
    return scale;
}

double medianPeak(const std::vector<ShardRow> &rows)
{
    std::vector<quint32> peaks;
    peaks.reserve(rows.size());
    for (const ShardRow &r : rows)
        peaks.push_back(r.queuePeak);
    if (peaks.empty())
        return 0;
    const std::size_t mid = peaks.size() / 2;
    std::nth_element(peaks.begin(), peaks.begin() + std::ptrdiff_t(mid), peaks.end());
    if (peaks.size() % 2 == 1)
        return peaks[mid];
    return (double(*std::max_element(peaks.begin(), peaks.begin() + std::ptrdiff_t(mid))) + peaks[mid]) / 2.0;
}

// SkewAnalysis's queue rule over the peaks the bars draw: judged on the depth of one
// instant, a hot shard's flag blinked on and off with its queue.
void flagQueueOutliers(std::vector<ShardRow> &rows)
{
    const double median = medianPeak(rows);
    for (ShardRow &r : rows)
        r.queueSkew = r.queuePeak > kQueueSkewFloor && r.queuePeak > kQueueSkewFactor * median;
}

bool unhealthy(const ShardRow &r)
{
    return ShardTableModel::severity(r) > 0;
}

// The roles whose value differs between two versions of a row.
QList<int> changedRoles(const ShardRow &a, const ShardRow &b, bool scaleChanged, int view)
{
    using R = ShardTableModel;
    QList<int> roles;
    if (a.state != b.state || a.stalled != b.stalled)
        roles << R::StateRole << R::StateNameRole << R::StateSymbolRole << R::ColourRole << R::TextColourRole;
    if (a.version != b.version)
        roles << R::VersionRole;
    if (a.generation != b.generation)
        roles << R::GenerationRole;
    if (a.queueDepth != b.queueDepth)
        roles << R::QueueDepthRole;
    if (a.queuePeak != b.queuePeak)
        roles << R::QueuePeakRole;
    // The delegate reads the peak with the fraction: a new peak changes both.
    if (a.queuePeak != b.queuePeak || (scaleChanged && b.queuePeak > 0))
        roles << R::QueueFractionRole;
    if (a.inFlight != b.inFlight)
        roles << R::InFlightRole;
    if (a.oldestInFlightMs != b.oldestInFlightMs)
        roles << R::OldestInFlightRole;
    if (ShardTableModel::oldestText(a.oldestInFlightMs) != ShardTableModel::oldestText(b.oldestInFlightMs))
        roles << R::OldestShownRole;
    if (a.processed != b.processed)
        roles << R::ProcessedRole;
    if (a.failed != b.failed)
        roles << R::FailedRole;
    if (a.latencyP50Us != b.latencyP50Us)
        roles << R::LatencyP50Role;
    if (a.latencyP99Us != b.latencyP99Us)
        roles << R::LatencyP99Role;
    if (a.stalled != b.stalled)
        roles << R::StalledRole;
    if (a.latency[std::size_t(view)] != b.latency[std::size_t(view)])
        roles << R::ViewP50Role << R::ViewP99Role << R::ViewSamplesRole;
    if (R::latencyText(a, view) != R::latencyText(b, view))
        roles << R::LatencyTextRole;
    if (a.armedFaults != b.armedFaults || a.slowFaultMs != b.slowFaultMs)
        roles << R::ArmedFaultsRole << R::FaultChipRole;
    if (a.versionSkew != b.versionSkew)
        roles << R::VersionSkewRole;
    if (a.queueSkew != b.queueSkew)
        roles << R::QueueSkewRole;
    if (ShardTableModel::severity(a) != ShardTableModel::severity(b))
        roles << R::SeverityRole;
    if (unhealthy(a) != unhealthy(b))
        roles << R::UnhealthyRole;
    if (!roles.isEmpty())
        roles << Qt::DisplayRole << Qt::ToolTipRole << Qt::AccessibleTextRole;
    return roles;
}

QString tooltip(const ShardRow &r, int view)
{
    const QString oldest = r.inFlight > 0 && r.oldestInFlightMs > 0
        ? QStringLiteral(" (oldest %1 s)").arg(r.oldestInFlightMs / 1000.0, 0, 'f', 1)
        : QString();
    return QStringLiteral("Shard %1\nState: %2\nVersion: v%3 (generation %4)\nQueue: %5 (the tile's bar)\n"
                          "In flight: %6\nProcessed: %7\nFailed: %8\nLatency (%9): p50 %10, p99 %11%12%13")
        .arg(r.id)
        .arg(stateName(ShardTableModel::shownState(r)))
        .arg(r.version)
        .arg(r.generation)
        .arg(ShardTableModel::queueText(r))
        .arg(QString::number(r.inFlight) + oldest)
        .arg(r.processed)
        .arg(r.failed)
        .arg(ShardTableModel::latencyViewName(view))
        .arg(ShardTableModel::latencyText(r, view, false))
        .arg(ShardTableModel::latencyText(r, view))
        .arg(r.versionSkew ? QStringLiteral("\nVersion differs from the majority") : QString())
        .arg(r.queueSkew ? QStringLiteral("\nQueue is an outlier (over 3x the median)") : QString())
        + (r.armedFaults ? QStringLiteral("\nFault drill armed: ") + armedFaultsText(r.armedFaults, r.slowFaultMs) : QString());
}

} // namespace

ShardTableModel::ShardTableModel(QObject *parent)
    : QAbstractListModel(parent)
{
}

int ShardTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ShardTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ShardRow &r = m_rows[std::size_t(index.row())];
    const int shown = shownState(r);
    const LatencyCell &cell = r.latency[std::size_t(m_latencyView)];
    switch (role) {
    case Qt::DisplayRole:
        return QStringLiteral("%1 %2 v%3").arg(r.id).arg(stateName(shown)).arg(r.version);
    case Qt::ToolTipRole:
        return tooltip(r, m_latencyView);
    case Qt::AccessibleTextRole:
        return QStringLiteral("Shard %1, %2, version %3, queue %4").arg(r.id).arg(stateName(shown)).arg(r.version).arg(queueText(r));
    case IdRole: return r.id;
    case StateRole: return shown;
    case StateNameRole: return stateName(shown);
    case StateSymbolRole: return stateSymbol(shown);
    case ColourRole: return stateColour(shown);
    case TextColourRole: return stateTextColour(shown);
    case StalledRole: return r.stalled;
    case LatencyTextRole: return QString(QStringLiteral("p99 ") + latencyText(r, m_latencyView));
    case ViewP50Role: return cell.samples ? cell.p50Us : 0u;
    case ViewP99Role: return cell.samples ? cell.p99Us : 0u;
    case ViewSamplesRole: return cell.samples;
    case VersionRole: return QVariant::fromValue<quint64>(r.version);
    case GenerationRole: return QVariant::fromValue<quint64>(r.generation);
    case QueueDepthRole: return r.queueDepth;
    case QueueFractionRole: return std::min(1.0, double(r.queuePeak) / m_queueScale);
    case QueuePeakRole: return r.queuePeak;
    case InFlightRole: return r.inFlight;
    case OldestInFlightRole: return r.oldestInFlightMs;
    case OldestShownRole: return oldestText(r.oldestInFlightMs);
    case ProcessedRole: return QVariant::fromValue<quint64>(r.processed);
    case FailedRole: return QVariant::fromValue<quint64>(r.failed);
    case LatencyP50Role: return r.latencyP50Us;
    case LatencyP99Role: return r.latencyP99Us;
    case VersionSkewRole: return r.versionSkew;
    case QueueSkewRole: return r.queueSkew;
    case UnhealthyRole: return unhealthy(r);
    case SeverityRole: return severity(r);
    case ArmedFaultsRole: return armedFaultsText(r.armedFaults, r.slowFaultMs);
    case FaultChipRole: return armedFaultChip(r.armedFaults, r.slowFaultMs);
    default: return {};
    }
}

QHash<int, QByteArray> ShardTableModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert({{IdRole, "shardId"}, {StateRole, "state"}, {StateNameRole, "stateName"},
                  {StateSymbolRole, "stateSymbol"}, {ColourRole, "colour"}, {TextColourRole, "textColour"},
                  {VersionRole, "version"}, {GenerationRole, "generation"}, {QueueDepthRole, "queueDepth"},
                  {QueueFractionRole, "queueFraction"}, {InFlightRole, "inFlight"}, {ProcessedRole, "processed"},
                  {FailedRole, "failed"},
                  {OldestInFlightRole, "oldestInFlightMs"}, {OldestShownRole, "oldestShown"}, {LatencyP50Role, "latencyP50Us"}, {LatencyP99Role, "latencyP99Us"},
                  {VersionSkewRole, "versionSkew"}, {QueueSkewRole, "queueSkew"}, {UnhealthyRole, "unhealthy"},
                  {ArmedFaultsRole, "armedFaults"}, {FaultChipRole, "faultChip"}, {StalledRole, "stalled"},
                  {LatencyTextRole, "latencyText"}, {ViewP50Role, "viewP50Us"}, {ViewP99Role, "viewP99Us"},
                  {ViewSamplesRole, "viewSamples"}, {QueuePeakRole, "queuePeak"}});
    return names;
}

QString ShardTableModel::queueText(const ShardRow &r)
{
    return QStringLiteral("%1 now, %2 at most in the last second").arg(r.queueDepth).arg(r.queuePeak);
}

QString ShardTableModel::oldestText(quint32 ms)
{
    if (ms < kOldestRequestShownMs)
        return {};
    const quint32 s = ms / 1000;
    if (s < 120)
        return QStringLiteral("%1 s").arg(s);
    return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

bool ShardTableModel::isStalled(const ShardRow &r, quint32 thresholdMs)
{
    switch (ShardState(r.state)) {
    case ShardState::Serving:
    case ShardState::Gated:
    case ShardState::Draining:
    case ShardState::Verifying:
        return r.inFlight > 0 && r.oldestInFlightMs >= thresholdMs;
    default:
        return false;
    }
}

QString ShardTableModel::latencyViewName(int view)
{
    if (view <= 0 || view > kLatencyProcedureCount)
        return QStringLiteral("work, no sleep");
    const std::string_view name = kLatencyProcedures[std::size_t(view - 1)];
    return QString::fromLatin1(name.data(), qsizetype(name.size()));
}

namespace {
QString formatLatencyMs(quint32 us)
{
    const double ms = us / 1000.0;
    return (ms >= 100 ? QString::number(qRound(ms)) : QString::number(ms, 'f', ms >= 10 ? 1 : 2))
        + QStringLiteral(" ms");
}
} // namespace

QString ShardTableModel::latencyText(const ShardRow &r, int view, bool p99)
{
    const auto state = ShardState(r.state);
    const bool live = state != ShardState::Canceled && state != ShardState::Stopped && state != ShardState::Failed;
    const LatencyCell &cell = r.latency[std::size_t(std::clamp(view, 0, kLatencyViewCount - 1))];
    if (!live || cell.samples == 0)
        return QStringLiteral("-");
    return formatLatencyMs(p99 ? cell.p99Us : cell.p50Us);
}

int ShardTableModel::severity(const ShardRow &r)
{
    if (r.stalled)
        return 5; // its requests wait and a drain would wait on it: as bad as a canceled shard
    const auto state = ShardState(r.state);
    const auto phase = ServicePhase(r.servicePhase);
    const bool restartRunning = phase != ServicePhase::Serving && phase != ServicePhase::Stopped;
    switch (state) {
    case ShardState::Failed: return 6;
    case ShardState::Canceled: return 5;
    case ShardState::Stopped: return phase == ServicePhase::Stopped ? 0 : 4;
    case ShardState::Gated:
    case ShardState::Draining:
    case ShardState::Restarting:
    case ShardState::Verifying:
        if (!restartRunning)
            return 3; // left behind by a restart that ended
        return r.inFlight > 0 ? 2 : 0; // a straggler holds the drain; the rest are on plan
    case ShardState::Serving:
        break;
    }
    if (r.queueSkew || (r.versionSkew && !restartRunning) || r.oldestInFlightMs >= kOldestRequestShownMs)
        return 1; // versions differ between shards while a restart replaces them: expected
    return 0;
}

void ShardTableModel::apply(const ServiceSnapshot &snapshot, const SkewReport &skew)
{
    std::vector<ShardRow> rows;
    rows.reserve(snapshot.shards.size());
    for (std::size_t i = 0; i < snapshot.shards.size(); ++i) {
        const ShardSnapshot &s = snapshot.shards[i];
        ShardRow r;
        r.id = s.id;
        r.state = int(s.state);
        r.version = s.version;
        r.generation = s.generation;
        r.queueDepth = s.queueDepth;
        r.inFlight = s.inFlight;
        r.oldestInFlightMs = s.inFlight > 0 ? s.oldestInFlightMs : 0;
        r.processed = s.processed;
        r.failed = s.failed;
        r.latencyP50Us = s.latencyP50Us;
        r.latencyP99Us = s.latencyP99Us;
        const auto cell = [](const LatencyFigures &f) { return LatencyCell{f.p50Us, f.p99Us, f.samples}; };
        r.latency[0] = cell(s.workLatency);
        for (std::size_t p = 0; p < s.procedureLatency.size(); ++p)
            r.latency[p + 1] = cell(s.procedureLatency[p]);
        r.armedFaults = s.armedFaults;
        r.slowFaultMs = s.slowFaultMs;
        r.versionSkew = i < skew.versionSkew.size() && skew.versionSkew[i];
        r.servicePhase = int(snapshot.phase);
        rows.push_back(r);
    }
    takePeaks(rows, snapshot.takenAtMs);
    flagQueueOutliers(rows);
    replaceRows(std::move(rows));
}

void ShardTableModel::applyRows(std::vector<ShardRow> rows, qint64 takenAtMs)
{
    takePeaks(rows, takenAtMs);
    replaceRows(std::move(rows));
}

void ShardTableModel::takePeaks(std::vector<ShardRow> &rows, qint64 takenAtMs)
{
    if (rows.size() != m_queuePeaks.size())
        m_queuePeaks.assign(rows.size(), QueuePeak());
    for (std::size_t i = 0; i < rows.size(); ++i)
        rows[i].queuePeak = m_queuePeaks[i].add(takenAtMs, rows[i].queueDepth, kQueuePeakWindowMs);
}

void ShardTableModel::replaceRows(std::vector<ShardRow> rows)
{
    for (ShardRow &r : rows)
        r.stalled = isStalled(r, m_stallThresholdMs);
    const quint32 scale = scaleFor(rows);
    if (rows.size() != m_rows.size()) {
        // The shard count changed (service restarted with another --shards): start over.
        beginResetModel();
        m_rows = std::move(rows);
        m_queueScale = scale;
        endResetModel();
        return;
    }
    const bool scaleChanged = scale != m_queueScale;
    std::vector<std::pair<int, QList<int>>> changes;
    QList<int> allRoles;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        QList<int> roles = changedRoles(m_rows[i], rows[i], scaleChanged, m_latencyView);
        if (roles.isEmpty())
            continue;
        for (int role : roles)
            if (!allRoles.contains(role))
                allRoles << role;
        changes.emplace_back(int(i), std::move(roles));
    }
    m_rows = std::move(rows);
    m_queueScale = scale;
    if (changes.empty())
        return;
    if (changes.size() * 2 > m_rows.size()) {
        Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1), allRoles);
        return;
    }
    for (const auto &[r, roles] : changes)
        Q_EMIT dataChanged(index(r), index(r), roles);
}

void ShardTableModel::setStallThresholdMs(quint32 ms)
{
    if (ms == m_stallThresholdMs)
        return;
    m_stallThresholdMs = std::max<quint32>(ms, 1);
    replaceRows(std::vector<ShardRow>(m_rows)); // re-judged now, not at the next frame; peaks kept
}

void ShardTableModel::setLatencyView(int view)
{
    view = std::clamp(view, 0, kLatencyViewCount - 1);
    if (view == m_latencyView)
        return;
    m_latencyView = view;
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1),
                           {LatencyTextRole, ViewP50Role, ViewP99Role, ViewSamplesRole, Qt::ToolTipRole});
}

const ShardRow *ShardTableModel::row(int r) const
{
    return r >= 0 && r < int(m_rows.size()) ? &m_rows[std::size_t(r)] : nullptr;
}

int ShardTableModel::rowOfShard(int shardId) const
{
    // Shards usually sit at row == id; fall back to a search when they do not.
    if (shardId >= 0 && shardId < int(m_rows.size()) && m_rows[std::size_t(shardId)].id == shardId)
        return shardId;
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].id == shardId)
            return int(i);
    return -1;
}

} // namespace shardscope
