#include "model/cluster/ClusterEventLog.h"

#include <QDateTime>
#include <QFont>

#include <algorithm>

namespace shardscope {

ClusterEventLog::ClusterEventLog(std::size_t capacity, QObject *parent)
    : QAbstractTableModel(parent)
    , m_capacity(capacity)
{
}

int ClusterEventLog::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_items.size());
}

int ClusterEventLog::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ClusterEventLog::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ClusterEventFeed::Item &item = m_items[std::size_t(index.row())];
    switch (role) {
    case ToneRole: return int(clusterEventTone(item.event));
    case KindRole: return item.event.kind;
    case SeenByRole: return item.seenBy;
    case TimeMsRole: return qint64(item.event.timeMs);
    case NodeRole: return item.note ? QString() : item.event.node;
    case Qt::DisplayRole: return display(item, index.column());
    case Qt::ToolTipRole:
        if (item.note)
            return item.event.message;
        return QStringLiteral("%1\n(event %2 of %3's log, kind %4)").arg(item.event.message).arg(item.event.seq).arg(item.seenBy, item.event.kind);
    default: return decoration(item, index.column(), role);
    }
}

QVariant ClusterEventLog::display(const ClusterEventFeed::Item &item, int column) const
{
    const ClusterEventRecord &e = item.event;
    switch (column) {
    case TimeColumn: {
        const QDateTime t = m_utc ? QDateTime::fromMSecsSinceEpoch(e.timeMs, Qt::UTC) : QDateTime::fromMSecsSinceEpoch(e.timeMs);
        return t.toString(QStringLiteral("HH:mm:ss.zzz"));
    }
    case KindColumn: return item.note ? QStringLiteral("console") : clusterEventKind(e);
    case NodeColumn: return e.node;
    case RestartColumn: return e.restartId;
    case MessageColumn: return e.message;
    }
    return {};
}

// Colour says the outcome, never alone: the kind and the message name it too.
QVariant ClusterEventLog::decoration(const ClusterEventFeed::Item &item, int column, int role) const
{
    const ClusterEventTone tone = clusterEventTone(item.event);
    if (role == Qt::BackgroundRole) {
        const QColor tint = clusterToneTint(tone);
        return tint.isValid() ? QVariant(tint) : QVariant();
    }
    // The node is a link: a click shows it (ClusterEventView).
    if (column == NodeColumn && !item.note && !item.event.node.isEmpty()) {
        if (role == Qt::ForegroundRole)
            return QColor(0x2f6fdb);
        if (role == Qt::FontRole) {
            QFont f;
            f.setUnderline(true);
            return f;
        }
    }
    // A tinted row is light in either theme: its plain text is dark, never the dark theme's light text.
    if (role == Qt::ForegroundRole && column != KindColumn && clusterToneTint(tone).isValid())
        return QColor(0x202020);
    if (role == Qt::ForegroundRole && (column == KindColumn || tone == ClusterEventTone::Note)) {
        const QColor colour = clusterToneColour(tone);
        return colour.isValid() ? QVariant(colour) : QVariant();
    }
    if (role == Qt::FontRole && (tone == ClusterEventTone::Note || (column == KindColumn && tone != ClusterEventTone::Plain))) {
        QFont f;
        f.setItalic(tone == ClusterEventTone::Note);
        f.setBold(tone != ClusterEventTone::Note);
        return f;
    }
    return {};
}

QVariant ClusterEventLog::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn: return QStringLiteral("Time");
    case KindColumn: return QStringLiteral("Kind");
    case NodeColumn: return QStringLiteral("Node");
    case RestartColumn: return QStringLiteral("Restart");
    case MessageColumn: return QStringLiteral("Message");
    }
    return {};
}

std::int64_t ClusterEventLog::goneEventMs(const QString &node, const QString &state) const
{
    const auto at = [&](const char *kind) {
        auto it = m_newest.find({QLatin1String(kind), node});
        return it == m_newest.end() ? std::int64_t(0) : it->second;
    };
    const std::int64_t gone = at(state == QLatin1String("left") ? "node_left" : "node_lost");
    return gone >= at("node_up") ? gone : 0;
}

void ClusterEventLog::applyPage(const QString &nodeUrl, const QString &nodeId, std::uint64_t since, const ClusterEventPage &page,
                                std::int64_t nowMs)
{
    const QString before = m_feed.sourceNode();
    append(m_feed.take(nodeUrl, nodeId, since, page, nowMs));
    if (m_feed.sourceNode() != before)
        Q_EMIT sourceChanged(m_feed.sourceNode());
}

void ClusterEventLog::append(std::vector<ClusterEventFeed::Item> items)
{
    if (items.empty())
        return;
    if (items.size() > m_capacity)
        items.erase(items.begin(), items.end() - std::ptrdiff_t(m_capacity));
    const std::size_t overflow = m_items.size() + items.size() > m_capacity ? m_items.size() + items.size() - m_capacity : 0;
    if (overflow > 0) {
        beginRemoveRows({}, 0, int(overflow) - 1);
        m_items.erase(m_items.begin(), m_items.begin() + std::ptrdiff_t(overflow));
        endRemoveRows();
    }
    for (const ClusterEventFeed::Item &i : items) {
        if (i.note || i.event.node.isEmpty())
            continue;
        std::int64_t &newest = m_newest[{i.event.kind, i.event.node}];
        newest = std::max(newest, i.event.timeMs);
    }
    const int first = int(m_items.size());
    beginInsertRows({}, first, first + int(items.size()) - 1);
    for (ClusterEventFeed::Item &i : items)
        m_items.push_back(std::move(i));
    endInsertRows();
}

} // namespace shardscope
