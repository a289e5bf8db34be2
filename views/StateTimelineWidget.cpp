#include "views/StateTimelineWidget.h"

#include "model/console/ConsoleModel.h"
#include "model/history/StateTimeline.h"
#include "model/shards/StateStyle.h"
#include "views/ColourTable.h"

#include <QPaintEvent>
#include <QPainter>
#include <QScrollBar>

#include <algorithm>

namespace shardscope {

namespace {
constexpr int kPinGap = 3; // a line between the pinned rows and the scrolling ones
}

StateTimelineWidget::StateTimelineWidget(ConsoleModel &model, QWidget *parent)
    : QAbstractScrollArea(parent)
    , m_model(model)
{
    setAccessibleName(QStringLiteral("State timeline"));
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    verticalScrollBar()->setSingleStep(kMinRowHeight);
    connect(&m_model, &ConsoleModel::timelineChanged, this, [this] {
        relayout();
        viewport()->update();
    });
    // The right edge is "now": move it a few times a second, not at the frame rate.
    connect(&m_model, &ConsoleModel::frame, this, [this] {
        if (++m_frames % 5 == 0)
            viewport()->update();
    });
    relayout();
}

std::vector<int> StateTimelineWidget::rows() const
{
    return m_model.timeline().rowOrder(m_changedOnly, m_troubleFirst);
}

void StateTimelineWidget::setChangedOnly(bool on)
{
    m_changedOnly = on;
    relayout();
    viewport()->update();
}

void StateTimelineWidget::setTroubleFirst(bool on)
{
    m_troubleFirst = on;
    relayout();
    viewport()->update();
}

void StateTimelineWidget::setWindowMs(qint64 ms)
{
    m_windowMs = ms;
    viewport()->update();
}

int StateTimelineWidget::rowsHeight() const
{
    return std::max(kMinRowHeight, viewport()->height() - kAxisHeight - 4);
}

int StateTimelineWidget::rowHeight() const
{
    const int n = std::max(1, int(rows().size()));
    return std::clamp(rowsHeight() / n, kMinRowHeight, kMaxRowHeight);
}

int StateTimelineWidget::pinnedRowCount() const
{
    if (!m_troubleFirst)
        return 0;
    const StateTimeline &t = m_model.timeline();
    const std::vector<int> order = rows();
    const int cap = rowsHeight() / rowHeight() / 2;
    int pinned = 0;
    while (pinned < int(order.size()) && pinned < cap && t.inTrouble(order[std::size_t(pinned)]))
        ++pinned;
    return pinned;
}

void StateTimelineWidget::relayout()
{
    const int n = int(rows().size());
    const int rh = rowHeight();
    const int pinned = pinnedRowCount();
    const int top = pinned > 0 ? pinned * rh + kPinGap : 0;
    const int page = std::max(rh, rowsHeight() - top);
    QScrollBar *bar = verticalScrollBar();
    bar->setPageStep(page);
    bar->setRange(0, std::max(0, (n - pinned) * rh - page));
}

std::vector<int> StateTimelineWidget::visibleRows() const
{
    const std::vector<int> order = rows();
    const int rh = rowHeight();
    const int pinned = pinnedRowCount();
    const int top = pinned > 0 ? pinned * rh + kPinGap : 0;
    const int scroll = verticalScrollBar()->value();
    std::vector<int> shown(order.begin(), order.begin() + pinned);
    for (int row = pinned + scroll / rh; row < int(order.size()); ++row) {
        const int y = top + (row - pinned) * rh - scroll;
        if (y >= rowsHeight())
            break;
        shown.push_back(order[std::size_t(row)]);
    }
    return shown;
}

QSize StateTimelineWidget::sizeHint() const
{
    return {600, 8 * kMinRowHeight + kAxisHeight + 4};
}

QSize StateTimelineWidget::minimumSizeHint() const
{
    return {200, 3 * kMinRowHeight + kAxisHeight + 4};
}

void StateTimelineWidget::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    relayout();
}

int StateTimelineWidget::xOf(qint64 ms, qint64 t0, qint64 span) const
{
    const int plotW = std::max(1, viewport()->width() - kGutter - 6);
    return kGutter + int(double(ms - t0) * plotW / double(span));
}

void StateTimelineWidget::paintEvent(QPaintEvent *)
{
    QPainter p(viewport());
    p.fillRect(viewport()->rect(), palette().color(QPalette::Base));
    const StateTimeline &t = m_model.timeline();
    const std::vector<int> order = rows();
    const int n = int(order.size());
    if (n == 0) {
        if (t.shardCount() > 0) {
            p.setPen(palette().color(QPalette::Text));
            p.drawText(viewport()->rect().adjusted(kGutter, 0, 0, -kAxisHeight), Qt::AlignCenter,
                       QStringLiteral("No shard changed state in the history kept"));
        }
        return;
    }
    const qint64 now = t.lastMs();
    const qint64 span = m_windowMs > 0 ? m_windowMs : std::clamp<qint64>(now - t.firstMs(), 60000, 300000);
    const qint64 t0 = now - span;
    const int rh = rowHeight();
    const int pinned = pinnedRowCount();
    const int top = pinned > 0 ? pinned * rh + kPinGap : 0;
    const int bottom = rowsHeight();
    for (int row = 0; row < pinned; ++row)
        drawRow(p, order[std::size_t(row)], row * rh, rh, t0, span);
    if (pinned > 0) {
        p.setPen(palette().color(QPalette::Mid));
        p.drawLine(0, top - 2, viewport()->width(), top - 2);
    }
    // Scrolling rows: only those in view are painted, clipped below the pinned ones.
    const int scroll = verticalScrollBar()->value();
    p.save();
    p.setClipRect(QRect(0, top, viewport()->width(), bottom - top));
    for (int row = pinned + scroll / rh; row < n; ++row) {
        const int y = top + (row - pinned) * rh - scroll;
        if (y >= bottom)
            break;
        drawRow(p, order[std::size_t(row)], y, rh, t0, span);
    }
    p.restore();
    // The time axis sits under the last row, or at the bottom of the view when rows scroll.
    drawAxis(p, std::min(top + (n - pinned) * rh + 2, bottom + 2), t0, span);
}

void StateTimelineWidget::drawRow(QPainter &p, int shard, int y, int rh, qint64 t0, qint64 span)
{
    const StateTimeline &t = m_model.timeline();
    const auto &runs = t.runs(shard);
    const qint64 now = t.lastMs();
    const bool dark = isDarkPalette(palette());
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const qint64 begin = std::max(runs[i].startMs, t0);
        const qint64 end = i + 1 < runs.size() ? runs[i + 1].startMs : now;
        if (end < t0)
            continue;
        const int x0 = xOf(begin, t0, span);
        const int x1 = std::max(x0 + 1, xOf(end, t0, span));
        p.fillRect(QRect(x0, y, x1 - x0, rh - 1), stateFill(runs[i].state, dark));
    }
    QFont f = font();
    f.setPixelSize(std::min(11, rh - 2));
    p.setFont(f);
    p.setPen(palette().color(QPalette::Text));
    p.drawText(QRect(0, y, kGutter - 4, rh), Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("shard %1").arg(shard));
}

void StateTimelineWidget::drawAxis(QPainter &p, int axisY, qint64 t0, qint64 span)
{
    const qint64 now = t0 + span;
    p.fillRect(QRect(0, axisY, viewport()->width(), kAxisHeight), palette().color(QPalette::Base));
    p.setPen(palette().color(QPalette::Text));
    QFont f = font();
    f.setPixelSize(10);
    p.setFont(f);
    for (int k = 0; k <= 4; ++k) {
        const qint64 ms = t0 + span * k / 4;
        const int x = xOf(ms, t0, span);
        p.drawLine(x, axisY, x, axisY + 3);
        const qint64 before = now - ms;
        const QString label = before % 1000 == 0 || span >= 20000 ? QStringLiteral("%1 s").arg(-before / 1000)
                                                                 : QStringLiteral("%1 s").arg(-before / 1000.0, 0, 'f', 1);
        // The last label ("0 s") ends at the edge instead of being cut by it.
        const QRect box = k == 4 ? QRect(x - 60, axisY + 3, 60 + 4, kAxisHeight - 4) : QRect(x - 30, axisY + 3, 60, kAxisHeight - 4);
        p.drawText(box, (k == 4 ? Qt::AlignRight : Qt::AlignHCenter) | Qt::AlignTop, label);
    }
}

} // namespace shardscope
