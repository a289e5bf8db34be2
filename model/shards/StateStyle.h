#pragma once

#include <QColor>
#include <QString>

// Names, symbols and colours of the eight shard states (DESIGN.md, "Shard states"), by
// state index, so views can draw a state without including backend headers.
namespace shardscope {

inline constexpr int kStateStyleCount = 9;
// Not a backend state: the console's word for a shard with a live actor whose oldest
// request in flight is older than the stall threshold (ShardTableModel::stallThresholdMs).
inline constexpr int kStalledStateIndex = 8;

// Index order matches backend ShardState: serving, gated, draining, restarting,
// verifying, canceled, stopped, failed; then stalled.
QString stateName(int stateIndex);
// A short label for tiles too small for the name: colour is never the only signal.
QString stateSymbol(int stateIndex);
QColor stateColour(int stateIndex);
// Black or white, whichever reads better on stateColour().
QColor stateTextColour(int stateIndex);

} // namespace shardscope
