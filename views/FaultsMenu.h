#pragma once

#include <QMenu>

namespace shardscope {

class ConsoleModel;

// Service > Faults: drills on the selected shard (crash, slow, stuck query, failed
// creation), a bad graph at the next restart, and clear. Enabled only when the service
// was started with --enable-faults and is live; otherwise it says why not.
class FaultsMenu : public QMenu
{
    Q_OBJECT
public:
    FaultsMenu(ConsoleModel &model, QWidget *parent = nullptr);

Q_SIGNALS:
    void needsSelection(const QString &message);

private:
    void rebuild();

    ConsoleModel &m_model;
};

} // namespace shardscope
