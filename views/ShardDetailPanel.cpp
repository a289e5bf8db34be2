#include "views/ShardDetailPanel.h"

#include "model/console/ConsoleModel.h"
#include "model/shards/ShardTableModel.h"
#include "model/shards/StateStyle.h"
#include "views/Chip.h"
#include "views/ColourTable.h"
#include "views/LatencySparkline.h"

#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace shardscope {

namespace {

// Sets a label's text only when it differs: QLabel::setText re-lays the panel out.
void setIfChanged(QLabel *label, const QString &text)
{
    if (label->text() != text)
        label->setText(text);
}

QString skewText(const ShardRow &r)
{
    QStringList lines;
    if (r.versionSkew)
        lines << QStringLiteral("<b>Version differs from the majority</b>");
    if (r.queueSkew)
        lines << QStringLiteral("<b>Queue is an outlier (over 3\u00D7 the median)</b>");
    return lines.join(QStringLiteral("<br>"));
}

} // namespace

ShardDetailPanel::ShardDetailPanel(ConsoleModel &model, QWidget *parent)
    : QGroupBox(QStringLiteral("Selected shard"), parent)
    , m_model(model)
    , m_title(new QLabel(this))
    , m_skew(new QLabel(this))
    , m_latency(new LatencySparkline(this))
{
    m_table = buildTable();
    m_title->setTextFormat(Qt::RichText);
    m_skew->setTextFormat(Qt::RichText);
    // Title, counters and skew read as one block; the sparkline sits apart.
    auto *block = new QVBoxLayout;
    block->setSpacing(2);
    block->addWidget(m_title);
    block->addWidget(m_table);
    block->addWidget(m_skew);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(block);
    layout->addWidget(m_latency);
    connect(&m_model, &ConsoleModel::frame, this, &ShardDetailPanel::refresh);
    connect(&m_model, &ConsoleModel::selectionChanged, this, &ShardDetailPanel::refresh);
    refresh();
}

QWidget *ShardDetailPanel::buildTable()
{
    static const char *const names[FieldCount] = {"Version", "Queue now / 1 s peak", "In flight", "Processed", "Failed",
                                                  "Latency p50 / p99"};
    auto *table = new QWidget(this);
    auto *grid = new QGridLayout(table);
    grid->setContentsMargins(2, 0, 0, 2);
    grid->setHorizontalSpacing(6);
    grid->setVerticalSpacing(2);
    for (int f = 0; f < FieldCount; ++f) {
        m_names[std::size_t(f)] = new QLabel(QString::fromLatin1(names[f]), table);
        m_values[std::size_t(f)] = new QLabel(table);
        m_values[std::size_t(f)]->setTextFormat(Qt::PlainText);
        m_values[std::size_t(f)]->setTextInteractionFlags(Qt::TextSelectableByMouse);
        grid->addWidget(m_names[std::size_t(f)], f, 0);
        grid->addWidget(m_values[std::size_t(f)], f, 1);
    }
    grid->setColumnStretch(1, 1);
    return table;
}

QString ShardDetailPanel::detailText() const
{
    QString text = m_title->text();
    if (m_table->isVisible()) {
        for (int f = 0; f < FieldCount; ++f)
            text += u'\n' + m_names[std::size_t(f)]->text() + QStringLiteral(": ") + m_values[std::size_t(f)]->text();
    }
    if (!m_skew->text().isEmpty())
        text += u'\n' + m_skew->text();
    return text;
}

void ShardDetailPanel::refresh()
{
    const ShardRow *r = m_model.shards().row(m_model.selectedRow());
    const int id = r ? r->id : -1;
    if (id != m_shown) {
        m_latency->clear();
        m_shown = id;
    }
    m_table->setVisible(r != nullptr);
    m_latency->setVisible(r != nullptr);
    if (!r) {
        setIfChanged(m_title, QStringLiteral("Select a tile (arrow keys move between tiles)."));
        m_skew->setVisible(false);
        return;
    }
    // The sparkline follows the tiles' latency view: the shard's work, or one procedure.
    const int view = m_model.shards().latencyView();
    const LatencyCell &cell = r->latency[std::size_t(view)];
    m_latency->push(cell.samples ? cell.p50Us : 0, cell.samples ? cell.p99Us : 0);
    showRow(*r);
}

void ShardDetailPanel::showRow(const ShardRow &r)
{
    const int state = ShardTableModel::shownState(r);
    const bool dark = isDarkPalette(palette());
    setIfChanged(m_title, QStringLiteral("<b>Shard %1</b> %2")
                              .arg(r.id)
                              .arg(chipHtml(stateFill(state, dark), stateInk(state, dark), stateName(state))));
    setIfChanged(m_values[Version], QStringLiteral("v%1 (generation %2)").arg(r.version).arg(r.generation));
    // The depth now and the peak the tile's bar draws, so the two never seem to disagree.
    setIfChanged(m_values[QueueDepth], QStringLiteral("%1 / %2").arg(r.queueDepth).arg(r.queuePeak));
    // The age of the oldest request says whether the shard is busy or stuck.
    setIfChanged(m_values[InFlight], r.inFlight > 0 && r.oldestInFlightMs > 0
                                         ? QStringLiteral("%1 (oldest %2 s)").arg(r.inFlight).arg(r.oldestInFlightMs / 1000.0, 0, 'f', 1)
                                         : QString::number(r.inFlight));
    setIfChanged(m_values[Processed], QString::number(r.processed));
    setIfChanged(m_values[Failed], QString::number(r.failed));
    const int view = m_model.shards().latencyView();
    setIfChanged(m_names[Latency], QStringLiteral("p50 / p99 (%1)").arg(ShardTableModel::latencyViewName(view)));
    setIfChanged(m_values[Latency], ShardTableModel::latencyText(r, view, false) + QStringLiteral(" / ")
                                        + ShardTableModel::latencyText(r, view));
    const QString skew = skewText(r);
    setIfChanged(m_skew, skew);
    m_skew->setVisible(!skew.isEmpty());
}

} // namespace shardscope
