#pragma once

#include <QWidget>

class QBoxLayout;
class QCheckBox;
class QComboBox;
class QLabel;
class QMenu;
class QSpinBox;

namespace shardscope {

class ConsoleModel;
class ShardGridView;

// The grid with its controls: "only unhealthy or skewed", sort key, tile size, and a
// "N of M shards" count. Selecting a tile selects the shard in the ConsoleModel.
class ShardGridPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ShardGridPanel(ConsoleModel &model, QWidget *parent = nullptr);

    ShardGridView *view() const { return m_view; }
    QCheckBox *unhealthyFilter() const { return m_unhealthy; }
    QComboBox *sortBox() const { return m_sort; }
    QComboBox *tileSizeBox() const { return m_size; }
    QComboBox *latencyBox() const { return m_latency; }
    QSpinBox *stallBox() const { return m_stall; }
    // The tile's context menu (public so tests can read its actions).
    QMenu *contextMenuFor(int shard);
    // Selects the shard's tile (clearing the filter if it hides it) and scrolls to it.
    void selectShard(int shard);
    // The controls in two rows (latency, stall and count below): for a narrow column, as
    // beside the cluster window's fleet. The single-node window keeps one row.
    void wrapControls();
    // Where the tile size is remembered ("grid" unless set): a second console keeps its own.
    void setSettingsGroup(const QString &group);

Q_SIGNALS:
    void showEventsRequested(int shard);

private:
    void updateCount();
    void applySort(int index);

    ConsoleModel &m_model;
    ShardGridView *m_view;
    QCheckBox *m_unhealthy;
    QComboBox *m_sort;
    QComboBox *m_size;
    QComboBox *m_latency; // what the tiles' p99 is over: the shard's work or one procedure
    QSpinBox *m_stall;    // seconds a request may be in flight before its shard reads stalled
    QLabel *m_count;
    QBoxLayout *m_controls = nullptr;
    QString m_group = QStringLiteral("grid");
};

} // namespace shardscope
