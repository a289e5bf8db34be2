#pragma once

#include "views/Theme.h"

#include <QMainWindow>

class QAction;
class QLabel;
class QSplitter;
class QTabWidget;

namespace shardscope {

class ChartPanel;
class ConsoleModel;
class EventLogView;
class FaultsMenu;
class HeaderStrip;
class RestartPanel;
class ShardDetailPanel;
class ShardGridPanel;
class StateTimelineWidget;
class WorkloadPanel;

// The console: header strip on top, the shard grid with the restart, detail and workload
// panels beside it, and charts, state timeline and event log in tabs below. Reads the
// ConsoleModel only.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(ConsoleModel &model, QWidget *parent = nullptr);

    HeaderStrip *header() const { return m_header; }
    ShardGridPanel *grid() const { return m_grid; }
    RestartPanel *restartPanel() const { return m_restartPanel; }
    WorkloadPanel *workloadPanel() const { return m_workloadPanel; }
    ChartPanel *charts() const { return m_charts; }
    StateTimelineWidget *timeline() const { return m_timeline; }
    EventLogView *eventLog() const { return m_eventLog; }
    QTabWidget *tabs() const { return m_tabs; }
    class ConnectionBanner *connectionBanner() const { return m_connection; }
    QAction *restartAction() const { return m_restartAction; }
    QAction *stopAction() const { return m_stopAction; }
    QAction *startAction() const { return m_startAction; }
    FaultsMenu *faultsMenu() const { return m_faultsMenu; }

    void setTheme(Theme theme);
    Theme theme() const { return m_theme; }
    // Geometry, splitters and theme from QSettings ("window/").
    void restoreSettings();
    void saveSettings() const;

public Q_SLOTS:
    // Opens the restart settings + confirm dialog; on OK asks the service to restart.
    void showRestartDialog();
    // The same with a forced drain chosen (after a drain timed out).
    void showRestartDialogForcingDrain();
    // Asks first, with Cancel as the default button; on Yes stops the service.
    void confirmStop();

protected:
    void closeEvent(QCloseEvent *event) override;
    bool event(QEvent *event) override;

private:
    void buildMenus();
    QWidget *buildTimelineTab();
    void refreshTimelineCounts(); // the count band's chips, in the theme's state colours
    // Commands on or off with the connection, the title naming the service.
    void refreshLiveness();

    ConsoleModel &m_model;
    HeaderStrip *m_header;
    ShardGridPanel *m_grid;
    RestartPanel *m_restartPanel;
    ShardDetailPanel *m_detail;
    WorkloadPanel *m_workloadPanel;
    ChartPanel *m_charts;
    StateTimelineWidget *m_timeline;
    QLabel *m_timelineCounts = nullptr;
    EventLogView *m_eventLog;
    QTabWidget *m_tabs;
    QSplitter *m_vertical;
    QSplitter *m_horizontal;
    QLabel *m_endpoint;
    QLabel *m_frameTime;
    class ConnectionBanner *m_connection = nullptr;
    QAction *m_restartAction = nullptr;
    QAction *m_stopAction = nullptr;
    QAction *m_startAction = nullptr;
    FaultsMenu *m_faultsMenu = nullptr;
    QAction *m_lightAction = nullptr;
    QAction *m_darkAction = nullptr;
    Theme m_theme = Theme::Light;
};

} // namespace shardscope
