#include "views/fleet/ClusterCharts.h"

#include "model/fleet/FleetHistory.h"
#include "views/ColourTable.h"
#include "views/ShadedChartView.h"

#include <QChart>
#include <QEvent>
#include <QGraphicsLayout>
#include <QGridLayout>
#include <QLegend>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>

namespace shardscope {

ClusterCharts::ClusterCharts(const FleetHistory &history, QWidget *parent)
    : QWidget(parent)
    , m_history(history)
{
    auto *layout = new QGridLayout(this); // two across: the column beside the fleet is narrow
    layout->setContentsMargins(0, 0, 0, 0);
    m_charts[0] = makeChart(QStringLiteral("Throughput (req/s)"));
    m_charts[1] = makeChart(QStringLiteral("Errors (failed/s)"));
    m_charts[2] = makeChart(QStringLiteral("Latency p99 (ms)"));
    m_charts[2].lines[0]->setName(QStringLiteral("worst node"));
    for (int i = 0; i < 3; ++i)
        layout->addWidget(m_charts[std::size_t(i)].view, i / 2, i % 2);
    setDark(isDarkPalette(palette()));
    connect(&history, &FleetHistory::sampled, this, &ClusterCharts::refresh);
}

// The unit in the title: a narrow chart has no room for an axis title.
ClusterCharts::Chart ClusterCharts::makeChart(const QString &title)
{
    Chart c;
    c.chart = new QChart;
    c.chart->setAnimationOptions(QChart::NoAnimation);
    c.chart->setTitle(title);
    c.chart->legend()->setAlignment(Qt::AlignBottom);
    c.chart->setMargins(QMargins(2, 2, 2, 2));
    c.chart->layout()->setContentsMargins(0, 0, 0, 0);
    c.x = new QValueAxis;
    c.x->setRange(-kWindowSeconds, 0);
    c.x->setLabelFormat(QStringLiteral("%.0f s"));
    c.x->setTickCount(3);
    c.y = new QValueAxis;
    c.y->setRange(0, 1);
    c.y->setLabelFormat(QStringLiteral("%.3g"));
    c.y->setTickCount(3);
    c.chart->addAxis(c.x, Qt::AlignBottom);
    c.chart->addAxis(c.y, Qt::AlignLeft);
    const QString names[] = {QStringLiteral("cluster"), QStringLiteral("selected node")};
    for (int i = 0; i < 2; ++i) {
        c.lines[std::size_t(i)] = new QLineSeries;
        c.lines[std::size_t(i)]->setName(names[i]);
        c.chart->addSeries(c.lines[std::size_t(i)]);
        c.lines[std::size_t(i)]->attachAxis(c.x);
        c.lines[std::size_t(i)]->attachAxis(c.y);
    }
    c.view = new ShadedChartView(c.chart, this);
    c.view->setMinimumSize(150, 120);
    return c;
}

void ClusterCharts::refresh()
{
    const qint64 now = m_history.lastMs();
    const auto secondsBefore = [now](qint64 ms) { return (ms - now) / 1000.0; };
    std::array<std::array<QList<QPointF>, 2>, 3> points;
    for (const FleetHistory::Sample &s : m_history.samples()) {
        const double x = secondsBefore(s.ms);
        if (x < -kWindowSeconds)
            continue;
        const double values[3][2] = {{s.requests, s.nodeRequests}, {s.errors, s.nodeErrors}, {s.p99Ms, s.nodeP99Ms}};
        for (int c = 0; c < 3; ++c) {
            for (int l = 0; l < 2; ++l)
                points[std::size_t(c)][std::size_t(l)].append(QPointF(x, values[c][l]));
        }
    }
    std::vector<ShadedChartView::Span> spans;
    const QColor shade = colourFor(Meaning::Running, isDarkPalette(palette()));
    for (const FleetHistory::Span &s : m_history.restartSpans()) {
        if (secondsBefore(s.endMs) >= -kWindowSeconds)
            spans.push_back({std::max(-kWindowSeconds, secondsBefore(s.startMs)), secondsBefore(s.endMs), shade, s.label});
    }
    m_spans = int(spans.size());
    for (int c = 0; c < 3; ++c) {
        Chart &chart = m_charts[std::size_t(c)];
        double top = 0;
        for (int l = 0; l < 2; ++l) {
            for (const QPointF &pt : points[std::size_t(c)][std::size_t(l)])
                top = std::max(top, pt.y());
            chart.lines[std::size_t(l)]->replace(points[std::size_t(c)][std::size_t(l)]);
        }
        chart.y->setRange(0, top > 0 ? top * 1.15 : 1);
        chart.view->setSpans(spans);
    }
}

int ClusterCharts::pointCount(int chart, int line) const
{
    return int(m_charts[std::size_t(chart)].lines[std::size_t(line)]->count());
}

int ClusterCharts::spanCount() const
{
    return m_spans;
}

void ClusterCharts::setDark(bool dark)
{
    for (Chart &c : m_charts) {
        c.chart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
        c.chart->setBackgroundRoundness(0);
        // setTheme() resets fonts and pens: small axis labels fit the narrow charts.
        QFont small = font();
        small.setPointSizeF(small.pointSizeF() * 0.8);
        c.x->setLabelsFont(small);
        c.y->setLabelsFont(small);
        c.lines[0]->setPen(QPen(colourFor(Meaning::SeriesAll, dark), 2));
        c.lines[1]->setPen(QPen(colourFor(Meaning::SeriesSelected, dark), 2));
    }
}

void ClusterCharts::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange)
        setDark(isDarkPalette(palette()));
    QWidget::changeEvent(event);
}

} // namespace shardscope
