#include "views/fleet/NodeTimelineView.h"

#include "model/fleet/FleetHistory.h"
#include "model/fleet/FleetRow.h"
#include "views/ColourTable.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>

namespace shardscope {
namespace {

// The fleet rows' meaning as a fill: ready green, restarting blue, trouble red, gone grey.
QColor stateFill(FleetState s, bool dark)
{
    switch (s) {
    case FleetState::Ready: return colourFor(Meaning::Good, dark);
    case FleetState::OutOfBalancer:
    case FleetState::RestartStep: return colourFor(Meaning::Running, dark);
    case FleetState::NotReady:
    case FleetState::Stopped:
    case FleetState::NotReachable:
    case FleetState::Lost: return colourFor(Meaning::Failure, dark);
    case FleetState::Left: return colourFor(Meaning::Inactive, dark);
    }
    return {};
}

constexpr int kAxis = 16; // the time labels below the rows

} // namespace

NodeTimelineView::NodeTimelineView(const FleetHistory &history, QWidget *parent)
    : QWidget(parent)
    , m_history(history)
{
    setAccessibleName(QStringLiteral("Node state timeline"));
    connect(&history, &FleetHistory::sampled, this, qOverload<>(&QWidget::update));
}

QSize NodeTimelineView::minimumSizeHint() const
{
    return {200, 80};
}

double NodeTimelineView::rowHeight() const
{
    const int rows = std::max<int>(1, int(m_history.rowIds().size()));
    return std::min(18.0, double(height() - kAxis) / rows);
}

int NodeTimelineView::labelWidth() const
{
    return rowHeight() >= fontMetrics().height() - 4 ? fontMetrics().horizontalAdvance(QStringLiteral("n000")) + 6 : 0;
}

void NodeTimelineView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const bool dark = isDarkPalette(palette());
    p.fillRect(rect(), palette().color(QPalette::Base));
    // From the first sample kept (at most kWindowMs back): the runs fill the width.
    const qint64 end = m_history.lastMs();
    const qint64 begin = std::max(m_history.states().firstMs(), end - kWindowMs);
    const qint64 span = std::max<qint64>(1000, end - begin);
    const int left = labelWidth();
    const double plotW = width() - left - 4;
    const double rowH = rowHeight();
    const auto xOf = [&](qint64 ms) { return left + plotW * double(std::max(ms, begin) - begin) / double(span); };
    const StateTimeline &states = m_history.states();
    const std::vector<int> order = m_history.naturalRows();
    for (int i = 0; i < int(order.size()); ++i) {
        const int row = order[std::size_t(i)];
        const double y = i * rowH;
        if (left > 0) {
            p.setPen(palette().color(QPalette::Text));
            p.drawText(QRectF(2, y, left - 4, rowH), Qt::AlignLeft | Qt::AlignVCenter, m_history.rowIds()[row]);
        }
        if (row >= states.shardCount())
            continue;
        const auto &runs = states.runs(row);
        for (std::size_t r = 0; r < runs.size(); ++r) {
            const qint64 to = r + 1 < runs.size() ? runs[r + 1].startMs : end;
            if (to < begin)
                continue;
            const double x0 = xOf(runs[r].startMs), x1 = xOf(to);
            p.fillRect(QRectF(x0, y + (rowH > 3 ? 0.5 : 0), std::max(1.0, x1 - x0), std::max(1.0, rowH - (rowH > 3 ? 1 : 0))),
                       stateFill(FleetState(runs[r].state), dark));
        }
    }
    p.setPen(palette().color(QPalette::Text));
    const double axisY = std::min<double>(height() - kAxis, order.size() * rowH);
    for (int m = 0; m <= 4; ++m) {
        const double x = left + plotW * (4 - m) / 4.0;
        const double s = span * m / 4 / 1000.0;
        const QString text = m == 0 ? QStringLiteral("now")
                             : s >= 120        ? QStringLiteral("-%1 min").arg(s / 60, 0, 'f', 1)
                                               : QStringLiteral("-%1 s").arg(s, 0, 'f', s < 10 ? 1 : 0);
        p.drawText(QRectF(std::clamp(x - 30, 0.0, width() - 60.0), axisY, 60, kAxis), Qt::AlignCenter, text);
    }
}

bool NodeTimelineView::event(QEvent *e)
{
    if (e->type() != QEvent::ToolTip)
        return QWidget::event(e);
    const auto *help = static_cast<QHelpEvent *>(e);
    const std::vector<int> order = m_history.naturalRows();
    const int i = int(help->pos().y() / std::max(0.5, rowHeight()));
    if (i < 0 || i >= int(order.size()) || order[std::size_t(i)] >= m_history.states().shardCount()) {
        QToolTip::hideText();
        return true;
    }
    const int row = order[std::size_t(i)];
    const auto &runs = m_history.states().runs(row);
    QToolTip::showText(help->globalPos(), QStringLiteral("%1: %2").arg(m_history.rowIds()[row],
                                                                      runs.empty() ? QString() : fleetStateName(FleetState(runs.back().state))),
                       this);
    return true;
}

} // namespace shardscope
