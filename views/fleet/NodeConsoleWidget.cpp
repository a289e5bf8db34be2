#include "views/fleet/NodeConsoleWidget.h"

#include "views/AuditView.h"
#include "views/ColourTable.h"
#include "views/ChartPanel.h"
#include "views/ConnectionBanner.h"
#include "views/EventLogView.h"
#include "views/RestartPanel.h"
#include "views/ShardDetailPanel.h"
#include "views/ShardGridPanel.h"
#include "views/StateTimelineWidget.h"

#include <QEvent>
#include <QLabel>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

namespace shardscope {
namespace {

// A panel that may grow taller than its tab scrolls inside it.
QScrollArea *scrolled(QWidget *panel, QWidget *parent)
{
    auto *area = new QScrollArea(parent);
    area->setWidget(panel);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    return area;
}

} // namespace

NodeConsoleWidget::NodeConsoleWidget(ConsoleModel &model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_grid(new ShardGridPanel(model, this))
    , m_restart(new RestartPanel(model, this))
    , m_detail(new ShardDetailPanel(model, this))
    , m_charts(new ChartPanel(model, this))
    , m_timeline(new StateTimelineWidget(model, this))
    , m_events(new EventLogView(model, this))
    , m_audit(new AuditView(model, this))
    , m_tabs(new QTabWidget(this))
    , m_banner(new ConnectionBanner(model, {m_grid}, this))
{
    makeReadOnly();
    compactGridControls();
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(scrolled(m_restart, this), QStringLiteral("Restart"));
    m_tabs->addTab(scrolled(m_detail, this), QStringLiteral("Shard"));
    m_tabs->addTab(scrolled(m_charts, this), QStringLiteral("Charts"));
    m_tabs->addTab(m_timeline, QStringLiteral("Timeline"));
    m_tabs->addTab(scrolled(m_events, this), QStringLiteral("Events"));
    m_tabs->addTab(scrolled(m_audit, this), QStringLiteral("Audit"));
    connect(m_restart, &RestartPanel::selectShardRequested, m_grid, &ShardGridPanel::selectShard);
    connect(m_grid, &ShardGridPanel::showEventsRequested, this, [this](int shard) {
        m_events->shardBox()->setValue(shard);
        m_tabs->setCurrentIndex(4);
    });
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_grid);
    split->addWidget(m_tabs);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({330, 190});
    split->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_banner);
    layout->addWidget(split, 1);
}

void NodeConsoleWidget::setDark(bool dark)
{
    m_charts->setDark(dark);
}

// Beside the fleet the grid's controls take two rows, so the column stays narrow enough
// for the fleet's columns to fit 1360 px.
void NodeConsoleWidget::compactGridControls()
{
    m_grid->wrapControls();
    m_grid->setSettingsGroup(QStringLiteral("clusterDrill/grid")); // the single-node window's choice stays its own
}

// The charts follow the window's theme (they keep their own chart theme otherwise).
void NodeConsoleWidget::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        setDark(isDarkPalette(palette()));
    QWidget::changeEvent(event);
}

// The panel's stepper, drain blockers and summary stay; its commands go.
void NodeConsoleWidget::makeReadOnly()
{
    m_restart->setCommandsOffered(false);
    m_restart->setTitle(QStringLiteral("Node restart (read-only: restart the cluster with Restart All)"));
}

} // namespace shardscope
