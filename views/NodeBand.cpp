#include "views/NodeBand.h"

#include "model/cluster/ClusterModel.h"
#include "model/shards/ShardTableModel.h"
#include "views/ColourTable.h"
#include "views/ElidedLabel.h"
#include "views/ShardGridView.h"

#include <QDateTime>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>

#include <algorithm>

namespace shardscope {
namespace {

QString clock(std::int64_t ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss"));
}

// Greys the tiles of a node that is gone or that the console cannot reach: they show its
// last state seen, not its state. A silent node (stopped, or cut off) is hatched, a refusing
// one (its process gone) is plain grey, so the two look different before the words are read.
class Veil : public QWidget
{
public:
    explicit Veil(QWidget *parent)
        : QWidget(parent)
    {
        setAttribute(Qt::WA_TransparentForMouseEvents);
    }
    QString text;
    bool hatched = false;

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter p(this);
        const bool dark = isDarkPalette(palette());
        p.fillRect(rect(), colourFor(Meaning::Veil, dark));
        if (hatched)
            p.fillRect(rect(), QBrush(colourFor(Meaning::Warning, dark), Qt::BDiagPattern));
        p.setPen(Qt::white);
        QFont f = font();
        f.setBold(true);
        p.setFont(f);
        p.drawText(rect().adjusted(12, 0, -12, -6), Qt::AlignRight | Qt::AlignBottom | Qt::TextWordWrap, text);
    }
};

void colour(QLabel *label, const QColor &c)
{
    label->setStyleSheet(c.isValid() ? QStringLiteral("color: %1;").arg(c.name()) : QString());
}

} // namespace

NodeBand::NodeBand(ClusterModel &model, QString nodeId, QWidget *parent)
    : QFrame(parent)
    , m_model(model)
    , m_id(std::move(nodeId))
    , m_name(new QLabel(this))
    , m_url(new QLabel(this))
    , m_version(new QLabel(this))
    , m_ready(new QLabel(this))
    , m_coordinator(new QLabel(this))
    , m_step(new QLabel(this))
    , m_state(new ElidedLabel(this))
    , m_grid(new ShardGridView(this))
    , m_veil(new Veil(m_grid))
{
    setFrameShape(QFrame::StyledPanel);
    setAccessibleName(QStringLiteral("Node %1").arg(m_id));
    QFont bold = font();
    bold.setBold(true);
    bold.setPixelSize(14);
    for (QLabel *l : {m_name, m_version, m_ready, m_state})
        l->setFont(bold);
    m_url->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *line = new QHBoxLayout;
    for (QLabel *l : {m_name, m_url, m_version, m_ready, m_coordinator, m_step}) {
        line->addWidget(l);
        line->addSpacing(12);
    }
    line->addStretch(1);
    line->addWidget(m_state, 1); // elides: a long state never widens the window
    m_state->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_grid->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_grid->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_grid->setFrameShape(QFrame::NoFrame);
    m_grid->setEmptyText(QStringLiteral("no shards seen from this node yet"));
    m_veil->hide();
    m_grid->installEventFilter(this);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->setSpacing(4);
    layout->addLayout(line);
    layout->addWidget(m_grid);
    // Also a change of the console's link to a node (its follower): a refusal shows at once.
    connect(&m_model, &ClusterModel::changed, this, &NodeBand::refresh);
    refresh();
}

QString NodeBand::lineText() const
{
    QStringList parts;
    for (QLabel *l : {m_name, m_url, m_version, m_ready, m_coordinator, m_step, m_state}) {
        const QString text = l == m_state ? stateText() : l->text();
        if (!text.isEmpty())
            parts << text;
    }
    return parts.join(QStringLiteral("  "));
}

QString NodeBand::stateText() const
{
    return static_cast<ElidedLabel *>(m_state)->fullText();
}

bool NodeBand::greyed() const
{
    return !m_veil->isHidden();
}

QString NodeBand::veilText() const
{
    return static_cast<Veil *>(m_veil)->text;
}

bool NodeBand::hatched() const
{
    return greyed() && static_cast<Veil *>(m_veil)->hatched;
}

void NodeBand::refresh()
{
    const ClusterNodeRow *row = m_model.node(m_id);
    if (!row)
        return;
    ShardTableModel *shards = m_model.shardsOf(m_id);
    if (shards && m_grid->model() != shards) {
        m_grid->setModel(shards);
        connect(shards, &QAbstractItemModel::rowsInserted, this, &NodeBand::fitGrid);
        connect(shards, &QAbstractItemModel::modelReset, this, &NodeBand::fitGrid);
    }
    m_name->setText(row->id);
    m_url->setText(row->url);
    m_version->setText(QStringLiteral("v%1").arg(row->version));
    const bool gone = !row->up();
    const auto link = m_model.linkOf(m_id);
    const QString linkText = unreachableText(link);
    const bool unreachable = !gone && !linkText.isEmpty();
    const bool dark = isDarkPalette(palette());
    // etcd's "ready" is what the node last wrote there: not said of a node the console
    // cannot reach, whose process may be gone.
    m_ready->setText(gone || unreachable ? QString() : row->ready ? QStringLiteral("ready") : QStringLiteral("not ready"));
    colour(m_ready, colourFor(row->ready ? Meaning::GoodText : Meaning::WarningText, dark));
    m_coordinator->setText(row->coordinator ? QStringLiteral("\u2605 coordinator") : QString());
    m_step->setText(row->step.isEmpty() ? QString()
                                        : QStringLiteral("restart: %1%2").arg(row->step, row->outcome.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(row->outcome)));
    const std::int64_t eventMs = gone ? m_model.events().goneEventMs(m_id, row->state) : 0;
    const QString said = linkText.isEmpty() ? QString() : linkText.toUpper().left(1) + linkText.mid(1);
    const std::int64_t heard = link ? link->lastSeenMs : 0;
    auto *state = static_cast<ElidedLabel *>(m_state);
    state->setFullText(gone ? goneText(*row, eventMs, heard) + (said.isEmpty() ? QString() : QStringLiteral("; ") + linkText) : said);
    if (link && !linkText.isEmpty()) // the words, and the client's own account under them
        state->setToolTip(QStringLiteral("%1\n%2").arg(state->fullText(), link->detail));
    const bool refused = unreachable && !silent(link);
    colour(m_state, colourFor(gone || refused ? Meaning::FailureText : Meaning::WarningText, dark));
    m_name->setToolTip(QStringLiteral("%1 at %2\nphase %3, %4 shards, %5\nstatus last written to etcd at %6")
                           .arg(row->id, row->url, row->phase.isEmpty() ? QStringLiteral("unknown") : row->phase)
                           .arg(row->shards)
                           .arg(row->state, row->lastSeenAtMs > 0 ? clock(row->lastSeenAtMs) : QStringLiteral("never")));
    auto *veil = static_cast<Veil *>(m_veil);
    const QString lastFrame = link && link->lastSeenMs > 0 ? QStringLiteral(" at ") + clock(link->lastSeenMs) : QString();
    veil->text = linkText.isEmpty() ? QStringLiteral("tiles as last seen") : QStringLiteral("%1\ntiles as last seen%2").arg(linkText, lastFrame);
    veil->hatched = silent(link);
    m_veil->setVisible(gone || unreachable);
    m_veil->raise();
    m_veil->update();
    setAutoFillBackground(gone || unreachable);
    setBackgroundRole(gone || unreachable ? QPalette::Mid : QPalette::Window);
    fitGrid();
}

bool NodeBand::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_grid && event->type() == QEvent::Resize)
        m_veil->setGeometry(m_grid->rect());
    return QFrame::eventFilter(watched, event);
}

void NodeBand::resizeEvent(QResizeEvent *event)
{
    QFrame::resizeEvent(event);
    fitGrid();
}

// The band is as tall as its tiles: no scrolling inside a band, the window scrolls.
void NodeBand::fitGrid()
{
    const int count = m_grid->model() ? m_grid->model()->rowCount() : 0;
    m_grid->updateTileSize(count);
    const QSize tile = count > 0 ? m_grid->sizeHintForIndex(m_grid->model()->index(0, 0)) : QSize(140, 40);
    const int pitchW = tile.width() + 2 * m_grid->spacing();
    const int pitchH = tile.height() + m_grid->spacing();
    const int columns = std::max(1, (m_grid->width() - m_grid->spacing()) / pitchW);
    const int rows = std::max(1, (count + columns - 1) / columns);
    m_grid->setFixedHeight(rows * pitchH + 2 * m_grid->spacing() + 2 * m_grid->frameWidth());
}

} // namespace shardscope
