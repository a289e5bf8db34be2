#pragma once

#include <QWidget>

class QCheckBox;
class QLabel;
class QLineEdit;
class QModelIndex;
class QSortFilterProxyModel;
class QTableView;

namespace shardscope {

class ClusterEventLog;

// The cluster window's event log: time, kind, node, restart id and message of what the
// node the console talks to saw happen, newest at the bottom as in the single-node log,
// restart outcomes tinted by what the journal says (completed green, failed or rolled back
// red, aborted amber). Filters on text; follows the newest row unless told not to. The
// node of a row is a link to it.
class ClusterEventView : public QWidget
{
    Q_OBJECT
public:
    explicit ClusterEventView(ClusterEventLog &log, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    QLineEdit *filterField() const { return m_text; }
    QString sourceText() const;

Q_SIGNALS:
    // A click on a row's node (a link), or Enter on a row that names one.
    void nodeActivated(const QString &id);

private:
    void showSource(const QString &nodeId);
    void activate(const QModelIndex &index);

    ClusterEventLog &m_log;
    QSortFilterProxyModel *m_proxy;
    QLabel *m_source;
    QLineEdit *m_text;
    QCheckBox *m_follow;
    QTableView *m_table;
};

} // namespace shardscope
