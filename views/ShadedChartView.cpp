#include "views/ShadedChartView.h"

#include "views/ColourTable.h"

#include <QAbstractSeries>
#include <QChart>
#include <QImage>
#include <QPainter>

#include <algorithm>
#include <cmath>

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

// The bands are painted into a one-pixel-high strip and the strip is stretched over the
// plot in one draw. Filling each tall band separately made Qt's raster engine split every
// fill across its thread pool and wait for it; with dozens of bands per chart after a few
// restarts that stalled the GUI thread for tens of milliseconds per repaint while the
// shard threads kept the cores busy (bench_console, issue 5). One draw costs the same
// however many restarts are in view.
void ShadedChartView::drawForeground(QPainter *painter, const QRectF &rect)
{
    QChartView::drawForeground(painter, rect);
    if (m_spans.empty() || chart()->series().isEmpty())
        return;
    QAbstractSeries *series = chart()->series().constFirst();
    const QRectF plot = chart()->plotArea();
    std::vector<std::pair<QRectF, const Span *>> bands;
    bands.reserve(m_spans.size());
    for (const Span &s : m_spans) {
        const double x0 = chart()->mapToPosition(QPointF(s.x0, 0), series).x();
        const double x1 = chart()->mapToPosition(QPointF(s.x1, 0), series).x();
        bands.emplace_back(QRectF(QPointF(std::min(x0, x1), plot.top()), QPointF(std::max(x0, x1) + 1, plot.bottom())), &s);
    }
    painter->save();
    painter->setClipRect(plot);
    painter->drawImage(QRectF(plot.left(), plot.top(), std::ceil(plot.width()), plot.height()),
                       bandStrip(bands, plot, painter->device()->devicePixelRatio()));
    labelBands(painter, bands);
    painter->restore();
}

QImage ShadedChartView::bandStrip(const std::vector<std::pair<QRectF, const Span *>> &bands, const QRectF &plot,
                                  qreal dpr) const
{
    QImage strip(int(std::ceil(plot.width() * dpr)), 1, QImage::Format_ARGB32_Premultiplied);
    strip.setDevicePixelRatio(dpr);
    strip.fill(Qt::transparent);
    QPainter p(&strip);
    p.setRenderHint(QPainter::Antialiasing, true);
    // On a dark background the bands are lightened and stronger, or a grey "no data" band
    // vanishes into it.
    const bool dark = isDarkPalette(palette());
    for (const auto &[band, span] : bands) {
        QColor c = dark ? span->colour.lighter(150) : span->colour;
        c.setAlpha(dark ? 80 : 55);
        p.fillRect(QRectF(band.left() - plot.left(), 0, band.width(), 1), c);
    }
    return strip;
}

void ShadedChartView::labelBands(QPainter *painter, const std::vector<std::pair<QRectF, const Span *>> &bands) const
{
    QFont f = font();
    f.setPixelSize(9);
    painter->setFont(f);
    for (const auto &[band, span] : bands) {
        if (band.width() <= 30)
            continue;
        const bool dark = isDarkPalette(palette());
        painter->setPen(dark ? span->colour.lighter(190) : span->colour.darker(140));
        painter->drawText(band.adjusted(2, 2, -2, 0), Qt::AlignLeft | Qt::AlignTop, span->label);
    }
}

} // namespace shardscope
