#pragma once

#include <QAbstractScrollArea>

#include <vector>

class QPainter;

namespace shardscope {

class ConsoleModel;

// A row per shard, time across, colour = state: shows afterwards which shard was in
// which state when. Owns its viewport and paints only the rows in view; every row keeps a
// readable height and its label, and the rows scroll when they do not fit. Rows now
// stalled, failed or canceled are pinned above the scrolling rows (when "trouble first"
// is on), so at 1024 shards the one that matters is never scrolled away.
class StateTimelineWidget : public QAbstractScrollArea
{
    Q_OBJECT
public:
    explicit StateTimelineWidget(ConsoleModel &model, QWidget *parent = nullptr);

    static constexpr int kGutter = 72;
    static constexpr int kAxisHeight = 18;
    // Rows stretch up to kMaxRowHeight to fill the view, never below kMinRowHeight.
    static constexpr int kMinRowHeight = 14;
    static constexpr int kMaxRowHeight = 20;
    int rowHeight() const;
    QSize sizeHint() const override;
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
    // How many leading rows stay above the scrolling part (at most half the view).
    int pinnedRowCount() const;
    // The shards whose rows are in view now, top to bottom (pinned ones first).
    std::vector<int> visibleRows() const;

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    int rowsHeight() const; // the viewport's height above the time axis
    void relayout();
    void drawRow(QPainter &p, int shard, int y, int rowHeight, qint64 t0, qint64 span);
    void drawAxis(QPainter &p, int axisY, qint64 t0, qint64 span);
    int xOf(qint64 ms, qint64 t0, qint64 span) const;

    ConsoleModel &m_model;
    int m_frames = 0;
    qint64 m_windowMs = 60000;
    bool m_changedOnly = false;
    bool m_troubleFirst = true;
};

} // namespace shardscope
