#include "model/events/EventListModel.h"

#include "backend/types/ServiceEvent.h"

#include <QDateTime>

#include <algorithm>

namespace shardscope {
namespace {

QString qs(std::string_view v) { return QString::fromLatin1(v.data(), qsizetype(v.size())); }

} // namespace

QString levelName(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug: return QStringLiteral("debug");
    case LogLevel::Info: return QStringLiteral("info");
    case LogLevel::Warning: return QStringLiteral("warning");
    case LogLevel::Error: return QStringLiteral("error");
    }
    return {};
}

EventListModel::EventListModel(std::size_t capacity, QObject *parent)
    : QAbstractTableModel(parent)
    , m_capacity(capacity)
{
}

int EventListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int EventListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const EventEntry &e = m_entries[std::size_t(index.row())];
    switch (role) {
    case LevelRole: return int(e.level);
    case ShardRole: return e.shard;
    case TimeMsRole: return e.timeMs;
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        switch (index.column()) {
        case TimeColumn: {
            const QDateTime t = m_utc ? QDateTime::fromMSecsSinceEpoch(e.timeMs, Qt::UTC)
                                      : QDateTime::fromMSecsSinceEpoch(e.timeMs);
            return t.toString(QStringLiteral("HH:mm:ss.zzz"));
        }
        case LevelColumn: return levelName(e.level);
        case SourceColumn: return e.source;
        case ShardColumn: return e.shard < 0 ? QString() : QString::number(e.shard);
        case MessageColumn: return e.text;
        }
        return {};
    default: return {};
    }
}

QVariant EventListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn: return QStringLiteral("Time");
    case LevelColumn: return QStringLiteral("Level");
    case SourceColumn: return QStringLiteral("Source");
    case ShardColumn: return QStringLiteral("Shard");
    case MessageColumn: return QStringLiteral("Message");
    }
    return {};
}

void EventListModel::appendEntries(std::vector<EventEntry> entries)
{
    if (entries.empty())
        return;
    // Rows from different polls and the console's own lines can arrive out of time order
    // (an event is fetched a poll after a console line written later): keep the log in
    // time order, equal times in arrival order.
    const auto earlier = [](const EventEntry &a, const EventEntry &b) { return a.timeMs < b.timeMs; };
    std::stable_sort(entries.begin(), entries.end(), earlier);
    if (entries.size() > m_capacity)
        entries.erase(entries.begin(), entries.end() - std::ptrdiff_t(m_capacity));
    const std::size_t overflow = m_entries.size() + entries.size() > m_capacity
        ? m_entries.size() + entries.size() - m_capacity : 0;
    if (overflow > 0) {
        beginRemoveRows({}, 0, int(overflow) - 1);
        m_entries.erase(m_entries.begin(), m_entries.begin() + std::ptrdiff_t(overflow));
        endRemoveRows();
    }
    // Rows older than the newest kept go in one by one (rare); the rest are appended at once.
    auto late = entries.begin();
    for (; late != entries.end() && !m_entries.empty() && late->timeMs < m_entries.back().timeMs; ++late) {
        const auto at = std::upper_bound(m_entries.begin(), m_entries.end(), *late, earlier);
        const int row = int(at - m_entries.begin());
        beginInsertRows({}, row, row);
        m_entries.insert(at, std::move(*late));
        endInsertRows();
    }
    if (late == entries.end())
        return;
    const int first = int(m_entries.size());
    beginInsertRows({}, first, first + int(entries.end() - late) - 1);
    for (; late != entries.end(); ++late)
        m_entries.push_back(std::move(*late));
    endInsertRows();
}

void EventListModel::appendServiceEvents(const std::vector<ServiceEvent> &events)
{
    std::vector<EventEntry> entries;
    entries.reserve(events.size());
    for (const ServiceEvent &e : events)
        entries.push_back(toEntry(e));
    appendEntries(std::move(entries));
}

namespace {
// What happened, in words an operator reads: "Phase draining ended", "Shard now serving v4".
QString eventWords(const ServiceEvent &ev)
{
    const QString phase = qs(toString(ev.phase)).replace(u'_', u' ');
    switch (ev.kind) {
    case EventKind::RestartRequested: return QStringLiteral("Restart requested");
    case EventKind::PhaseStarted: return QStringLiteral("Phase %1 started").arg(phase);
    case EventKind::PhaseEnded: return QStringLiteral("Phase %1 ended").arg(phase);
    case EventKind::RestartFinished: return QStringLiteral("Restart finished");
    case EventKind::ShardStateChanged:
        return QStringLiteral("Shard now %1 v%2").arg(qs(toString(ev.state))).arg(ev.version);
    case EventKind::ServiceStarted: return QStringLiteral("Service started");
    case EventKind::ServiceStopped: return QStringLiteral("Service stopped");
    case EventKind::Warning: return QStringLiteral("Warning");
    }
    return qs(toString(ev.kind));
}
} // namespace

EventEntry EventListModel::toEntry(const ServiceEvent &ev)
{
    EventEntry e;
    e.timeMs = ev.timeMs;
    e.level = ev.severity == Severity::Error ? LogLevel::Error
        : ev.severity == Severity::Warning   ? LogLevel::Warning
                                             : LogLevel::Info;
    e.source = QStringLiteral("service");
    e.shard = ev.shard;
    QString text = eventWords(ev);
    if (!ev.outcome.isEmpty())
        text += QStringLiteral(" (") + QString(ev.outcome).replace(u'_', u' ') + u')';
    if (ev.durationUs >= 0 && ev.durationUs < 10000) // sub-10 ms phases are common: show their fraction
        text += QStringLiteral(" in ") + QString::number(double(ev.durationUs) / 1000.0, 'f', 2) + QStringLiteral(" ms");
    else if (ev.durationMs >= 0)
        text += QStringLiteral(" in ") + QString::number(ev.durationMs) + QStringLiteral(" ms");
    if (ev.restartId != 0)
        text += QStringLiteral(" [restart ") + QString::number(ev.restartId) + u']';
    if (!ev.message.isEmpty())
        text += QStringLiteral(": ") + ev.message;
    e.text = text;
    return e;
}

} // namespace shardscope
