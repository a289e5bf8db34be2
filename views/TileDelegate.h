#pragma once

#include <QStyledItemDelegate>

namespace shardscope {

// Paints one shard tile from ShardTableModel roles: state colour with the state's name
// (or symbol on small tiles), shard id, version, queue bar and number, skew badges.
// No focus rectangle: selection is a thick outline, which golden images keep stable.
class TileDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit TileDelegate(QObject *parent = nullptr);

    void setTileSize(QSize size);
    QSize tileSize() const { return m_size; }

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    void paintBadge(QPainter *painter, const QRect &rect, const QString &text, const QColor &fg) const;

    QSize m_size{140, 84};
};

} // namespace shardscope
