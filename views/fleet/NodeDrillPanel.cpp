#include "views/fleet/NodeDrillPanel.h"

#include "model/console/ConsoleModel.h"
#include "model/fleet/FleetModel.h"
#include "model/shards/ShardTableModel.h"
#include "views/ColourTable.h"
#include "views/ShardGridPanel.h"
#include "views/ShardGridView.h"
#include "views/fleet/NodeConsoleWidget.h"

#include <QEvent>
#include <QLabel>
#include <QPainter>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace shardscope {
namespace {

// Greys tiles that show a last state seen, not the node's state now.
class DrillVeil : public QWidget
{
public:
    explicit DrillVeil(QWidget *parent)
        : QWidget(parent)
    {
        setAttribute(Qt::WA_TransparentForMouseEvents);
    }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter p(this);
        p.fillRect(rect(), colourFor(Meaning::Veil, isDarkPalette(palette())));
        QFont f = font();
        f.setBold(true);
        p.setFont(f);
        p.setPen(Qt::white);
        p.drawText(rect().adjusted(0, 0, -12, -6), Qt::AlignRight | Qt::AlignBottom, QStringLiteral("tiles as last seen"));
    }
};

} // namespace

NodeDrillPanel::NodeDrillPanel(FleetModel &fleet, QWidget *parent)
    : QFrame(parent)
    , m_fleet(fleet)
    , m_title(new QLabel(this))
    , m_stack(new QStackedWidget(this))
    , m_grid(new ShardGridView(this))
    , m_veil(new DrillVeil(m_grid))
{
    setFrameShape(QFrame::StyledPanel);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_title->setTextFormat(Qt::PlainText);
    m_title->setMinimumWidth(1); // long text elides into the tooltip rather than widening the window
    m_grid->setFrameShape(QFrame::NoFrame);
    m_grid->setEmptyText(QStringLiteral("no shards seen from this node yet"));
    m_grid->installEventFilter(this);
    m_veil->hide();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->addWidget(m_title);
    m_stack->addWidget(m_grid);
    layout->addWidget(m_stack, 1);
    connect(&m_fleet, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &from, const QModelIndex &to) {
        const int r = m_fleet.rowOf(m_id);
        if (r >= from.row() && r <= to.row())
            refresh();
    });
    connect(&m_fleet, &QAbstractItemModel::rowsInserted, this, &NodeDrillPanel::refresh);
    connect(&m_fleet, &FleetModel::shardsChanged, this, [this](const QString &id) {
        if (id == m_id)
            refresh();
    });
    refresh();
}

void NodeDrillPanel::setConsole(ConsoleModel *model)
{
    if (m_console && (!model || &m_console->model() != model)) {
        m_console->grid()->view()->removeEventFilter(this);
        m_veil->setParent(m_grid);
        delete m_console; // before its model goes
        m_console = nullptr;
    }
    if (model && !m_console) {
        m_console = new NodeConsoleWidget(*model, m_stack);
        m_console->setDark(isDarkPalette(palette()));
        m_console->grid()->view()->installEventFilter(this);
        m_stack->addWidget(m_console);
        // The fleet's tiles stay until the node's own model has shards to show.
        connect(model, &ConsoleModel::frame, this, [this, model] {
            if (m_stack->currentWidget() != m_console && model->shards().rowCount() > 0) {
                m_stack->setCurrentWidget(m_console);
                placeVeil();
            }
        });
    }
    m_stack->setCurrentWidget(m_console && model->shards().rowCount() > 0 ? static_cast<QWidget *>(m_console) : m_grid);
    placeVeil();
}

bool NodeDrillPanel::showingConsole() const
{
    return m_console && m_stack->currentWidget() == m_console;
}

ShardGridView *NodeDrillPanel::grid() const
{
    return showingConsole() ? m_console->grid()->view() : m_grid;
}

void NodeDrillPanel::placeVeil()
{
    ShardGridView *tiles = grid();
    if (m_veil->parentWidget() != tiles)
        m_veil->setParent(tiles);
    refresh();
}

void NodeDrillPanel::showNode(const QString &nodeId)
{
    m_id = nodeId;
    refresh();
}

QString NodeDrillPanel::titleText() const
{
    return m_title->toolTip();
}

bool NodeDrillPanel::greyed() const
{
    return !m_veil->isHidden();
}

void NodeDrillPanel::refresh()
{
    const FleetRow *row = m_fleet.row(m_fleet.rowOf(m_id));
    ShardTableModel *shards = row ? m_fleet.shardsOf(m_id) : nullptr;
    if (m_grid->model() != shards) {
        m_grid->setModel(shards);
        m_grid->updateTileSize(shards ? shards->rowCount() : 0);
    } else if (shards) {
        m_grid->updateTileSize(shards->rowCount());
    }
    if (!row) {
        m_title->setText(QStringLiteral("Select a node (click it, or Enter) to see its tiles"));
        m_title->setToolTip(QString());
        m_veil->hide();
        return;
    }
    const QString text = QStringLiteral("%1  v%2  %3%4  %5 shards")
                             .arg(row->id).arg(row->version).arg(row->stateText,
                                                                 row->coordinator ? QStringLiteral("  \u2605 coordinator") : QString())
                             .arg(row->shards);
    m_title->setToolTip(text);
    m_title->setText(m_title->fontMetrics().elidedText(text, Qt::ElideRight, std::max(40, width() - 16)));
    const bool asLastSeen = row->state == FleetState::Lost || row->state == FleetState::Left || row->state == FleetState::NotReachable;
    ShardGridView *tiles = grid();
    m_veil->setGeometry(tiles->rect());
    m_veil->setVisible(asLastSeen && tiles->model() && tiles->model()->rowCount() > 0);
    m_veil->raise();
}

bool NodeDrillPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == grid() && event->type() == QEvent::Resize) {
        m_veil->setGeometry(grid()->rect());
        refresh(); // the title elides to the new width
    }
    return QFrame::eventFilter(watched, event);
}

} // namespace shardscope
