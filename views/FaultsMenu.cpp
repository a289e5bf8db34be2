#include "views/FaultsMenu.h"

#include "model/console/ConsoleModel.h"
#include "model/console/OperatorTools.h"

namespace shardscope {

FaultsMenu::FaultsMenu(ConsoleModel &model, QWidget *parent)
    : QMenu(QStringLiteral("&Faults"), parent)
    , m_model(model)
{
    connect(this, &QMenu::aboutToShow, this, &FaultsMenu::rebuild);
    rebuild();
}

void FaultsMenu::rebuild()
{
    clear();
    OperatorTools &tools = m_model.tools();
    if (!tools.notLiveReason().isEmpty()) {
        addAction(QStringLiteral("Fault drills are off while %1").arg(tools.notLiveReason()))->setEnabled(false);
        return;
    }
    if (!tools.faultsEnabled()) {
        addAction(QStringLiteral("Fault drills are off: start the service with --enable-faults"))->setEnabled(false);
        return;
    }
    const int shard = m_model.selectedShard();
    const QString on = shard < 0 ? QStringLiteral("the selected shard") : QStringLiteral("shard %1").arg(shard);
    auto onShard = [this, &tools, shard](const QString &text, const QString &kind, int ms = -1) {
        addAction(text, this, [this, &tools, shard, kind, ms] {
            if (shard < 0) {
                Q_EMIT needsSelection(QStringLiteral("Select a shard tile first: fault drills act on the selected shard."));
                return;
            }
            tools.injectFault(kind, shard, ms);
        });
    };
    onShard(QStringLiteral("&Crash the actor of %1").arg(on), QStringLiteral("crash"));
    onShard(QStringLiteral("Make %1 &slow (+50 ms a query)").arg(on), QStringLiteral("slow"), 50);
    onShard(QStringLiteral("Leave a query s&tuck on %1").arg(on), QStringLiteral("stuck"));
    onShard(QStringLiteral("&Fail the next actor creation on %1").arg(on), QStringLiteral("fail_next_create"));
    addSeparator();
    addAction(QStringLiteral("Load a &bad graph at the next restart"), this,
              [&tools] { tools.injectFault(QStringLiteral("bad_graph")); });
    addAction(QStringLiteral("Slow the next &graph load (+2 s, holds prepare)"), this,
              [&tools] { tools.injectFault(QStringLiteral("slow_graph"), -1, 2000); });
    addAction(QStringLiteral("Slow the next actor c&reation (+2 s, holds restart)"), this,
              [&tools] { tools.injectFault(QStringLiteral("slow_create"), -1, 2000); });
    addAction(QStringLiteral("C&lear every fault"), this, [&tools] { tools.injectFault(QStringLiteral("clear")); });
}

} // namespace shardscope
