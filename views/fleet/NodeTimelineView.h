#pragma once

#include <QWidget>

namespace shardscope {

class FleetHistory;

// A row per node (natural order), its states over the last minutes as merged runs in the
// fleet rows' colours, every row fitted into the height given (64 rows in a tab); node ids
// at the left while rows are tall enough to read them; the tooltip names the row's node and
// its state now.
class NodeTimelineView : public QWidget
{
    Q_OBJECT
public:
    static constexpr qint64 kWindowMs = 5 * 60 * 1000;

    explicit NodeTimelineView(const FleetHistory &history, QWidget *parent = nullptr);
    // The height one node's row gets now (tests check 64 rows fit).
    double rowHeight() const;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    int labelWidth() const;

    const FleetHistory &m_history;
};

} // namespace shardscope
