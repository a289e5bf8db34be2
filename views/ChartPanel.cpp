#include "views/ChartPanel.h"
#include "views/ColourTable.h"

#include "model/console/ConsoleModel.h"
#include "model/history/ServiceHistory.h"
#include "model/restart/RestartTracker.h"
#include "views/ShadedChartView.h"

#include <QChart>
#include <QGraphicsLayout>
#include <QHBoxLayout>
#include <QLegendMarker>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace shardscope {

namespace {

// Epoch-ms points to seconds before `nowMs`, from the last one before the window on (so
// the line reaches the left edge); the y scale follows the points in the window only.
QList<QPointF> relative(const std::vector<QPointF> &points, qint64 nowMs, double windowS, double &maxY)
{
    const double fromMs = double(nowMs) - windowS * 1000.0;
    auto first = std::lower_bound(points.begin(), points.end(), fromMs, [](const QPointF &p, double x) { return p.x() < x; });
    if (first != points.begin())
        --first;
    QList<QPointF> out;
    out.reserve(qsizetype(points.end() - first));
    for (auto it = first; it != points.end(); ++it) {
        out.append(QPointF((it->x() - double(nowMs)) / 1000.0, it->y()));
        if (it->x() >= fromMs)
            maxY = std::max(maxY, it->y());
    }
    return out;
}

double niceCeiling(double v)
{
    if (v <= 1)
        return 1;
    const double mag = std::pow(10.0, std::floor(std::log10(v)));
    for (double step : {1.0, 2.0, 5.0, 10.0})
        if (v <= step * mag)
            return step * mag;
    return 10 * mag;
}

// Ticks that land on round values for a niceCeiling() top: 5 -> 0, 1, ..., 5 (not 1.25).
int niceTickCount(double top)
{
    const double leading = top / std::pow(10.0, std::floor(std::log10(top)));
    return (std::abs(leading - 5) < 1e-9 || (std::abs(leading - 1) < 1e-9 && top > 1)) ? 6 : 5;
}

} // namespace

ChartPanel::ChartPanel(ConsoleModel &model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    m_charts[0] = makeChart(QStringLiteral("Queue depth (deepest each 0.5 s)"), QStringLiteral("messages"));
    m_charts[1] = makeChart(QStringLiteral("Throughput"), QStringLiteral("req/s"));
    m_charts[2] = makeChart(QStringLiteral("Errors"), QStringLiteral("failed/s"));
    // The shards' own work, sleep left out: what a slow shard looks like over time.
    m_charts[3] = makeChart(QStringLiteral("Latency p99 (work, no sleep)"), QStringLiteral("ms"));
    for (QLineSeries *s : m_charts[3].segments[All])
        s->setName(QStringLiteral("slowest shard"));
    for (const Chart &c : m_charts)
        layout->addWidget(c.view, 1);
    connect(&m_model, &ConsoleModel::historySampled, this, &ChartPanel::refresh);
    connect(&m_model, &ConsoleModel::selectionChanged, this, &ChartPanel::refresh);
}

ChartPanel::Chart ChartPanel::makeChart(const QString &title, const QString &unit)
{
    Chart c;
    c.chart = new QChart;
    c.chart->setAnimationOptions(QChart::NoAnimation);
    c.chart->setTitle(title);
    c.chart->legend()->setAlignment(Qt::AlignBottom);
    c.chart->setMargins(QMargins(4, 4, 4, 4));
    c.chart->layout()->setContentsMargins(0, 0, 0, 0);
    c.x = new QValueAxis;
    c.x->setRange(-kWindowSeconds, 0);
    c.x->setLabelFormat(QStringLiteral("%.0f s"));
    c.x->setTickCount(kTickCount);
    c.y = new QValueAxis;
    c.y->setRange(0, 1);
    c.y->setLabelFormat(QStringLiteral("%g"));
    c.y->setTitleText(unit);
    c.chart->addAxis(c.x, Qt::AlignBottom);
    c.chart->addAxis(c.y, Qt::AlignLeft);
    addSegment(c, All, QStringLiteral("all shards"));
    addSegment(c, Selected, QStringLiteral("selected shard"));
    c.view = new ShadedChartView(c.chart, this);
    c.view->setMinimumSize(200, 150);
    return c;
}

QLineSeries *ChartPanel::addSegment(Chart &c, Line line, const QString &name)
{
    auto *series = new QLineSeries;
    series->setName(name);
    c.chart->addSeries(series);
    series->attachAxis(c.x);
    series->attachAxis(c.y);
    c.segments[line].append(series);
    styleSeries(c, isDarkPalette(c.view ? c.view->palette() : QPalette()));
    return series;
}

void ChartPanel::styleSeries(Chart &c, bool dark)
{
    const std::array<QPen, LineCount> pens = {QPen(colourFor(Meaning::SeriesAll, dark), 2),
                                              QPen(colourFor(Meaning::SeriesSelected, dark), 1.5)};
    for (int line = 0; line < LineCount; ++line) {
        for (qsizetype i = 0; i < c.segments[std::size_t(line)].size(); ++i) {
            QLineSeries *s = c.segments[std::size_t(line)][i];
            s->setPen(pens[std::size_t(line)]);
            const auto markers = c.chart->legend()->markers(s);
            for (QLegendMarker *m : markers)
                m->setVisible(i == 0); // one legend entry per line, however many runs it has
        }
    }
}

void ChartPanel::setLine(Chart &c, Line line, const QList<QPointF> &points, const std::vector<std::pair<double, double>> &gaps)
{
    // A new run starts where two neighbouring points lie on either side of a gap.
    std::vector<QList<QPointF>> runs(1);
    for (qsizetype i = 0; i < points.size(); ++i) {
        const bool broken = i > 0 && std::any_of(gaps.begin(), gaps.end(), [&](const auto &g) {
            return points[i - 1].x() <= g.first && points[i].x() >= g.second;
        });
        if (broken)
            runs.emplace_back();
        runs.back().append(points[i]);
    }
    QList<QLineSeries *> &segments = c.segments[line];
    while (std::size_t(segments.size()) < runs.size())
        addSegment(c, line, segments.constFirst()->name());
    for (qsizetype i = 0; i < segments.size(); ++i)
        segments[i]->replace(std::size_t(i) < runs.size() ? runs[std::size_t(i)] : QList<QPointF>());
}

void ChartPanel::setDark(bool dark)
{
    for (Chart &c : m_charts) {
        // setTheme() restyles everything, animations and pens included: put ours back.
        c.chart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
        c.chart->setAnimationOptions(QChart::NoAnimation);
        styleSeries(c, dark);
    }
}

int ChartPanel::pointCount(int chart, int series) const
{
    int n = 0;
    for (const QLineSeries *s : m_charts[std::size_t(chart)].segments[std::size_t(series)])
        n += int(s->count());
    return n;
}

QColor ChartPanel::lineColour(int chart, int series) const
{
    return m_charts[std::size_t(chart)].segments[std::size_t(series)].constFirst()->pen().color();
}

int ChartPanel::segmentCount(int chart, int series) const
{
    const auto &segments = m_charts[std::size_t(chart)].segments[std::size_t(series)];
    return int(std::count_if(segments.begin(), segments.end(), [](const QLineSeries *s) { return s->count() > 0; }));
}

void ChartPanel::refresh()
{
    const ServiceHistory &history = m_model.history();
    const qint64 now = m_model.nowMs();
    const ChartLines all = history.totals();
    const ChartLines sel = history.forShard(m_model.selectedRow());
    const std::array<std::pair<const std::vector<QPointF> *, const std::vector<QPointF> *>, 4> lines = {{
        {&all.queueDepth, &sel.queueDepth}, {&all.throughput, &sel.throughput}, {&all.errors, &sel.errors},
        {&all.workP99Ms, &sel.workP99Ms}}};

    const double span = kWindowSeconds;

    const bool dark = isDarkPalette(palette());
    std::vector<ShadedChartView::Span> spans;
    for (const PhaseInterval &iv : m_model.restart().intervals()) {
        const double x0 = double(iv.startMs - now) / 1000.0;
        const double x1 = double((iv.endMs < 0 ? now : iv.endMs) - now) / 1000.0;
        if (x1 < -span)
            continue;
        spans.push_back({x0, std::max(x1, x0 + 0.05), restartStepColour(iv.step, dark), restartStepName(iv.step)});
    }
    std::vector<std::pair<double, double>> gaps;
    for (const auto &[from, to] : all.gaps) {
        gaps.emplace_back((from - double(now)) / 1000.0, (to - double(now)) / 1000.0);
        spans.push_back({gaps.back().first, gaps.back().second, colourFor(Meaning::NoData, dark),
                         QStringLiteral("no data")});
    }

    for (std::size_t i = 0; i < m_charts.size(); ++i) {
        Chart &c = m_charts[i];
        double maxY = 0;
        setLine(c, All, relative(*lines[i].first, now, span, maxY), gaps);
        setLine(c, Selected, relative(*lines[i].second, now, span, maxY), gaps);
        const QString selected = m_model.selectedShard() >= 0 ? QStringLiteral("shard %1").arg(m_model.selectedShard())
                                                              : QStringLiteral("selected shard");
        for (QLineSeries *s : c.segments[Selected])
            s->setName(selected);
        const double top = niceCeiling(maxY * 1.1);
        c.y->setRange(0, top);
        c.y->setTickCount(niceTickCount(top));
        c.view->setSpans(spans);
    }
}

} // namespace shardscope
