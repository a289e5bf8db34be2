#pragma once

#include <QWidget>

class QLabel;
class QTabWidget;

namespace shardscope {

class AuditView;
class ChartPanel;
class ConnectionBanner;
class ConsoleModel;
class EventLogView;
class RestartPanel;
class ShardDetailPanel;
class ShardGridPanel;
class StateTimelineWidget;

// One node's console as a widget: the single-node window's own panels (grid, restart
// panel with its phase stepper and drain blockers, shard detail, charts, state timeline,
// event log, audit) over one ConsoleModel, laid out for the side of the cluster window.
// Restart, stop and start are not offered: a cluster member restarts with its cluster
// (Restart All), so the restart panel is read-only here and says so.
class NodeConsoleWidget : public QWidget
{
    Q_OBJECT
public:
    explicit NodeConsoleWidget(ConsoleModel &model, QWidget *parent = nullptr);

    ConsoleModel &model() const { return m_model; }
    ShardGridPanel *grid() const { return m_grid; }
    RestartPanel *restartPanel() const { return m_restart; }
    ShardDetailPanel *detail() const { return m_detail; }
    ChartPanel *charts() const { return m_charts; }
    StateTimelineWidget *timeline() const { return m_timeline; }
    EventLogView *eventLog() const { return m_events; }
    AuditView *audit() const { return m_audit; }
    QTabWidget *tabs() const { return m_tabs; }
    ConnectionBanner *banner() const { return m_banner; }
    void setDark(bool dark);

protected:
    void changeEvent(QEvent *event) override;

private:
    void makeReadOnly();
    void compactGridControls();

    ConsoleModel &m_model;
    ShardGridPanel *m_grid;
    RestartPanel *m_restart;
    ShardDetailPanel *m_detail;
    ChartPanel *m_charts;
    StateTimelineWidget *m_timeline;
    EventLogView *m_events;
    AuditView *m_audit;
    QTabWidget *m_tabs;
    ConnectionBanner *m_banner;
};

} // namespace shardscope
