#pragma once

#include <QGroupBox>

class QLabel;

namespace shardscope {

class ConsoleModel;
class LatencySparkline;

// Every counter of the selected shard, refreshed each frame, and its recent latency.
class ShardDetailPanel : public QGroupBox
{
    Q_OBJECT
public:
    explicit ShardDetailPanel(ConsoleModel &model, QWidget *parent = nullptr);

    QString detailText() const;

private:
    void refresh();

    ConsoleModel &m_model;
    QLabel *m_text;
    LatencySparkline *m_latency;
    int m_shown = -2;
};

} // namespace shardscope
