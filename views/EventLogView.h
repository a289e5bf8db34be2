#pragma once

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QSpinBox;
class QTableView;

namespace shardscope {

class ConsoleModel;

// Service events and the app's own log lines with timestamps, filterable by level,
// shard and text; follows the newest line unless the operator scrolls away.
class EventLogView : public QWidget
{
    Q_OBJECT
public:
    explicit EventLogView(ConsoleModel &model, QWidget *parent = nullptr);

    QTableView *table() const { return m_table; }
    QComboBox *levelBox() const { return m_level; }
    QSpinBox *shardBox() const { return m_shard; }

private:
    ConsoleModel &m_model;
    QComboBox *m_level;
    QSpinBox *m_shard;
    QLineEdit *m_text;
    QCheckBox *m_follow;
    QTableView *m_table;
};

} // namespace shardscope
