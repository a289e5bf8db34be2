#pragma once

#include <QWidget>

#include <array>

class QChart;
class QLineSeries;
class QValueAxis;

namespace shardscope {

class ConsoleModel;
class ShadedChartView;

// Queue depth, throughput and errors over the last minutes, for all shards and for the
// selected shard, with restart phases shaded. Series are refreshed with replace() once
// per history sample; the time axis is seconds before the newest snapshot, so no wall
// clock appears in the picture.
class ChartPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ChartPanel(ConsoleModel &model, QWidget *parent = nullptr);

    static constexpr double kMaxWindowSeconds = 300;
    int pointCount(int chart, int series) const;

    // Dark or light chart theme, to match the window's palette.
    void setDark(bool dark);

public Q_SLOTS:
    void refresh();

private:
    struct Chart {
        QChart *chart = nullptr;
        ShadedChartView *view = nullptr;
        QLineSeries *all = nullptr;
        QLineSeries *selected = nullptr;
        QValueAxis *x = nullptr;
        QValueAxis *y = nullptr;
    };
    Chart makeChart(const QString &title, const QString &unit);
    static void styleSeries(Chart &c);

    ConsoleModel &m_model;
    std::array<Chart, 3> m_charts;
};

} // namespace shardscope
