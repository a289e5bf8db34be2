#include "views/StateTimelineWidget.h"

#include "model/console/ConsoleModel.h"
#include "model/history/StateTimeline.h"
#include "model/shards/StateStyle.h"

#include <QPaintEvent>
#include <QPainter>

#include <algorithm>

namespace shardscope {

StateTimelineWidget::StateTimelineWidget(ConsoleModel &model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
{
    setAccessibleName(QStringLiteral("State timeline"));
    connect(&m_model, &ConsoleModel::timelineChanged, this, [this] {
        updateGeometry();
        update();
    });
    // The right edge is "now": move it a few times a second, not at the frame rate.
    connect(&m_model, &ConsoleModel::frame, this, [this] {
        if (++m_frames % 5 == 0)
            update();
    });
}

std::vector<int> StateTimelineWidget::rows() const
{
    return m_model.timeline().rowOrder(m_changedOnly, m_troubleFirst);
}

void StateTimelineWidget::setChangedOnly(bool on)
{
    m_changedOnly = on;
    updateGeometry();
    update();
}

void StateTimelineWidget::setTroubleFirst(bool on)
{
    m_troubleFirst = on;
    update();
}

int StateTimelineWidget::rowHeight() const
{
    // Fill the visible height when the shards fit; otherwise 2 px rows and scroll.
    const int n = std::max(1, int(rows().size()));
    const int visible = parentWidget() ? parentWidget()->height() - kAxisHeight - 4 : 160;
    return std::clamp(visible / n, 2, 16);
}

QSize StateTimelineWidget::minimumSizeHint() const
{
    return {200, int(rows().size()) * 2 + kAxisHeight + 4};
}

void StateTimelineWidget::setWindowMs(qint64 ms)
{
    m_windowMs = ms;
    update();
}

QSize StateTimelineWidget::sizeHint() const
{
    return {600, int(rows().size()) * rowHeight() + kAxisHeight + 4};
}

void StateTimelineWidget::paintEvent(QPaintEvent *event)
{
    QPainter p(this);
    p.fillRect(event->rect(), palette().color(QPalette::Base));
    const StateTimeline &t = m_model.timeline();
    const std::vector<int> order = rows();
    const int n = int(order.size());
    if (n == 0) {
        if (t.shardCount() > 0) {
            p.setPen(palette().color(QPalette::Text));
            p.drawText(rect().adjusted(kGutter, 0, 0, -kAxisHeight), Qt::AlignCenter,
                       QStringLiteral("No shard changed state in the history kept"));
        }
        return;
    }
    const qint64 now = t.lastMs();
    const qint64 span = m_windowMs > 0 ? m_windowMs : std::clamp<qint64>(now - t.firstMs(), 60000, 300000);
    const qint64 t0 = now - span;
    const int rh = rowHeight();
    const int plotW = std::max(1, width() - kGutter - 6);
    auto xOf = [&](qint64 ms) { return kGutter + int(double(ms - t0) * plotW / double(span)); };

    const int first = std::max(0, event->rect().top() / rh);
    const int last = std::min(n - 1, event->rect().bottom() / rh);
    QFont f = font();
    f.setPixelSize(std::min(11, rh));
    p.setFont(f);
    for (int row = first; row <= last; ++row) {
        const int shard = order[std::size_t(row)];
        const auto &runs = t.runs(shard);
        const int y = row * rh;
        for (std::size_t i = 0; i < runs.size(); ++i) {
            const qint64 begin = std::max(runs[i].startMs, t0);
            const qint64 end = i + 1 < runs.size() ? runs[i + 1].startMs : now;
            if (end < t0)
                continue;
            const int x0 = xOf(begin);
            const int x1 = std::max(x0 + 1, xOf(end));
            p.fillRect(QRect(x0, y, x1 - x0, std::max(1, rh - (rh > 4 ? 1 : 0))), stateColour(runs[i].state));
        }
        if (rh >= 10) {
            p.setPen(palette().color(QPalette::Text));
            p.drawText(QRect(0, y, kGutter - 4, rh), Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("shard %1").arg(shard));
        }
    }
    if (rh < 10)
        drawRowGroups(p, order, first, last, rh);
    // Time axis in seconds before now: under the rows, or pinned to the bottom of what is
    // visible when 1024 rows run past it.
    const int visibleBottom = visibleRegion().boundingRect().bottom();
    const int axisY = std::min(n * rh + 2, std::max(0, visibleBottom - kAxisHeight + 1));
    p.fillRect(QRect(0, axisY, width(), kAxisHeight), palette().color(QPalette::Base));
    p.setPen(palette().color(QPalette::Text));
    f.setPixelSize(10);
    p.setFont(f);
    for (int k = 0; k <= 4; ++k) {
        const qint64 ms = t0 + span * k / 4;
        const int x = xOf(ms);
        p.drawLine(x, axisY, x, axisY + 3);
        const qint64 before = now - ms;
        const QString label = before % 1000 == 0 || span >= 20000 ? QStringLiteral("%1 s").arg(-before / 1000)
                                                                 : QStringLiteral("%1 s").arg(-before / 1000.0, 0, 'f', 1);
        // The last label ("0 s") ends at the edge instead of being cut by it.
        const QRect box = k == 4 ? QRect(x - 60, axisY + 3, 60 + 4, kAxisHeight - 4) : QRect(x - 30, axisY + 3, 60, kAxisHeight - 4);
        p.drawText(box, (k == 4 ? Qt::AlignRight : Qt::AlignHCenter) | Qt::AlignTop, label);
    }
}

void StateTimelineWidget::drawRowGroups(QPainter &p, const std::vector<int> &order, int first, int last, int rh)
{
    // Rows too thin for a label each: label every `step`-th row (a power of two, at least
    // 12 px apart) with a tick across the gutter, so 1024 rows stay findable.
    int step = 1;
    while (step * rh < 12)
        step *= 2;
    QFont f = font();
    f.setPixelSize(10);
    p.setFont(f);
    p.setPen(palette().color(QPalette::Text));
    for (int row = (first + step - 1) / step * step; row <= last; row += step) {
        const int y = row * rh;
        p.drawLine(kGutter - 4, y, kGutter - 1, y);
        p.drawText(QRect(0, y - 1, kGutter - 6, 12), Qt::AlignRight | Qt::AlignTop, QStringLiteral("%1").arg(order[std::size_t(row)]));
    }
}

void StateTimelineWidget::moveEvent(QMoveEvent *event)
{
    QWidget::moveEvent(event);
    update(); // scrolling moves this widget: the pinned axis must be drawn anew
}

} // namespace shardscope
