#pragma once

#include <QGroupBox>

#include <array>

class QLabel;

namespace shardscope {

class ConsoleModel;
class LatencySparkline;
struct ShardRow;

// Every counter of the selected shard, refreshed each frame, and its recent latency.
// The counters are plain-text labels set only when their value changes: a rich-text
// label re-set every frame made Qt lay its document out again each time, the largest
// GUI-thread cost of the console after painting the tiles (bench_console, issue 5).
class ShardDetailPanel : public QGroupBox
{
    Q_OBJECT
public:
    explicit ShardDetailPanel(ConsoleModel &model, QWidget *parent = nullptr);

    // What the panel shows, as plain text (one "name: value" line per counter).
    QString detailText() const;

private:
    enum Field { Version, QueueDepth, InFlight, Processed, Failed, Latency, FieldCount };

    QWidget *buildTable();
    void refresh();
    void showRow(const ShardRow &r);

    ConsoleModel &m_model;
    QLabel *m_title;  // "Shard 2 [draining]", or the hint when nothing is selected
    QWidget *m_table = nullptr;
    std::array<QLabel *, FieldCount> m_names{};
    std::array<QLabel *, FieldCount> m_values{};
    QLabel *m_skew;
    LatencySparkline *m_latency;
    int m_shown = -2;
};

} // namespace shardscope
