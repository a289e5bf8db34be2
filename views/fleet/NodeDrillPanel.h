#pragma once

#include <QFrame>

class QLabel;
class QStackedWidget;

namespace shardscope {

class ConsoleModel;
class FleetModel;
class NodeConsoleWidget;
class ShardGridView;

// The node chosen in the fleet view, drilled into: its line, then the single-node console's
// panels over the node's own ConsoleModel (NodeConsoleWidget) once that model has had a
// frame; until then (or with no console, as in tests from recorded snapshots) the node's
// tiles as the fleet follows them. A node gone or out of reach shows its tiles greyed, as
// last seen.
class NodeDrillPanel : public QFrame
{
    Q_OBJECT
public:
    explicit NodeDrillPanel(FleetModel &fleet, QWidget *parent = nullptr);

    void showNode(const QString &nodeId);
    // The node's console model (owned by the caller, which drops it only after calling
    // this with null); null shows the fleet's tiles alone.
    void setConsole(ConsoleModel *model);
    NodeConsoleWidget *console() const { return m_console; }
    // True once the console's panels replaced the fleet's tiles.
    bool showingConsole() const;
    QString nodeId() const { return m_id; }
    // The tiles on screen: the console's grid once shown, else the fleet's.
    ShardGridView *grid() const;
    QString titleText() const;
    bool greyed() const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void refresh();
    void placeVeil();

    FleetModel &m_fleet;
    QString m_id;
    QLabel *m_title;
    QStackedWidget *m_stack;
    ShardGridView *m_grid; // the fleet's tiles
    NodeConsoleWidget *m_console = nullptr;
    QWidget *m_veil;
};

} // namespace shardscope
