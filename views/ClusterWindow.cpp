#include "views/ClusterWindow.h"

#include "model/cluster/ClusterModel.h"
#include "views/ClusterEventView.h"
#include "views/ClusterHeader.h"
#include "views/ClusterRestartDialog.h"
#include "views/NodeBand.h"

#include <QAction>
#include <QEvent>
#include <QIcon>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QSplitter>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>
#include <iterator>

namespace shardscope {

ClusterWindow::ClusterWindow(ClusterModel &model, QWidget *parent)
    : QMainWindow(parent)
    , m_model(model)
    , m_header(new ClusterHeader(model, this))
    , m_events(new ClusterEventView(model.events(), this))
    , m_bandLayout(new QVBoxLayout)
    , m_bandScroll(new QScrollArea(this))
    , m_split(new QSplitter(Qt::Vertical, this))
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
    menu->addSeparator();
    QAction *quit = menu->addAction(QStringLiteral("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);
    QToolBar *tools = addToolBar(QStringLiteral("Cluster"));
    tools->setMovable(false);
    tools->addAction(m_restartAction);
    tools->addAction(m_abortAction);

    auto *bands = new QWidget(this);
    bands->setLayout(m_bandLayout);
    m_bandLayout->setContentsMargins(0, 0, 0, 0);
    m_bandLayout->setSpacing(6);
    m_bandLayout->addStretch(1);
    m_bandScroll->setWidget(bands);
    bands->installEventFilter(this); // its LayoutRequest: a band came or grew its tiles
    m_bandScroll->setWidgetResizable(true);
    m_bandScroll->setFrameShape(QFrame::NoFrame);
    m_bandScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    // The bands above, the event log below with the room the bands leave; the operator
    // moves the line between them.
    m_split->addWidget(m_bandScroll);
    m_split->addWidget(m_events);
    m_split->setStretchFactor(0, 0);
    m_split->setStretchFactor(1, 1);
    m_split->setChildrenCollapsible(false);
    connect(m_split, &QSplitter::splitterMoved, this, [this] { m_splitMoved = true; });

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_header);
    layout->addWidget(m_split, 1);
    setCentralWidget(central);
    statusBar()->addPermanentWidget(m_source);
    statusBar()->showMessage(QStringLiteral("Discovering the nodes of cluster %1 through etcd %2")
                                 .arg(model.clusterName(), model.etcdUrl()));

    connect(&m_model, &ClusterModel::nodeAdded, this, &ClusterWindow::addBand);
    connect(&m_model, &ClusterModel::changed, this, &ClusterWindow::refreshActions);
    connect(&m_model, &ClusterModel::changed, this, &ClusterWindow::refreshSource);
    connect(&m_model, &ClusterModel::commandFinished, this, &ClusterWindow::onCommandFinished);
    for (const ClusterNodeRow &r : m_model.nodes())
        addBand(r.id);
    refreshActions();
}

NodeBand *ClusterWindow::band(const QString &nodeId) const
{
    auto it = m_bands.find(nodeId);
    return it == m_bands.end() ? nullptr : it->second;
}

void ClusterWindow::addBand(const QString &nodeId)
{
    if (m_bands.count(nodeId))
        return;
    auto *band = new NodeBand(m_model, nodeId, this);
    m_bands[nodeId] = band;
    // Bands in id order; the stretch stays last.
    const int at = int(std::distance(m_bands.begin(), m_bands.find(nodeId)));
    m_bandLayout->insertWidget(at, band);
}

bool ClusterWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::LayoutRequest && watched == m_bandScroll->widget())
        QTimer::singleShot(0, this, &ClusterWindow::fitSplit); // once the bands are laid out
    return QMainWindow::eventFilter(watched, event);
}

// Every band in view when they fit above a log of useful height; else the bands scroll.
void ClusterWindow::fitSplit()
{
    constexpr int kLogMin = 180;
    const QList<int> sizes = m_split->sizes();
    const int total = sizes.value(0) + sizes.value(1);
    if (m_splitMoved || total <= 0)
        return;
    const int wanted = m_bandScroll->widget()->sizeHint().height();
    const int bands = std::clamp(wanted, std::min(120, total / 2), std::max(total - kLogMin, total / 2));
    if (bands != sizes.value(0))
        m_split->setSizes({bands, total - bands});
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
    m_lastMessage = QStringLiteral("asking for a %1 restart of %2 nodes...").arg(dialog.strategy()).arg(radius.nodesUp);
    statusBar()->showMessage(m_lastMessage);
    m_model.requestRestart(dialog.strategy(), dialog.graceMs(), dialog.settleMs());
}

void ClusterWindow::onCommandFinished(const QString &command, bool ok, const QString &message)
{
    m_lastMessage = message;
    statusBar()->showMessage(message);
    if (!ok)
        QMessageBox::warning(this, QStringLiteral("Cluster %1").arg(command), message);
}

} // namespace shardscope
