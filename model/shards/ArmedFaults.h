#pragma once

#include <QString>
#include <QtGlobal>

namespace shardscope {

// Words for the fault drills armed on a shard. `bits` are ShardRow::armedFaults, in the
// backend's ArmedFault order: crash next, stuck next, slow, fail next create.
inline constexpr int kArmedFaultKinds = 4;
inline constexpr int kSlowFaultBit = 2;

// "crash next", "stuck next", "slow", "fail next create".
QString armedFaultWord(int bit);
// "crash next, slow 50 ms"; empty when none is armed (tooltips, the detail panel).
QString armedFaultsText(quint8 bits, quint32 slowMs);
// What a tile's chip says: one fault in a word ("crash", "stuck", "slow 50 ms",
// "no create"), several as "3 faults"; empty when none.
QString armedFaultChip(quint8 bits, quint32 slowMs);

} // namespace shardscope
