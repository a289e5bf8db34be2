#include "views/MainWindow.h"

#include "model/console/ConsoleModel.h"
#include "model/history/StateTimeline.h"
#include "model/console/OperatorTools.h"
#include "model/console/SnapshotPump.h"
#include "model/shards/ShardTableModel.h"
#include "model/shards/StateStyle.h"
#include "views/AuditView.h"
#include "views/ChartPanel.h"
#include "views/Chip.h"
#include "views/ColourTable.h"
#include "views/ConnectionBanner.h"
#include "views/EventLogView.h"
#include "views/FaultsMenu.h"
#include "views/HeaderStrip.h"
#include "views/RestartDialog.h"
#include "views/RestartPanel.h"
#include "views/ShardDetailPanel.h"
#include "views/ShardGridPanel.h"
#include "views/StateTimelineWidget.h"
#include "views/WorkloadPanel.h"

#include <QAbstractButton>
#include <QCloseEvent>
#include <QIcon>
#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace shardscope {

MainWindow::MainWindow(ConsoleModel &model, QWidget *parent)
    : QMainWindow(parent)
    , m_model(model)
    , m_header(new HeaderStrip(model, this))
    , m_grid(new ShardGridPanel(model, this))
    , m_restartPanel(new RestartPanel(model, this))
    , m_detail(new ShardDetailPanel(model, this))
    , m_workloadPanel(new WorkloadPanel(model, this))
    , m_charts(new ChartPanel(model, this))
    , m_timeline(new StateTimelineWidget(model, this))
    , m_eventLog(new EventLogView(model, this))
    , m_tabs(new QTabWidget(this))
    , m_vertical(new QSplitter(Qt::Vertical, this))
    , m_horizontal(new QSplitter(Qt::Horizontal, this))
    , m_endpoint(new QLabel(this))
    , m_frameTime(new QLabel(this))
{
    QIcon icon;
    icon.addFile(QStringLiteral(":/icons/shardscope-64.png"));
    icon.addFile(QStringLiteral(":/icons/shardscope-256.png"));
    setWindowIcon(icon);
    auto *side = new QWidget(this);
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(m_restartPanel);
    sideLayout->addWidget(m_detail);
    sideLayout->addStretch(1);
    // The side column scrolls rather than pushing the charts down when a panel grows.
    auto *sideScroll = new QScrollArea(this);
    sideScroll->setWidget(side);
    sideScroll->setWidgetResizable(true);
    sideScroll->setFrameShape(QFrame::NoFrame);
    sideScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    sideScroll->setMinimumWidth(350);
    sideScroll->setMaximumWidth(440);

    m_horizontal->addWidget(m_grid);
    m_horizontal->addWidget(sideScroll);
    m_horizontal->setStretchFactor(0, 1);
    m_horizontal->setStretchFactor(1, 0);
    m_horizontal->setChildrenCollapsible(false);

    m_tabs->addTab(m_charts, QStringLiteral("&Charts"));
    m_tabs->addTab(buildTimelineTab(), QStringLiteral("State &timeline"));
    m_tabs->addTab(m_eventLog, QStringLiteral("&Event log"));
    m_tabs->addTab(new AuditView(m_model, this), QStringLiteral("&Audit"));
    // The workload has a tab of its own: in the side column it pushed the restart and
    // shard panels into a scroll area at the console's default size. The tab's title says
    // which scenario runs.
    const int workloadTab = m_tabs->addTab(m_workloadPanel, m_workloadPanel->shortTitle());
    connect(m_workloadPanel, &WorkloadPanel::shortTitleChanged, this,
            [this, workloadTab] { m_tabs->setTabText(workloadTab, m_workloadPanel->shortTitle()); });
    connect(m_restartPanel, &RestartPanel::selectShardRequested, m_grid, &ShardGridPanel::selectShard);
    connect(m_grid, &ShardGridPanel::showEventsRequested, this, [this](int shard) {
        m_eventLog->shardBox()->setValue(shard);
        m_tabs->setCurrentWidget(m_eventLog);
    });

    m_vertical->addWidget(m_horizontal);
    m_vertical->addWidget(m_tabs);
    m_vertical->setStretchFactor(0, 3);
    m_vertical->setStretchFactor(1, 2);
    m_vertical->setChildrenCollapsible(false);
    m_vertical->setSizes({460, 300});

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_header);
    m_connection = new ConnectionBanner(m_model, {m_header, m_grid}, this);
    layout->addWidget(m_connection);
    layout->addWidget(m_vertical, 1);
    setCentralWidget(central);

    m_endpoint->setText(m_model.endpoint().isEmpty() ? QStringLiteral("No HTTP endpoint")
                                                     : QStringLiteral("HTTP API: ") + m_model.endpoint());
    m_endpoint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusBar()->addPermanentWidget(m_frameTime);
    statusBar()->addPermanentWidget(m_endpoint);
    // Once a second: the worst frame, from the snapshot's pull to this window painted. A
    // developer's figure: shown only when asked for (View > Frame timing) and while the
    // pump runs live (tests step frames by hand, so golden images never contain a timing).
    m_frameTime->setVisible(false);
    auto *frameClock = new QTimer(this);
    connect(frameClock, &QTimer::timeout, this, [this] {
        const qint64 us = m_model.pump().takeWorstFrameUs();
        m_frameTime->setText(m_model.pump().isRunning()
                                 ? QStringLiteral("worst frame %1 ms").arg(us / 1000.0, 0, 'f', 1)
                                 : QString());
    });
    frameClock->start(1000);
    statusBar()->setSizeGripEnabled(false);

    buildMenus();
    connect(m_restartPanel, &RestartPanel::restartRequested, this, &MainWindow::showRestartDialog);
    connect(m_restartPanel, &RestartPanel::retryWithForceRequested, this, &MainWindow::showRestartDialogForcingDrain);
    connect(&m_model.tools(), &OperatorTools::liveChanged, this, &MainWindow::refreshLiveness);
    connect(&m_model, &ConsoleModel::summaryChanged, this, &MainWindow::refreshLiveness);
    refreshLiveness();
    connect(&m_model, &ConsoleModel::commandFinished, this,
            [this](const QString &, bool, const QString &message) { statusBar()->showMessage(message, 8000); });
}

QWidget *MainWindow::buildTimelineTab()
{
    auto *tab = new QWidget(this);
    // The legend is a band of counts: each state's colour, name and how many shards are in
    // it now, so 1024 rows need not be scanned to know how many are failed.
    auto *legend = new QLabel(tab);
    legend->setAccessibleName(QStringLiteral("Shards per state"));
    m_timelineCounts = legend;
    refreshTimelineCounts();
    connect(&m_model, &ConsoleModel::timelineChanged, this, &MainWindow::refreshTimelineCounts);
    auto *changed = new QCheckBox(QStringLiteral("Changed rows only"), tab);
    connect(changed, &QCheckBox::toggled, m_timeline, &StateTimelineWidget::setChangedOnly);
    auto *pin = new QCheckBox(QStringLiteral("Stalled, failed, canceled first"), tab);
    pin->setChecked(true);
    connect(pin, &QCheckBox::toggled, m_timeline, &StateTimelineWidget::setTroubleFirst);
    auto *window = new QComboBox(tab);
    window->addItems({QStringLiteral("Last 10 s"), QStringLiteral("Last minute"), QStringLiteral("Last 5 minutes")});
    window->setCurrentIndex(1);
    window->setAccessibleName(QStringLiteral("Timeline window"));
    connect(window, &QComboBox::currentIndexChanged, this, [this](int i) {
        static constexpr qint64 spans[] = {10000, 60000, 300000};
        m_timeline->setWindowMs(spans[i]);
    });
    legend->setWordWrap(true);
    auto *top = new QHBoxLayout;
    top->addWidget(changed);
    top->addWidget(pin);
    top->addStretch(1);
    top->addWidget(window);
    auto *layout = new QVBoxLayout(tab);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(legend);
    layout->addWidget(m_timeline, 1); // it scrolls its own rows
    return tab;
}

void MainWindow::refreshTimelineCounts()
{
    const std::vector<int> counts = m_model.timeline().currentCounts(kStateStyleCount);
    const bool dark = isDarkPalette(palette());
    QString text;
    for (int i = 0; i < kStateStyleCount; ++i)
        text += chipHtml(stateFill(i, dark), stateInk(i, dark), QStringLiteral("%1 %2").arg(stateName(i)).arg(counts[std::size_t(i)]))
            + QStringLiteral("&nbsp;");
    if (text != m_timelineCounts->text())
        m_timelineCounts->setText(text);
}

void MainWindow::buildMenus()
{
    QMenu *service = menuBar()->addMenu(QStringLiteral("&Service"));
    m_restartAction = service->addAction(QStringLiteral("&Restart All\u2026"), this, &MainWindow::showRestartDialog);
    m_restartAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    service->addAction(QStringLiteral("&Abort restart"), &m_model, &ConsoleModel::abortRestart);
    service->addSeparator();
    m_stopAction = service->addAction(QStringLiteral("S&top service\u2026"), this, &MainWindow::confirmStop);
    m_startAction = service->addAction(QStringLiteral("St&art service"), &m_model, &ConsoleModel::startService);
    service->addSeparator();
    m_faultsMenu = new FaultsMenu(m_model, this);
    connect(m_faultsMenu, &FaultsMenu::needsSelection, this, [this](const QString &m) { statusBar()->showMessage(m, 8000); });
    service->addMenu(m_faultsMenu);
    service->setToolTipsVisible(true); // a disabled command says why in its tooltip
    service->addSeparator();
    QAction *quit = service->addAction(QStringLiteral("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *view = menuBar()->addMenu(QStringLiteral("&View"));
    const ThemeActions themes = addThemeActions(view, [this](Theme t) { setTheme(t); });
    m_lightAction = themes.light;
    m_darkAction = themes.dark;
    view->addSeparator();
    QAction *frameTiming = view->addAction(QStringLiteral("&Frame timing (for developers)"));
    frameTiming->setCheckable(true);
    frameTiming->setToolTip(QStringLiteral("Shows the worst frame of each second in the status bar"));
    connect(frameTiming, &QAction::toggled, m_frameTime, &QWidget::setVisible);
}

void MainWindow::setTheme(Theme theme)
{
    m_theme = theme;
    // Remembered at once: a console ended by a signal never reaches saveSettings().
    rememberTheme(theme);
    applyTheme(theme);
    m_charts->setDark(theme == Theme::Dark);
    refreshTimelineCounts();
    (theme == Theme::Dark ? m_darkAction : m_lightAction)->setChecked(true);
}

void MainWindow::confirmStop()
{
    // Stopping cancels every shard's actor: ask first, with Cancel as what Return does.
    QMessageBox box(QMessageBox::Warning, QStringLiteral("Stop the service"),
                    QStringLiteral("Stop the query actors on all %1 shards of %2? Every request will get 503 until "
                                   "the service is started again.")
                        .arg(m_model.shards().rowCount())
                        .arg(m_model.isRemote() ? QStringLiteral("the service at ") + m_model.endpoint()
                                                : QStringLiteral("the embedded service")),
                    QMessageBox::Yes | QMessageBox::Cancel, this);
    box.setDefaultButton(QMessageBox::Cancel);
    box.setEscapeButton(QMessageBox::Cancel);
    box.button(QMessageBox::Yes)->setText(QStringLiteral("Stop service"));
    if (box.exec() == QMessageBox::Yes)
        m_model.stopService();
}

void MainWindow::refreshLiveness()
{
    const QString why = m_model.tools().notLiveReason();
    setWindowTitle(QStringLiteral("ShardScope \u2014 %1%2")
                       .arg(m_model.serviceLabel(), why.isEmpty() ? QString() : QStringLiteral(" (not live)")));
    const QString tip = QStringLiteral("Unavailable while %1; it comes back when the service is live.").arg(why);
    for (QAction *a : {m_restartAction, m_stopAction, m_startAction, m_faultsMenu->menuAction()}) {
        a->setEnabled(why.isEmpty());
        a->setToolTip(why.isEmpty() ? QString() : tip); // empty: the action's own text
    }
}

void MainWindow::showRestartDialogForcingDrain()
{
    if (!m_restartAction->isEnabled())
        return;
    RestartSettings settings = m_model.rememberedRestartSettings();
    settings.forceDrain = true;
    RestartDialog dialog(settings, m_model.shards().rowCount(), m_model.inFlightTotal(), this);
    if (dialog.exec() == QDialog::Accepted)
        m_model.requestRestart(dialog.settings());
}

void MainWindow::showRestartDialog()
{
    if (!m_restartAction->isEnabled())
        return; // the panel's button and Ctrl+R come here too
    RestartDialog dialog(m_model.rememberedRestartSettings(), m_model.shards().rowCount(), m_model.inFlightTotal(), this);
    if (dialog.exec() == QDialog::Accepted)
        m_model.requestRestart(dialog.settings());
}

void MainWindow::restoreSettings()
{
    QSettings s;
    s.beginGroup(QStringLiteral("window"));
    restoreGeometry(s.value(QStringLiteral("geometry")).toByteArray());
    m_vertical->restoreState(s.value(QStringLiteral("vertical")).toByteArray());
    m_horizontal->restoreState(s.value(QStringLiteral("horizontal")).toByteArray());
    setTheme(themeFromName(s.value(QStringLiteral("theme"), themeName(Theme::Light)).toString()));
    s.endGroup();
}

void MainWindow::saveSettings() const
{
    QSettings s;
    s.beginGroup(QStringLiteral("window"));
    s.setValue(QStringLiteral("geometry"), saveGeometry());
    s.setValue(QStringLiteral("vertical"), m_vertical->saveState());
    s.setValue(QStringLiteral("horizontal"), m_horizontal->saveState());
    s.setValue(QStringLiteral("theme"), themeName(m_theme));
    s.endGroup();
}

bool MainWindow::event(QEvent *event)
{
    const bool repaint = event->type() == QEvent::UpdateRequest;
    const bool handled = QMainWindow::event(event);
    if (repaint)
        m_model.pump().framePainted(); // the status bar's frame time ends here
    return handled;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    event->accept();
}

} // namespace shardscope
