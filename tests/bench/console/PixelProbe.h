#pragma once
// Reads the shard grid's tiles back from the pixels the window has painted: after each
// paint of the grid, the viewport's region of the window's backing store is grabbed
// (QScreen::grabWindow, which on the offscreen platform copies the backing store; no
// re-render) and every wholly visible tile's state colour is sampled with TileSampler.
// Keeps, per visible shard, the moments its tile's colour changed.

#include <QList>
#include <QRect>

#include <cstdint>
#include <vector>

class QAbstractItemView;
class QImage;
class QWidget;

namespace shardscope::bench {

struct ChangePoint {
    std::int64_t atUs = 0;   // epoch us: when the frame showing it was painted
    int state = -1;          // TileSampler's state index, -1 for "no state colour"
    std::int64_t tickUs = 0; // epoch us: when that frame's snapshot was taken (0: unknown)
};

class PixelProbe
{
public:
    PixelProbe(QWidget &window, QAbstractItemView &grid);

    // Finds the wholly visible, unselected tiles and records their first frame. False if none.
    bool prepare();
    void setEnabled(bool on) { m_enabled = on; }
    // Called after each window paint; grabs when enabled and the grid was painted.
    // `tickUs`: epoch us at which the frame being painted pulled its snapshot (0: unknown).
    void onWindowPainted(bool gridPainted, std::int64_t tickUs);

    int visibleTiles() const { return int(m_shards.size()); }
    int shardOf(int slot) const { return m_shards[std::size_t(slot)]; }
    const std::vector<ChangePoint> &history(int slot) const { return m_history[std::size_t(slot)]; }
    bool allShowing(int state) const;
    int grabs() const { return m_grabs; }
    double grabMsTotal() const { return m_grabMs; }
    // Tiles whose backing-store pixel and a fresh QWidget::grab() render agree (a check
    // that the backing store is read correctly), out of visibleTiles().
    int agreeingWithRender();

private:
    QImage grabBackingStore() const;
    void record(const QList<int> &states, std::int64_t atUs, std::int64_t tickUs);

    QWidget &m_window;
    QAbstractItemView &m_grid;
    QList<QRect> m_rects;           // per visible slot, viewport coordinates
    std::vector<int> m_shards;      // per visible slot, the shard id
    std::vector<std::vector<ChangePoint>> m_history;
    bool m_enabled = false;
    int m_grabs = 0;
    double m_grabMs = 0;
};

} // namespace shardscope::bench
