#include "views/LatencySparkline.h"

#include "views/ColourTable.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace shardscope {

LatencySparkline::LatencySparkline(QWidget *parent)
    : QWidget(parent)
{
    setMinimumHeight(36);
    setAccessibleName(QStringLiteral("Recent latency"));
}

void LatencySparkline::clear()
{
    m_samples.reset(m_samples.capacity());
    update();
}

void LatencySparkline::push(quint32 p50Us, quint32 p99Us)
{
    m_samples.push({p50Us, p99Us});
    update();
}

void LatencySparkline::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    const std::size_t n = m_samples.size();
    quint32 top = 1;
    for (std::size_t i = 0; i < n; ++i)
        top = std::max(top, m_samples.at(i).second);
    QFont f = font();
    f.setPixelSize(10);
    p.setFont(f);
    const bool dark = isDarkPalette(palette());
    const QColor p99Colour = colourFor(Meaning::SeriesSelected, dark);
    const QColor p50Colour = colourFor(Meaning::SeriesAll, dark);
    p.setPen(palette().color(QPalette::Text));
    p.drawText(QRect(2, 0, width() - 4, 12), Qt::AlignLeft,
               QStringLiteral("recent latency: p99 up to %1 ms").arg(top / 1000.0, 0, 'f', 1));
    // The legend names each line in its own colour, so no colour word has to match a theme.
    const QRect legend(2, 0, width() - 4, 12);
    p.setPen(p50Colour);
    p.drawText(legend, Qt::AlignRight, QStringLiteral("\u2014 p50"));
    p.setPen(p99Colour);
    p.drawText(legend.adjusted(0, 0, -p.fontMetrics().horizontalAdvance(QStringLiteral("\u2014 p50  ")), 0), Qt::AlignRight,
               QStringLiteral("\u2014 p99"));
    if (n < 2)
        return;
    p.setRenderHint(QPainter::Antialiasing, true);
    const double w = width() - 2, h = height() - 18;
    auto line = [&](bool p99) {
        QPainterPath path;
        for (std::size_t i = 0; i < n; ++i) {
            const auto &s = m_samples.at(i);
            const QPointF pt(1 + w * double(i) / double(m_samples.capacity() - 1),
                             16 + h - h * double(p99 ? s.second : s.first) / top);
            i == 0 ? path.moveTo(pt) : path.lineTo(pt);
        }
        return path;
    };
    p.setPen(QPen(p99Colour, 1.5));
    p.drawPath(line(true));
    p.setPen(QPen(p50Colour, 1.5));
    p.drawPath(line(false));
}

} // namespace shardscope
