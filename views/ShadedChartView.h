#pragma once

#include <QChartView>
#include <QColor>

#include <vector>

namespace shardscope {

// A chart view that shades spans of the x axis (restart phases) behind the lines, by
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
    std::vector<Span> m_spans;
};

} // namespace shardscope
