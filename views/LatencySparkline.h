#pragma once

#include "model/history/HistoryRing.h"

#include <QWidget>

namespace shardscope {

// The selected shard's recent p50 and p99 latency as two small lines.
class LatencySparkline : public QWidget
{
    Q_OBJECT
public:
    explicit LatencySparkline(QWidget *parent = nullptr);

    void clear();
    void push(quint32 p50Us, quint32 p99Us);
    QSize sizeHint() const override { return {200, 40}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    HistoryRing<std::pair<quint32, quint32>> m_samples{200};
};

} // namespace shardscope
