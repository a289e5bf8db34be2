#pragma once

#include "model/fleet/FleetRow.h"

#include <QWidget>

#include <array>

namespace shardscope {

class FleetFilterProxy;
class FleetModel;

// The fleet at a glance: a painted row per node (in the proxy's order) with its columns
// and its shards as a strip of heat-map cells in the single-node state colours. Rows and
// cells shrink with the fleet so that 64 nodes x 64 shards fit 1360x880 unscrolled; the
// cells' detail follows their size (FleetCellPainter). Click or Enter selects a node;
// `n` or F8 jumps to the next node needing attention; a click on a column title sorts.
class FleetView : public QWidget
{
    Q_OBJECT
public:
    FleetView(FleetModel &fleet, FleetFilterProxy &proxy, QWidget *parent = nullptr);

    QString currentNode() const { return m_current; }
    void setCurrentNode(const QString &nodeId);
    // The next node in view order after the current one (wrapping) that is unhealthy or
    // skewed, made current and activated; empty when none needs attention.
    QString jumpToNextNeedingAttention();

    // Geometry, for tests and tooltips: in widget coordinates; empty when out of view.
    int rowHeight() const { return m_layout.row; }
    QRect rowRect(int proxyRow) const;
    int proxyRowOf(const QString &nodeId) const; // -1 when filtered out
    QRect cellRect(int proxyRow, int shard) const;
    int rowsInView() const;
    // The first row in view: rows scroll (wheel, keys) only past what fits at the smallest row height.
    int topRow() const { return m_top; }

    // What a row without shard rows shows in its strip (a replay has none to show).
    void setEmptyStripText(const QString &text) { m_emptyStripText = text; update(); }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void currentNodeChanged(const QString &nodeId);
    void nodeActivated(const QString &nodeId); // a click, Enter, or a jump

protected:
    bool event(QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;

private:
    struct Layout {
        int header = 16;
        int row = 20;
        int fontPx = 12;
        std::array<int, FleetColumn::Count> x{};
        std::array<int, FleetColumn::Count> width{};
        int stripX = 0;
        int stripWidth = 0;
        qreal cellWidth = 8;
        int shardsAcross = 1; // the most shards any node has
    };
    void relayout();
    int proxyRowAt(const QPoint &pos) const;
    void activateRow(int proxyRow);
    void scrollTo(int top);
    void ensureVisible(int proxyRow);
    void paintHeader(QPainter &p) const;
    void paintRow(QPainter &p, int proxyRow) const;
    void paintStrip(QPainter &p, int proxyRow, const QRect &row) const;
    QString cellToolTip(int proxyRow, const QPoint &pos) const;

    FleetModel &m_fleet;
    FleetFilterProxy &m_proxy;
    Layout m_layout;
    QString m_emptyStripText = QStringLiteral("no shards seen from this node yet");
    QString m_current;
    int m_top = 0;
};

} // namespace shardscope
