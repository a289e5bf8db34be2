#pragma once

#include "model/client/ClusterEventPage.h"

#include <QColor>
#include <QString>

namespace shardscope {

// How a cluster event reads in the log. A restart is Success only when the journal says
// it completed: failed and rolled back are Failure, aborted is Warning, and an event that
// names no outcome is never coloured as one.
enum class ClusterEventTone : int {
    Plain,    // a fact: a node up or left, a coordinator, a node's step
    Progress, // a cluster restart began or moved on
    Success,  // a cluster restart completed
    Warning,  // a node lost, a lease lost, a restart aborted or rolling back
    Failure,  // a cluster restart failed or rolled back, a node's step failed
    Note,     // the console's own line (whose log is read, events missed)
};

ClusterEventTone clusterEventTone(const ClusterEventRecord &event);
// A short kind for the Kind column: "node lost", "restart running", "restart failed", ...
QString clusterEventKind(const ClusterEventRecord &event);
// The tone's colour for text, and a light tint for the row behind it (invalid: none).
QColor clusterToneColour(ClusterEventTone tone);
QColor clusterToneTint(ClusterEventTone tone);

} // namespace shardscope
