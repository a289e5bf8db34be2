#pragma once

#include <QAbstractTableModel>
#include <QJsonArray>
#include <QJsonObject>

namespace shardscope {

// The cluster restarts of GET /v1/cluster/history, newest first: a row per run with its id,
// when it was asked, strategy, who asked, outcome and reason (with what it resumes).
class RestartHistoryModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { IdColumn, WhenColumn, StrategyColumn, WhoColumn, OutcomeColumn, ReasonColumn, ColumnCount };
    enum Role {
        RunIdRole = Qt::UserRole + 1,
        OutcomeRole, // the journal's state: completed, failed, aborted, rolled_back, ...
    };

    explicit RestartHistoryModel(QObject *parent = nullptr);

    // {"runs": [...]} as the route answers it.
    void setRuns(const QJsonObject &list);
    QString runId(int row) const;
    int rowOf(const QString &id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QJsonArray m_runs;
};

} // namespace shardscope
