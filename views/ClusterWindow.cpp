#include "views/ClusterWindow.h"

#include "model/cluster/ClusterModel.h"
#include "model/cluster/NodeConsole.h"
#include "model/fleet/FleetFilterProxy.h"
#include "model/fleet/FleetHistory.h"
#include "model/fleet/FleetModel.h"
#include "views/ClusterEventView.h"
#include "views/ClusterHeader.h"
#include "views/ClusterRestartDialog.h"
#include "views/ColourTable.h"
#include "views/Theme.h"
#include "views/fleet/ClusterCharts.h"
#include "views/fleet/FleetPanel.h"
#include "views/fleet/FleetView.h"
#include "views/fleet/RestartHistoryDialog.h"
#include "views/fleet/NodeDrillPanel.h"
#include "views/fleet/NodeTimelineView.h"

#include <QAction>
#include <QCheckBox>
#include <QLineEdit>
#include <QEvent>
#include <QIcon>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>

namespace shardscope {

ClusterWindow::ClusterWindow(ClusterModel &model, QWidget *parent)
    : QMainWindow(parent)
    , m_model(model)
    , m_header(new ClusterHeader(model, this))
    , m_events(new ClusterEventView(model.events(), this))
    , m_fleet(new FleetModel(model, {}, this))
    , m_fleetPanel(new FleetPanel(*m_fleet, this))
    , m_drill(new NodeDrillPanel(*m_fleet, this))
    , m_history(new FleetHistory(*m_fleet, model, this))
    , m_timeline(new NodeTimelineView(*m_history, this))
    , m_charts(new ClusterCharts(*m_history, this))
    , m_clusterTabs(new QTabWidget(this))
    , m_split(new QSplitter(Qt::Horizontal, this))
    , m_sideSplit(new QSplitter(Qt::Vertical, this))
    , m_restartAction(new QAction(QStringLiteral("&Restart All..."), this))
    , m_abortAction(new QAction(QStringLiteral("&Abort restart"), this))
    , m_source(new QLabel(this))
{
    setWindowTitle(QStringLiteral("ShardScope - cluster %1 (etcd %2)").arg(model.clusterName(), model.etcdUrl()));
    QIcon icon;
    icon.addFile(QStringLiteral(":/icons/shardscope-64.png"));
    setWindowIcon(icon);
    m_restartAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    connect(m_restartAction, &QAction::triggered, this, &ClusterWindow::showRestartDialog);
    connect(m_abortAction, &QAction::triggered, &m_model, &ClusterModel::abortRestart);
    QMenu *menu = menuBar()->addMenu(QStringLiteral("&Cluster"));
    menu->addAction(m_restartAction);
    menu->addAction(m_abortAction);
    menu->addAction(QStringLiteral("Restart &history..."), this, &ClusterWindow::showHistory);
    menu->addSeparator();
    QAction *quit = menu->addAction(QStringLiteral("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);
    addViewMenu();
    QToolBar *tools = addToolBar(QStringLiteral("Cluster"));
    tools->setMovable(false);
    tools->addAction(m_restartAction);
    tools->addAction(m_abortAction);

    // The fleet on the left, as tall as the window allows; the chosen node's tiles and the
    // event log share the right. The operator moves both lines.
    m_clusterTabs->setDocumentMode(true);
    m_clusterTabs->addTab(m_events, QStringLiteral("Cluster &events"));
    m_clusterTabs->addTab(m_timeline, QStringLiteral("Node time&line"));
    m_clusterTabs->addTab(m_charts, QStringLiteral("Cluster c&harts"));
    m_sideSplit->addWidget(m_drill);
    m_sideSplit->addWidget(m_clusterTabs);
    m_sideSplit->setStretchFactor(0, 3);
    m_sideSplit->setStretchFactor(1, 1);
    m_sideSplit->setSizes({540, 220}); // the node's tiles first; the cluster's tabs below
    m_sideSplit->setChildrenCollapsible(false);
    m_split->addWidget(m_fleetPanel);
    m_split->addWidget(m_sideSplit);
    m_split->setStretchFactor(0, 3);
    m_split->setStretchFactor(1, 2);
    m_split->setChildrenCollapsible(false);
    m_split->setSizes({900, 460}); // the fleet's columns whole, the node's console beside
    connect(m_fleetPanel->view(), &FleetView::nodeActivated, this, &ClusterWindow::selectNode);
    connect(m_fleetPanel->view(), &FleetView::currentNodeChanged, this, &ClusterWindow::followNode);
    connect(m_fleetPanel->proxy(), &QAbstractItemModel::rowsInserted, this, &ClusterWindow::selectFirstNode);
    connect(m_header, &ClusterHeader::nodeActivated, this, &ClusterWindow::selectNode);
    connect(m_events, &ClusterEventView::nodeActivated, this, &ClusterWindow::selectNode);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_header);
    layout->addWidget(m_split, 1);
    setCentralWidget(central);
    statusBar()->addPermanentWidget(m_source);
    statusBar()->showMessage(QStringLiteral("Discovering the nodes of cluster %1 through etcd %2")
                                 .arg(model.clusterName(), model.etcdUrl()));

    connect(&m_model, &ClusterModel::changed, this, &ClusterWindow::refreshActions);
    connect(&m_model, &ClusterModel::changed, this, &ClusterWindow::refreshSource);
    connect(&m_model, &ClusterModel::commandFinished, this, &ClusterWindow::onCommandFinished);
    selectFirstNode();
    refreshActions();
    // Sampled on the wall clock once the model follows a live cluster (a window over
    // recorded statuses keeps its history empty unless sampled by hand).
    if (m_model.isStarted())
        m_history->start();
    connect(&m_model, &ClusterModel::started, m_history, &FleetHistory::start);
    m_fleetPanel->view()->setFocus(); // n, / and the arrows work from the start
}

// The same View menu as the single-node window: the theme is one setting for both.
void ClusterWindow::addViewMenu()
{
    const ThemeActions themes = addThemeActions(menuBar()->addMenu(QStringLiteral("&View")), [this](Theme t) { setTheme(t); });
    m_lightAction = themes.light;
    m_darkAction = themes.dark;
    (isDarkPalette(palette()) ? m_darkAction : m_lightAction)->setChecked(true);
}

void ClusterWindow::setTheme(Theme theme)
{
    rememberTheme(theme);
    applyTheme(theme);
    (theme == Theme::Dark ? m_darkAction : m_lightAction)->setChecked(true);
}

void ClusterWindow::restoreTheme()
{
    setTheme(rememberedTheme());
}

void ClusterWindow::selectNode(const QString &nodeId)
{
    // A node asked for by name is shown even when the filter hid it: the filter goes.
    const int row = m_fleet->rowOf(nodeId);
    if (row >= 0 && !m_fleetPanel->proxy()->mapFromSource(m_fleet->index(row, 0)).isValid()) {
        m_fleetPanel->filterEdit()->clear();
        m_fleetPanel->unhealthyBox()->setChecked(false);
    }
    m_fleetPanel->view()->setCurrentNode(nodeId);
    followNode(nodeId);
}

ClusterWindow::~ClusterWindow()
{
    m_drill->setConsole(nullptr); // its panels go before the model they read
}

void ClusterWindow::followNode(const QString &nodeId)
{
    m_drill->showNode(nodeId);
    m_history->setSelectedNode(nodeId);
    if (!m_console || m_console->nodeId() != nodeId) {
        m_drill->setConsole(nullptr);
        m_console = nodeId.isEmpty() ? nullptr : m_model.openConsole(nodeId);
        m_drill->setConsole(m_console ? &m_console->model() : nullptr);
    }
    // Every node by its summary. The drilled-into node in full detail through its own
    // console when it has one (a second detail stream from the follower would double the
    // cost), else through its follower, which feeds the tiles shown then.
    m_model.setDetailNodes(m_console || nodeId.isEmpty() ? QStringList() : QStringList{nodeId});
}

// Tiles beside the fleet from the first node on, until the operator picks another.
void ClusterWindow::selectFirstNode()
{
    if (m_drill->nodeId().isEmpty() && m_fleetPanel->proxy()->rowCount() > 0)
        selectNode(m_fleetPanel->proxy()->index(0, 0).data(FleetModel::NodeIdRole).toString());
}

void ClusterWindow::refreshActions()
{
    // Disabled whenever the nodes would refuse, with their reason as the tooltip.
    const bool running = m_model.restartRunning();
    const QString why = restartRefusal(m_model.nodes(), m_model.etcdOk(), m_model.etcdText(), running);
    m_restartAction->setEnabled(why.isEmpty());
    m_restartAction->setToolTip(why.isEmpty() ? QStringLiteral("Restart every node of the cluster") : why);
    m_abortAction->setEnabled(running);
}

void ClusterWindow::refreshSource()
{
    const QString source = m_model.statusSource();
    if (!source.isEmpty() && m_lastMessage.isEmpty())
        statusBar()->clearMessage(); // discovery is done
    m_source->setText(source.isEmpty() ? QString()
                                       : QStringLiteral("%1 nodes followed; cluster status from %2").arg(m_model.nodes().size()).arg(source));
}

void ClusterWindow::showRestartDialog()
{
    ClusterRestartDialog::Radius radius;
    radius.nodesUp = m_model.nodesUp();
    radius.shardsTotal = m_model.shardsUp();
    radius.inFlight = m_model.inFlight();
    int perNode = -1;
    for (const ClusterNodeRow &r : m_model.nodes()) {
        if (r.up())
            perNode = perNode < 0 || perNode == r.shards ? r.shards : 0;
        else
            ++radius.nodesGone;
    }
    radius.shardsPerNode = std::max(perNode, 0);
    ClusterRestartDialog dialog(radius, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_lastMessage = QStringLiteral("asking for a %1%2 restart of %3 nodes...")
                        .arg(dialog.gated() ? QStringLiteral("guarded ") : QString(), dialog.strategy())
                        .arg(radius.nodesUp);
    statusBar()->showMessage(m_lastMessage);
    m_model.requestRestart(dialog.requestBody());
}

// One history window, kept: it refreshes when shown again.
void ClusterWindow::showHistory()
{
    if (!m_historyDialog)
        m_historyDialog = new RestartHistoryDialog(&m_model.client(), this);
    m_historyDialog->refresh();
    m_historyDialog->show();
    m_historyDialog->raise();
    m_historyDialog->activateWindow();
}

void ClusterWindow::onCommandFinished(const QString &command, bool ok, const QString &message)
{
    m_lastMessage = message;
    statusBar()->showMessage(message);
    if (!ok)
        QMessageBox::warning(this, QStringLiteral("Cluster %1").arg(command), message);
}

} // namespace shardscope
