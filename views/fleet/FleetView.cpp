#include "views/fleet/FleetView.h"

#include "model/fleet/FleetFilterProxy.h"
#include "model/fleet/FleetFormat.h"
#include "model/fleet/FleetModel.h"
#include "model/shards/ShardTableModel.h"
#include "views/ColourTable.h"
#include "views/fleet/FleetCellPainter.h"
#include "views/fleet/FleetRowStyle.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QWheelEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace shardscope {
namespace {

constexpr int kMinRow = 8;
constexpr int kMaxRow = 26;
constexpr qreal kMaxCellWidth = 44;

// The widest text each column is sized for; longer text is elided, whole in the tooltip.
const char *const kColumnSamples[FleetColumn::Count] = {
    "n000", "lost since 00:00:00, no answer", "v000", "\u2605", "00000", "0000.0", "000.00 ms", "00000", "0000"};

} // namespace

FleetView::FleetView(FleetModel &fleet, FleetFilterProxy &proxy, QWidget *parent)
    : QWidget(parent)
    , m_fleet(fleet)
    , m_proxy(proxy)
{
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setAccessibleName(QStringLiteral("Fleet"));
    const auto again = [this] {
        relayout();
        update();
    };
    connect(&m_proxy, &QAbstractItemModel::dataChanged, this, again); // a row may bring more shards
    connect(&m_proxy, &QAbstractItemModel::layoutChanged, this, again);
    connect(&m_proxy, &QAbstractItemModel::rowsInserted, this, again);
    connect(&m_proxy, &QAbstractItemModel::rowsRemoved, this, again);
    connect(&m_proxy, &QAbstractItemModel::modelReset, this, again);
    // A node's frame repaints its row alone, unless it brought more shards than any before.
    connect(&m_fleet, &FleetModel::shardsChanged, this, [this, again](const QString &id) {
        const ShardTableModel *shards = m_fleet.shardsOf(id);
        if (shards && shards->rowCount() > m_layout.shardsAcross)
            return again();
        update(rowRect(proxyRowOf(id)));
    });
    relayout();
}

QSize FleetView::sizeHint() const
{
    return {860, 600};
}

QSize FleetView::minimumSizeHint() const
{
    return {400, 120};
}

int FleetView::rowsInView() const
{
    return std::max(0, (height() - m_layout.header) / std::max(1, m_layout.row));
}

void FleetView::relayout()
{
    Layout l;
    const int rows = m_proxy.rowCount();
    l.header = 16;
    l.row = rows > 0 ? std::clamp((height() - l.header - 2) / rows, kMinRow, kMaxRow) : kMaxRow;
    l.fontPx = std::clamp(l.row - 2, 7, 13);
    QFont f = font();
    f.setPixelSize(l.fontPx);
    f.setBold(true); // ids and urgent states are bold: size for them
    const QFontMetrics fm(f);
    QFont h = font();
    h.setPixelSize(std::min(l.fontPx, 12));
    const QFontMetrics titles(h);
    const int pad = std::max(4, l.fontPx / 2 + 2);
    int x = 4;
    for (int c = 0; c < FleetColumn::Count; ++c) {
        l.x[std::size_t(c)] = x;
        l.width[std::size_t(c)] = std::max(fm.horizontalAdvance(QString::fromUtf8(kColumnSamples[c])),
                                           titles.horizontalAdvance(fleetColumnTitle(c) + QStringLiteral(" \u25b2")));
        x += l.width[std::size_t(c)] + pad;
    }
    for (int r = 0; r < m_fleet.rowCount(); ++r) {
        const ShardTableModel *s = m_fleet.shardsOf(m_fleet.row(r)->id);
        l.shardsAcross = std::max({l.shardsAcross, m_fleet.row(r)->shards, s ? s->rowCount() : 0});
    }
    l.stripX = x + 2;
    l.stripWidth = std::max(0, width() - l.stripX - 4);
    const qreal fit = qreal(l.stripWidth) / l.shardsAcross;
    l.cellWidth = std::min({fit, kMaxCellWidth, qreal(l.row - 2) * 2.5});
    if (fit >= 2)
        l.cellWidth = std::max<qreal>(2, std::floor(l.cellWidth)); // whole pixels: crisp cells
    m_layout = l;
    m_top = std::clamp(m_top, 0, std::max(0, rows - rowsInView()));
    ensureVisible(proxyRowOf(m_current));
}

void FleetView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    relayout();
}

QRect FleetView::rowRect(int proxyRow) const
{
    if (proxyRow < 0 || proxyRow >= m_proxy.rowCount())
        return {};
    if (proxyRow < m_top)
        return {};
    const QRect r(0, m_layout.header + (proxyRow - m_top) * m_layout.row, width(), m_layout.row);
    return r.bottom() < height() ? r : QRect();
}

QRect FleetView::cellRect(int proxyRow, int shard) const
{
    const QRect row = rowRect(proxyRow);
    if (row.isEmpty() || shard < 0 || shard >= m_layout.shardsAcross)
        return {};
    const qreal x = m_layout.stripX + shard * m_layout.cellWidth;
    return QRectF(x, row.top() + 1, m_layout.cellWidth, row.height() - 2).toRect();
}

int FleetView::proxyRowOf(const QString &nodeId) const
{
    const int source = m_fleet.rowOf(nodeId);
    return source < 0 ? -1 : m_proxy.mapFromSource(m_fleet.index(source, 0)).row();
}

int FleetView::proxyRowAt(const QPoint &pos) const
{
    if (pos.y() < m_layout.header)
        return -1;
    const int r = m_top + (pos.y() - m_layout.header) / std::max(1, m_layout.row);
    return r < m_proxy.rowCount() && !rowRect(r).isEmpty() ? r : -1;
}

void FleetView::setCurrentNode(const QString &nodeId)
{
    if (nodeId == m_current)
        return;
    update(rowRect(proxyRowOf(m_current)));
    m_current = nodeId;
    ensureVisible(proxyRowOf(m_current));
    update(rowRect(proxyRowOf(m_current)));
    Q_EMIT currentNodeChanged(nodeId);
}

void FleetView::scrollTo(int top)
{
    top = std::clamp(top, 0, std::max(0, m_proxy.rowCount() - rowsInView()));
    if (top != m_top) {
        m_top = top;
        update();
    }
}

void FleetView::ensureVisible(int proxyRow)
{
    if (proxyRow < 0)
        return;
    if (proxyRow < m_top)
        scrollTo(proxyRow);
    else if (proxyRow >= m_top + rowsInView())
        scrollTo(proxyRow - rowsInView() + 1);
}

void FleetView::wheelEvent(QWheelEvent *event)
{
    const int steps = event->angleDelta().y() / 40; // three rows a notch
    if (steps == 0 || m_proxy.rowCount() <= rowsInView())
        return QWidget::wheelEvent(event);
    scrollTo(m_top - steps);
}

void FleetView::activateRow(int proxyRow)
{
    if (proxyRow < 0 || proxyRow >= m_proxy.rowCount())
        return;
    const QString id = m_proxy.index(proxyRow, 0).data(FleetModel::NodeIdRole).toString();
    setCurrentNode(id);
    Q_EMIT nodeActivated(id);
}

QString FleetView::jumpToNextNeedingAttention()
{
    const int rows = m_proxy.rowCount();
    const int from = proxyRowOf(m_current);
    for (int step = 1; step <= rows; ++step) {
        const int r = (std::max(from, -1) + step + rows) % rows;
        if (m_proxy.index(r, 0).data(FleetModel::UnhealthyRole).toBool()) {
            activateRow(r);
            return m_current;
        }
    }
    return {};
}

void FleetView::mousePressEvent(QMouseEvent *event)
{
    setFocus(Qt::MouseFocusReason);
    const QPoint pos = event->position().toPoint();
    if (pos.y() < m_layout.header) {
        const int column = fleetColumnAt(m_layout.x.data(), m_layout.width.data(), pos.x());
        if (column < 0)
            m_proxy.sortBySeverity();
        else
            m_proxy.sort(column, !m_proxy.sortedBySeverity() && m_proxy.sortColumn() == column && m_proxy.sortOrder() == Qt::AscendingOrder
                                     ? Qt::DescendingOrder : Qt::AscendingOrder);
        return;
    }
    activateRow(proxyRowAt(pos));
}

void FleetView::keyPressEvent(QKeyEvent *event)
{
    const int rows = m_proxy.rowCount();
    const int at = proxyRowOf(m_current);
    switch (event->key()) {
    case Qt::Key_Up: return setCurrentNode(rows ? m_proxy.index(std::max(0, at - 1), 0).data(FleetModel::NodeIdRole).toString() : QString());
    case Qt::Key_Down: return setCurrentNode(rows ? m_proxy.index(std::min(rows - 1, at + 1), 0).data(FleetModel::NodeIdRole).toString() : QString());
    case Qt::Key_Home: return setCurrentNode(rows ? m_proxy.index(0, 0).data(FleetModel::NodeIdRole).toString() : QString());
    case Qt::Key_End: return setCurrentNode(rows ? m_proxy.index(rows - 1, 0).data(FleetModel::NodeIdRole).toString() : QString());
    case Qt::Key_Return:
    case Qt::Key_Enter: return activateRow(at);
    case Qt::Key_N:
    case Qt::Key_F8: jumpToNextNeedingAttention(); return;
    default: QWidget::keyPressEvent(event);
    }
}

bool FleetView::event(QEvent *event)
{
    if (event->type() != QEvent::ToolTip)
        return QWidget::event(event);
    const QPoint pos = static_cast<QHelpEvent *>(event)->pos();
    const int r = proxyRowAt(pos);
    QString text;
    if (pos.y() < m_layout.header)
        text = fleetHeaderToolTip(fleetColumnAt(m_layout.x.data(), m_layout.width.data(), pos.x()));
    else if (r >= 0)
        text = cellToolTip(r, pos);
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(static_cast<QHelpEvent *>(event)->globalPos(), text, this);
    return true;
}

QString FleetView::cellToolTip(int proxyRow, const QPoint &pos) const
{
    const QModelIndex index = m_proxy.index(proxyRow, 0);
    const QString id = index.data(FleetModel::NodeIdRole).toString();
    if (pos.x() >= m_layout.stripX) {
        const int shard = int((pos.x() - m_layout.stripX) / m_layout.cellWidth);
        const ShardTableModel *shards = m_fleet.shardsOf(id);
        if (shards && shard < shards->rowCount())
            return fleetShardToolTip(id, *shards->row(shard), index.data(FleetModel::FleetStateRole).toInt());
    }
    const int column = fleetColumnAt(m_layout.x.data(), m_layout.width.data(), pos.x());
    return m_proxy.index(proxyRow, std::max(column, 0)).data(Qt::ToolTipRole).toString();
}

void FleetView::paintEvent(QPaintEvent *event)
{
    QPainter p(this);
    p.fillRect(event->rect(), palette().color(QPalette::Base));
    QFont f = font();
    f.setPixelSize(m_layout.fontPx);
    p.setFont(f);
    if (event->rect().top() < m_layout.header)
        paintHeader(p);
    if (m_proxy.rowCount() == 0) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter, m_fleet.rowCount() == 0 ? QStringLiteral("no node found yet")
                                                                      : QStringLiteral("no node matches the filter"));
        return;
    }
    const int first = m_top + std::max(0, (event->rect().top() - m_layout.header) / std::max(1, m_layout.row));
    for (int r = first; r < m_proxy.rowCount(); ++r) {
        const QRect row = rowRect(r);
        if (row.isEmpty() || row.top() > event->rect().bottom())
            break;
        paintRow(p, r);
    }
}

void FleetView::paintHeader(QPainter &p) const
{
    QFont h = font();
    h.setPixelSize(std::min(m_layout.fontPx, 12));
    p.save();
    p.setFont(h);
    FleetHeaderLook look{m_layout.x.data(), m_layout.width.data(), m_layout.stripX, m_layout.header,
                         m_proxy.sortedBySeverity() ? -1 : m_proxy.sortColumn(), m_proxy.sortOrder(), m_layout.shardsAcross, {}};
    const int rows = m_proxy.rowCount();
    if (rows > rowsInView())
        look.note = QStringLiteral("rows %1-%2 of %3 (the wheel scrolls)").arg(m_top + 1).arg(std::min(rows, m_top + rowsInView())).arg(rows);
    paintFleetHeader(p, QRect(0, 0, width(), m_layout.header), look, palette());
    p.restore();
}

void FleetView::paintRow(QPainter &p, int proxyRow) const
{
    const QRect row = rowRect(proxyRow);
    const QModelIndex index = m_proxy.index(proxyRow, 0);
    const QModelIndex source = m_proxy.mapToSource(index);
    const FleetRow &node = *m_fleet.row(source.row());
    const bool dark = isDarkPalette(palette());
    const bool current = node.id == m_current;
    paintFleetRowBackground(p, row, node, proxyRow, current, hasFocus(), palette());
    for (int c = 0; c < FleetColumn::Count; ++c) {
        const QRect cell(m_layout.x[std::size_t(c)], row.top(), m_layout.width[std::size_t(c)], row.height());
        paintFleetText(p, cell, node, c, m_proxy.index(proxyRow, c).data().toString(), current, dark, palette());
    }
    paintStrip(p, proxyRow, row);
}

void FleetView::paintStrip(QPainter &p, int proxyRow, const QRect &row) const
{
    const QModelIndex source = m_proxy.mapToSource(m_proxy.index(proxyRow, 0));
    const FleetRow &node = *m_fleet.row(source.row());
    const ShardTableModel *shards = m_fleet.shardsOf(node.id);
    const bool dark = isDarkPalette(palette());
    if (!shards || shards->rowCount() == 0) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(QRect(m_layout.stripX, row.top(), m_layout.stripWidth, row.height()), Qt::AlignLeft | Qt::AlignVCenter,
                   m_emptyStripText);
        return;
    }
    p.save();
    for (int s = 0; s < shards->rowCount() && s < m_layout.shardsAcross; ++s) {
        const qreal x = m_layout.stripX + s * m_layout.cellWidth;
        FleetCellPainter::paint(p, QRectF(x, row.top() + 1, m_layout.cellWidth, row.height() - 2), *shards->row(s), dark);
    }
    p.restore();
    if (node.state == FleetState::Lost || node.state == FleetState::Left || node.state == FleetState::NotReachable) {
        const QRectF cells(m_layout.stripX, row.top() + 1, shards->rowCount() * m_layout.cellWidth, row.height() - 2);
        FleetCellPainter::veil(p, cells, dark);
    }
}

} // namespace shardscope
