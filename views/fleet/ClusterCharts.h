#pragma once

#include <QWidget>

#include <array>

class QChart;
class QLineSeries;
class QValueAxis;

namespace shardscope {

class FleetHistory;
class ShadedChartView;

// Throughput, errors and p99 over the last minutes: the cluster (rates summed over the
// nodes, the worst node's p99) and the selected node, with the cluster restart's steps
// shaded and named (the busy nodes, or lockstep's stage).
class ClusterCharts : public QWidget
{
    Q_OBJECT
public:
    static constexpr double kWindowSeconds = 60; // as the node's own charts

    explicit ClusterCharts(const FleetHistory &history, QWidget *parent = nullptr);
    // Points drawn in one chart's line (0: cluster, 1: selected node).
    int pointCount(int chart, int line) const;
    int spanCount() const;
    void setDark(bool dark);

public Q_SLOTS:
    void refresh();

protected:
    void changeEvent(QEvent *event) override;

private:
    struct Chart {
        QChart *chart = nullptr;
        ShadedChartView *view = nullptr;
        std::array<QLineSeries *, 2> lines{};
        QValueAxis *x = nullptr;
        QValueAxis *y = nullptr;
    };
    Chart makeChart(const QString &title);

    const FleetHistory &m_history;
    std::array<Chart, 3> m_charts;
    int m_spans = 0;
};

} // namespace shardscope
