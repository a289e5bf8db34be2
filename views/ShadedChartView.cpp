#include "views/ShadedChartView.h"

#include <QAbstractSeries>
#include <QChart>
#include <QPainter>

namespace shardscope {

ShadedChartView::ShadedChartView(QChart *chart, QWidget *parent)
    : QChartView(chart, parent)
{
    setRenderHint(QPainter::Antialiasing, true);
}

void ShadedChartView::setSpans(std::vector<Span> spans)
{
    m_spans = std::move(spans);
    viewport()->update();
}

void ShadedChartView::drawForeground(QPainter *painter, const QRectF &rect)
{
    QChartView::drawForeground(painter, rect);
    if (m_spans.empty() || chart()->series().isEmpty())
        return;
    QAbstractSeries *series = chart()->series().constFirst();
    const QRectF plot = chart()->plotArea();
    painter->save();
    painter->setClipRect(plot);
    QFont f = font();
    f.setPixelSize(9);
    painter->setFont(f);
    for (const Span &s : m_spans) {
        const double x0 = chart()->mapToPosition(QPointF(s.x0, 0), series).x();
        const double x1 = chart()->mapToPosition(QPointF(s.x1, 0), series).x();
        const QRectF band(QPointF(std::min(x0, x1), plot.top()), QPointF(std::max(x0, x1) + 1, plot.bottom()));
        QColor c = s.colour;
        c.setAlpha(55);
        painter->fillRect(band, c);
        if (band.width() > 30) {
            painter->setPen(s.colour.darker(140));
            painter->drawText(band.adjusted(2, 2, -2, 0), Qt::AlignLeft | Qt::AlignTop, s.label);
        }
    }
    painter->restore();
}

} // namespace shardscope
