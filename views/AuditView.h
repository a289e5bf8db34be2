#pragma once

#include <QTimer>
#include <QWidget>

class QTreeWidget;

namespace shardscope {

class ConsoleModel;

// Who restarted, stopped or started the service, how, and how it ended: newest first,
// refreshed while the tab is visible.
class AuditView : public QWidget
{
    Q_OBJECT
public:
    explicit AuditView(ConsoleModel &model, QWidget *parent = nullptr);
    QTreeWidget *table() const { return m_table; }

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void fill();

    ConsoleModel &m_model;
    QTreeWidget *m_table;
    QTimer m_refresh;
};

} // namespace shardscope
