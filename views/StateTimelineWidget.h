#pragma once

#include <QWidget>

class QPainter;

namespace shardscope {

class ConsoleModel;

// A row per shard, time across, colour = state: shows afterwards which shard was in
// which state when. Custom-painted from StateTimeline; rows shrink to 2 px for 1024
// shards and the widget grows taller so a scroll area can hold it.
class StateTimelineWidget : public QWidget
{
    Q_OBJECT
public:
    explicit StateTimelineWidget(ConsoleModel &model, QWidget *parent = nullptr);

    static constexpr int kGutter = 52;
    static constexpr int kAxisHeight = 18;
    int rowHeight() const;
    QSize sizeHint() const override;
    // At least 2 px per shard: with many shards the scroll area scrolls instead of squeezing.
    QSize minimumSizeHint() const override;
    // How much history fits across the widget; 0 shows everything kept (up to 5 min).
    void setWindowMs(qint64 ms);
    qint64 windowMs() const { return m_windowMs; }

protected:
    void paintEvent(QPaintEvent *event) override;
    void moveEvent(QMoveEvent *event) override;

private:
    void drawRowGroups(QPainter &p, int first, int last, int rowHeight);

    ConsoleModel &m_model;
    int m_frames = 0;
    qint64 m_windowMs = 60000;
};

} // namespace shardscope
