#pragma once

#include <QListView>

namespace shardscope {

class TileDelegate;

// The shard grid: a QListView in icon mode over the filter proxy, painted by TileDelegate.
// One view for 1024 shards instead of 1024 widgets; it scrolls, keeps arrow-key
// navigation, and shrinks tiles as the shard count grows.
class ShardGridView : public QListView
{
    Q_OBJECT
public:
    // HeatMap: one small square per shard, sized so that every shard fits the view
    // (1024 at 1360x880); Auto picks it above the count where small tiles stop fitting.
    enum class TileSize { Auto, Large, Medium, Small, HeatMap };

    explicit ShardGridView(QWidget *parent = nullptr);

    void setTileSize(TileSize size);
    TileSize tileSizeMode() const { return m_mode; }
    // What Auto resolved to (or the mode chosen).
    TileSize effectiveTileSize() const { return m_effective; }
    // Picks the tile size for `shardCount` when in Auto mode.
    void updateTileSize(int shardCount);
    // Shown in the empty grid when a filter hides every shard, so the pane is never blank.
    void setEmptyText(const QString &text);
    QString emptyText() const { return m_emptyText; }

    // Tiles found changed by dataChanged since the view was created (tests and benchmarks;
    // past 64 in one signal the whole viewport is repainted and the count stops there).
    qint64 tilesInvalidated() const { return m_tilesInvalidated; }
    // Tile pixmaps drawn so far (tests and benchmarks: a repaint should mostly reuse them).
    int tileRenders() const;

protected:
    void dataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight, const QList<int> &roles) override;
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    TileDelegate *m_delegate;
    QSize heatCellSize(int shardCount) const;
    QSize largeTileSize(int shardCount) const;

    TileSize m_mode = TileSize::Auto;
    TileSize m_effective = TileSize::Large;
    int m_lastCount = 0;
    qint64 m_tilesInvalidated = 0;
    QString m_emptyText;
};

} // namespace shardscope
