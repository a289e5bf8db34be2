#pragma once

#include <QMainWindow>

#include <memory>

class QAction;
class QLabel;
class QSplitter;
class QTabWidget;

namespace shardscope {

enum class Theme;

class ClusterCharts;
class ClusterEventView;
class ClusterHeader;
class ClusterModel;
class FleetHistory;
class FleetModel;
class FleetPanel;
class NodeConsole;
class NodeDrillPanel;
class NodeTimelineView;
class RestartHistoryDialog;

// The console in cluster mode: the cluster header, then the fleet view (a row per node
// ever seen, natural id order or by severity, with its shards as a strip of cells; lost
// and left nodes stay, greyed), beside it the selected node's tiles over the cluster's
// event log, Restart All for the whole cluster (optionally guarded) and its history. Reads the ClusterModel only.
class ClusterWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit ClusterWindow(ClusterModel &model, QWidget *parent = nullptr);
    ~ClusterWindow() override;

    ClusterHeader *header() const { return m_header; }
    ClusterEventView *eventView() const { return m_events; }
    FleetModel *fleetModel() const { return m_fleet; }
    FleetPanel *fleetPanel() const { return m_fleetPanel; }
    NodeDrillPanel *drill() const { return m_drill; }
    FleetHistory *history() const { return m_history; }
    NodeTimelineView *nodeTimeline() const { return m_timeline; }
    ClusterCharts *clusterCharts() const { return m_charts; }
    QTabWidget *clusterTabs() const { return m_clusterTabs; }
    // The drilled-into node's own console model, null when none is open.
    NodeConsole *nodeConsole() const { return m_console.get(); }

    QAction *restartAction() const { return m_restartAction; }
    QAction *abortAction() const { return m_abortAction; }
    // The newest command outcome the status bar shows.
    QString lastMessage() const { return m_lastMessage; }

public Q_SLOTS:
    // The strategy and blast-radius dialog (Cancel default); on OK asks the cluster.
    void showRestartDialog();
    // The restart history: the runs etcd keeps, and a replay of the one selected.
    void showHistory();
    // The theme chosen last in either console (the app calls it; tests keep the default).
    void restoreTheme();
    // Makes the node current in the fleet view and shows its tiles beside it.
    void selectNode(const QString &nodeId);

private:
    void selectFirstNode();
    // The drill-down's console follows the current node: opened on selection, dropped on
    // deselection or another selection.
    void followNode(const QString &nodeId);
    void addViewMenu();
    void setTheme(Theme theme);
    void refreshActions();
    void refreshSource();
    void onCommandFinished(const QString &command, bool ok, const QString &message);

    ClusterModel &m_model;
    ClusterHeader *m_header;
    ClusterEventView *m_events;
    FleetModel *m_fleet;
    FleetPanel *m_fleetPanel;
    NodeDrillPanel *m_drill;
    FleetHistory *m_history;
    NodeTimelineView *m_timeline;
    ClusterCharts *m_charts;
    QTabWidget *m_clusterTabs; // the event log, the node timeline, the cluster charts
    std::unique_ptr<NodeConsole> m_console;
    QSplitter *m_split;     // the fleet | the node's tiles over the event log
    QSplitter *m_sideSplit; // the node's console over the cluster's tabs
    QAction *m_restartAction;
    QAction *m_abortAction;
    QAction *m_lightAction = nullptr;
    QAction *m_darkAction = nullptr;
    RestartHistoryDialog *m_historyDialog = nullptr;
    QLabel *m_source; // which node's cluster status is shown
    QString m_lastMessage;
};

} // namespace shardscope
