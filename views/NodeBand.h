#pragma once

#include <QFrame>

class QLabel;

namespace shardscope {

class ClusterModel;
class ShardGridView;

// One node of the cluster view: a line with its id, URL, version, readiness, a
// coordinator mark and its step in a running cluster restart, and its shard tiles under
// it (the console's own grid view and tile delegate over the node's shard rows). A node
// lost or left stays, greyed, saying which and since when; a node the console cannot
// reach is greyed at once, saying whether it refuses or stays silent.
class NodeBand : public QFrame
{
    Q_OBJECT
public:
    NodeBand(ClusterModel &model, QString nodeId, QWidget *parent = nullptr);

    QString nodeId() const { return m_id; }
    ShardGridView *grid() const { return m_grid; }
    // The band's line as shown, for tests: "n0  http://...  v2  ready  coordinator ...".
    QString lineText() const;
    // "LOST since 09:31:02 (last seen 09:30:58)", "Not reachable: ...", or empty.
    QString stateText() const;
    bool greyed() const;     // veiled: gone, or the console cannot reach it
    bool hatched() const;    // veiled as silent (no answer), not as refusing
    QString veilText() const;

    void refresh();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void fitGrid();

    ClusterModel &m_model;
    QString m_id;
    QLabel *m_name;
    QLabel *m_url;
    QLabel *m_version;
    QLabel *m_ready;
    QLabel *m_coordinator;
    QLabel *m_step;
    QLabel *m_state;
    ShardGridView *m_grid;
    QWidget *m_veil; // grey over the tiles while the node is gone or not reachable
};

} // namespace shardscope
