#pragma once

#include <QColor>
#include <QFont>
#include <QHash>
#include <QPixmap>
#include <QStyledItemDelegate>

namespace shardscope {

// Paints one shard tile from ShardTableModel roles: state colour with the state's name
// (or symbol on small tiles), shard id, version, queue bar and number, skew badges, the
// age of the oldest request in flight once it is old (a black badge; a black bar on
// heat-map cells) and a yellow chip while a fault drill is armed on the shard.
// No focus rectangle: selection is a thick outline, which golden images keep stable.
//
// Every frame changes some counter of every shard (processed, latency), although most
// tiles draw exactly what they drew before. So the grid repaints only tiles whose drawn
// content changed (drawnRoles(), drawsAsPainted(): ShardGridView::dataChanged), and each
// tile is rendered once into a pixmap, keyed by everything it draws, so that a repaint
// with the same content (an expose, a scroll) is a blit (bench_console, issue 5).
class TileDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit TileDelegate(QObject *parent = nullptr);

    void setTileSize(QSize size);
    QSize tileSize() const { return m_size; }

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    // Everything a tile draws: equal contents give equal pixels.
    struct Content {
        QSize size;
        qreal dpr = 1;
        QFont font;
        QRgb fill = 0, text = 0, base = 0, highlight = 0, outline = 0;
        int id = 0;
        quint64 version = 0;
        quint32 queue = 0;
        double fraction = 0;
        bool versionSkew = false, queueSkew = false, selected = false;
        bool serving = false; // heat-map cells mark every other state with its symbol
        QString stateText;
        QString stateShort; // the symbol, for a medium tile whose name does not fit
        quint32 inFlight = 0; // drawn on large tiles only (0 otherwise)
        QString latency; // "p99 3.20 ms", "p99 -": large tiles only
        QString oldest; // age of an old request in flight ("4 s"), empty below the threshold
        QString faultChip; // a fault drill armed on the shard ("crash"), empty when none

        friend bool operator==(const Content &, const Content &) = default;
    };
    // The model roles a tile of `size` draws: a change to no other role leaves it as it was.
    static const QList<int> &drawnRoles(QSize size);
    // True when the tile at `option` would draw what it drew last time it was painted
    // (false when it was never painted or was drawn in place, as a selected tile is).
    bool drawsAsPainted(const QStyleOptionViewItem &option, const QModelIndex &index) const;
    // Pixmap renders of tiles since the cache was last cleared (tests and benchmarks).
    int cachedRenders() const { return m_renders; }

private:
    struct Cached {
        Content content;
        QPixmap pixmap;
    };
    static Content contentOf(const QStyleOptionViewItem &option, const QModelIndex &index);
    const QPixmap &tilePixmap(const Content &content) const;
    QPixmap renderTile(const Content &content) const;
    QPixmap heatCellPixmap(const Content &content) const;
    static void paintTile(QPainter *p, const QRect &rect, const Content &c);
    static void paintHeatCell(QPainter *p, const QRect &rect, const Content &c);
    static void paintBadge(QPainter *painter, const QRect &rect, const QString &text, const QColor &fg,
                           const QColor &bg = QColor(255, 255, 255, 235));

    QSize m_size{140, 84};
    mutable QHash<int, Cached> m_cache; // by shard id
    // Heat-map cells of one look share one pixmap: a restart changes all 1024 cells at
    // once, into a handful of looks, and text shaping per cell cost a frame its budget.
    mutable QList<Cached> m_heatLooks;
    mutable qint64 m_cacheBytes = 0;
    mutable int m_renders = 0;
};

} // namespace shardscope
