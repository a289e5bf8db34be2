#include "views/ChartPanel.h"

#include "model/console/ConsoleModel.h"
#include "model/history/ServiceHistory.h"
#include "model/restart/RestartTracker.h"
#include "views/ShadedChartView.h"

#include <QChart>
#include <QGraphicsLayout>
#include <QHBoxLayout>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace shardscope {

namespace {

const std::array<QColor, kRestartStepCount> kPhaseColours = {
    QColor(0xf2, 0xb6, 0x00), QColor(0xf5, 0x7c, 0x00), QColor(0x2f, 0x6f, 0xdb),
    QColor(0x12, 0x99, 0x9b), QColor(0x2e, 0x9d, 0x4a), QColor(0xc2, 0x18, 0x9b)};

// Epoch-ms points to seconds before `nowMs`.
QList<QPointF> relative(const std::vector<QPointF> &points, qint64 nowMs, double &maxY)
{
    QList<QPointF> out;
    out.reserve(qsizetype(points.size()));
    for (const QPointF &p : points) {
        out.append(QPointF((p.x() - double(nowMs)) / 1000.0, p.y()));
        maxY = std::max(maxY, p.y());
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

} // namespace

ChartPanel::ChartPanel(ConsoleModel &model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    m_charts[0] = makeChart(QStringLiteral("Queue depth"), QStringLiteral("messages"));
    m_charts[1] = makeChart(QStringLiteral("Throughput"), QStringLiteral("req/s"));
    m_charts[2] = makeChart(QStringLiteral("Errors"), QStringLiteral("failed/s"));
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
    c.all = new QLineSeries;
    c.all->setName(QStringLiteral("all shards"));
    c.selected = new QLineSeries;
    c.selected->setName(QStringLiteral("selected shard"));
    c.chart->addSeries(c.all);
    c.chart->addSeries(c.selected);
    c.x = new QValueAxis;
    c.x->setRange(-60, 0);
    c.x->setLabelFormat(QStringLiteral("%.0f s"));
    c.x->setTickCount(5);
    c.y = new QValueAxis;
    c.y->setRange(0, 1);
    c.y->setLabelFormat(QStringLiteral("%g"));
    c.y->setTitleText(unit);
    c.chart->addAxis(c.x, Qt::AlignBottom);
    c.chart->addAxis(c.y, Qt::AlignLeft);
    for (QLineSeries *s : {c.all, c.selected}) {
        s->attachAxis(c.x);
        s->attachAxis(c.y);
    }
    styleSeries(c);
    c.view = new ShadedChartView(c.chart, this);
    c.view->setMinimumSize(200, 150);
    return c;
}

void ChartPanel::styleSeries(Chart &c)
{
    c.all->setPen(QPen(QColor(0x2f, 0x6f, 0xdb), 2));
    c.selected->setPen(QPen(QColor(0xd3, 0x2f, 0x2f), 1.5));
}

void ChartPanel::setDark(bool dark)
{
    for (Chart &c : m_charts) {
        // setTheme() restyles everything, animations and pens included: put ours back.
        c.chart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
        c.chart->setAnimationOptions(QChart::NoAnimation);
        styleSeries(c);
    }
}

int ChartPanel::pointCount(int chart, int series) const
{
    const Chart &c = m_charts[std::size_t(chart)];
    return int((series == 0 ? c.all : c.selected)->count());
}

void ChartPanel::refresh()
{
    const ServiceHistory &history = m_model.history();
    const qint64 now = m_model.nowMs();
    const ChartLines all = history.totals();
    const ChartLines sel = history.forShard(m_model.selectedRow());
    const std::array<std::pair<const std::vector<QPointF> *, const std::vector<QPointF> *>, 3> lines = {{
        {&all.queueDepth, &sel.queueDepth}, {&all.throughput, &sel.throughput}, {&all.errors, &sel.errors}}};

    double span = 60;
    if (!all.queueDepth.empty())
        span = std::clamp((double(now) - all.queueDepth.front().x()) / 1000.0, 60.0, kMaxWindowSeconds);

    std::vector<ShadedChartView::Span> spans;
    for (const PhaseInterval &iv : m_model.restart().intervals()) {
        const double x0 = double(iv.startMs - now) / 1000.0;
        const double x1 = double((iv.endMs < 0 ? now : iv.endMs) - now) / 1000.0;
        if (x1 < -span)
            continue;
        spans.push_back({x0, std::max(x1, x0 + 0.05), kPhaseColours[std::size_t(iv.step)], restartStepName(iv.step)});
    }

    for (std::size_t i = 0; i < m_charts.size(); ++i) {
        Chart &c = m_charts[i];
        double maxY = 0;
        c.all->replace(relative(*lines[i].first, now, maxY));
        c.selected->replace(relative(*lines[i].second, now, maxY));
        c.selected->setName(m_model.selectedShard() >= 0 ? QStringLiteral("shard %1").arg(m_model.selectedShard())
                                                         : QStringLiteral("selected shard"));
        c.x->setRange(-span, 0);
        c.y->setRange(0, niceCeiling(maxY * 1.1));
        c.view->setSpans(spans);
    }
}

} // namespace shardscope
