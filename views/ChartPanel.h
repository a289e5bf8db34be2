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

    ConsoleModel &m_model;
    std::array<Chart, 3> m_charts;
};

} // namespace shardscope
