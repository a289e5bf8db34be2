#pragma once

#include <QWidget>

#include <vector>

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
    // Only rows whose state changed in the history kept; stalled, failed and canceled rows
    // first. Both change which shards the rows are, so labels name each row's shard.
    void setChangedOnly(bool on);
    void setTroubleFirst(bool on);
    bool changedOnly() const { return m_changedOnly; }
    // The shards drawn, top to bottom.
    std::vector<int> rows() const;

protected:
    void paintEvent(QPaintEvent *event) override;
    void moveEvent(QMoveEvent *event) override;

private:
    void drawRowGroups(QPainter &p, const std::vector<int> &rows, int first, int last, int rowHeight);

    ConsoleModel &m_model;
    int m_frames = 0;
    qint64 m_windowMs = 60000;
    bool m_changedOnly = false;
    bool m_troubleFirst = true;
};

} // namespace shardscope
