#pragma once

#include <QWidget>

#include <array>
#include <utility>
#include <vector>

class QChart;
class QLineSeries;
class QPointF;
class QValueAxis;

namespace shardscope {

class ConsoleModel;
class ShadedChartView;

// Queue depth, throughput and errors over the last minutes, for all shards and for the
// selected shard, with restart phases shaded. Series are refreshed with replace() once
// per history sample; the time axis is seconds before the newest snapshot, so no wall
// clock appears in the picture. An outage (ServiceHistory's gaps) breaks each line and is
// shaded "no data": a QLineSeries cannot break, so a line is a few series, one per run
// of samples, with one legend entry.
class ChartPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ChartPanel(ConsoleModel &model, QWidget *parent = nullptr);

    // A fixed window: the last minute, ticks every 15 s. A window that grew with the
    // history gave ticks at odd seconds (-94, -62, -31 s); a minute holds a whole phased
    // restart with its 10 s drain timeout and the calm before it. The state timeline
    // offers longer windows.
    static constexpr double kWindowSeconds = 60;
    static constexpr int kTickCount = 5;
    int pointCount(int chart, int series) const;
    // One chart's axes (tests read their ranges and ticks).
    const QValueAxis *timeAxis(int chart) const { return m_charts[std::size_t(chart)].x; }
    const QValueAxis *valueAxis(int chart) const { return m_charts[std::size_t(chart)].y; }
    // The colour one line is drawn in (0: all shards, 1: the selected shard).
    QColor lineColour(int chart, int series) const;
    // Runs of samples drawn for one line (more than one when an outage broke it).
    int segmentCount(int chart, int series) const;

    // Dark or light chart theme, to match the window's palette.
    void setDark(bool dark);

public Q_SLOTS:
    void refresh();

private:
    enum Line { All, Selected, LineCount };
    struct Chart {
        QChart *chart = nullptr;
        ShadedChartView *view = nullptr;
        std::array<QList<QLineSeries *>, LineCount> segments; // [0] carries the legend entry
        QValueAxis *x = nullptr;
        QValueAxis *y = nullptr;
    };
    Chart makeChart(const QString &title, const QString &unit);
    static QLineSeries *addSegment(Chart &c, Line line, const QString &name);
    static void styleSeries(Chart &c, bool dark);
    static void setLine(Chart &c, Line line, const QList<QPointF> &points, const std::vector<std::pair<double, double>> &gaps);

    ConsoleModel &m_model;
    std::array<Chart, 4> m_charts;
};

} // namespace shardscope
