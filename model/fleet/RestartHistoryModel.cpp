#include "model/fleet/RestartHistoryModel.h"

#include <QDateTime>

namespace shardscope {
namespace {

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

QString reasonOf(const QJsonObject &run)
{
    const QString reason = str(run, "reason");
    if (str(run, "resumed_from").isEmpty())
        return reason;
    return QStringLiteral("resumes %1%2").arg(str(run, "resumed_from"), reason.isEmpty() ? QString() : QStringLiteral("; ") + reason);
}

} // namespace

RestartHistoryModel::RestartHistoryModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void RestartHistoryModel::setRuns(const QJsonObject &list)
{
    beginResetModel();
    m_runs = list.value(QStringLiteral("runs")).toArray();
    endResetModel();
}

QString RestartHistoryModel::runId(int row) const
{
    return row >= 0 && row < m_runs.size() ? str(m_runs.at(row).toObject(), "id") : QString();
}

int RestartHistoryModel::rowOf(const QString &id) const
{
    for (int r = 0; r < m_runs.size(); ++r) {
        if (runId(r) == id)
            return r;
    }
    return -1;
}

int RestartHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int RestartHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RestartHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const QJsonObject run = m_runs.at(index.row()).toObject();
    if (role == RunIdRole)
        return str(run, "id");
    if (role == OutcomeRole)
        return str(run, "state");
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case IdColumn: return str(run, "id");
    case WhenColumn: {
        const QJsonValue ms = run.value(QStringLiteral("created_ms"));
        return ms.isDouble() ? QDateTime::fromMSecsSinceEpoch(qint64(ms.toDouble())).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QStringLiteral("-");
    }
    case StrategyColumn: return str(run, "strategy");
    case WhoColumn: return str(run, "requester");
    case OutcomeColumn: return str(run, "state").replace(QLatin1Char('_'), QLatin1Char(' '));
    case ReasonColumn: return reasonOf(run);
    }
    return {};
}

QVariant RestartHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const titles[ColumnCount] = {"Restart", "When", "Strategy", "Who", "Outcome", "Reason"};
    return section >= 0 && section < ColumnCount ? QString::fromLatin1(titles[section]) : QVariant();
}

} // namespace shardscope
