#pragma once

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QMenu;

namespace shardscope {

class ConsoleModel;
class ShardGridView;

// The grid with its controls: "only unhealthy or skewed", sort key, tile size, and a
// "showing N of M shards" count. Selecting a tile selects the shard in the ConsoleModel.
class ShardGridPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ShardGridPanel(ConsoleModel &model, QWidget *parent = nullptr);

    ShardGridView *view() const { return m_view; }
    QCheckBox *unhealthyFilter() const { return m_unhealthy; }
    QComboBox *sortBox() const { return m_sort; }
    QComboBox *tileSizeBox() const { return m_size; }
    // The tile's context menu (public so tests can read its actions).
    QMenu *contextMenuFor(int shard);
    // Selects the shard's tile (clearing the filter if it hides it) and scrolls to it.
    void selectShard(int shard);

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
    QLabel *m_count;
};

} // namespace shardscope
