#include "views/ShardDetailPanel.h"

#include "model/ConsoleModel.h"
#include "model/ShardTableModel.h"
#include "model/StateStyle.h"
#include "views/Chip.h"
#include "views/LatencySparkline.h"

#include <QLabel>
#include <QVBoxLayout>

namespace shardscope {

ShardDetailPanel::ShardDetailPanel(ConsoleModel &model, QWidget *parent)
    : QGroupBox(QStringLiteral("Selected shard"), parent)
    , m_model(model)
    , m_text(new QLabel(this))
    , m_latency(new LatencySparkline(this))
{
    m_text->setTextFormat(Qt::RichText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_text);
    layout->addWidget(m_latency);
    connect(&m_model, &ConsoleModel::frame, this, &ShardDetailPanel::refresh);
    connect(&m_model, &ConsoleModel::selectionChanged, this, &ShardDetailPanel::refresh);
    refresh();
}

QString ShardDetailPanel::detailText() const { return m_text->text(); }

void ShardDetailPanel::refresh()
{
    const ShardRow *r = m_model.shards().row(m_model.selectedRow());
    const int id = r ? r->id : -1;
    if (id != m_shown) {
        m_latency->clear();
        m_shown = id;
    }
    if (!r) {
        m_text->setText(QStringLiteral("Select a tile (arrow keys move between tiles)."));
        m_latency->setVisible(false);
        return;
    }
    m_latency->setVisible(true);
    m_latency->push(r->latencyP50Us, r->latencyP99Us);
    const QString state = chipHtml(stateColour(r->state), stateTextColour(r->state), stateName(r->state));
    QString skew;
    if (r->versionSkew)
        skew += QStringLiteral("<br><b>Version differs from the majority</b>");
    if (r->queueSkew)
        skew += QStringLiteral("<br><b>Queue is an outlier (over 3\u00D7 the median)</b>");
    const QString text = QStringLiteral(
        "<b>Shard %1</b> %2<table>"
        "<tr><td>Version</td><td>v%3 (generation %4)</td></tr>"
        "<tr><td>Queue depth</td><td>%5</td></tr><tr><td>In flight</td><td>%6</td></tr>"
        "<tr><td>Processed</td><td>%7</td></tr><tr><td>Failed</td><td>%8</td></tr>"
        "<tr><td>Latency p50 / p99&nbsp;</td><td>%9 / %10 ms</td></tr></table>%11")
        .arg(r->id).arg(state).arg(r->version).arg(r->generation).arg(r->queueDepth).arg(r->inFlight)
        .arg(r->processed).arg(r->failed)
        .arg(r->latencyP50Us / 1000.0, 0, 'f', 2).arg(r->latencyP99Us / 1000.0, 0, 'f', 2)
        .arg(skew);
    if (text != m_text->text())
        m_text->setText(text);
}

} // namespace shardscope
