#pragma once

#include <QChartView>
#include <QColor>

#include <utility>
#include <vector>

namespace shardscope {

// A chart view that shades spans of the x axis (restart phases) over the plot, by
// mapping the spans through the chart on each paint rather than adding series.
class ShadedChartView : public QChartView
{
    Q_OBJECT
public:
    struct Span {
        double x0 = 0;
        double x1 = 0;
        QColor colour;
        QString label;
    };

    explicit ShadedChartView(QChart *chart, QWidget *parent = nullptr);
    void setSpans(std::vector<Span> spans);

protected:
    void drawForeground(QPainter *painter, const QRectF &rect) override;

private:
    QImage bandStrip(const std::vector<std::pair<QRectF, const Span *>> &bands, const QRectF &plot, qreal dpr) const;
    void labelBands(QPainter *painter, const std::vector<std::pair<QRectF, const Span *>> &bands) const;

    std::vector<Span> m_spans;
};

} // namespace shardscope
