#pragma once

#include <QFrame>

class QLabel;

namespace shardscope {

class FleetModel;
class ShardGridView;

// The node chosen in the fleet view, drilled into: its line and its shard tiles in the
// single-node console's own grid view and tile delegate (as NodeBand showed them). A node
// gone or out of reach shows its tiles greyed, as last seen.
class NodeDrillPanel : public QFrame
{
    Q_OBJECT
public:
    explicit NodeDrillPanel(FleetModel &fleet, QWidget *parent = nullptr);

    void showNode(const QString &nodeId);
    QString nodeId() const { return m_id; }
    ShardGridView *grid() const { return m_grid; }
    QString titleText() const;
    bool greyed() const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void refresh();

    FleetModel &m_fleet;
    QString m_id;
    QLabel *m_title;
    ShardGridView *m_grid;
    QWidget *m_veil;
};

} // namespace shardscope
