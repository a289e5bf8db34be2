#pragma once

#include "backend/types/CommandOutcome.h"
#include "backend/types/ShardTypes.h"

#include <QString>

// QCOMPARE cannot print the backend's enums (their toString returns string_view, which
// argument-dependent lookup prefers), so tests compare names: failures then read well.
namespace shardscope::test {
inline QString nameOf(ShardState s) { return QString::fromLatin1(toString(s).data(), qsizetype(toString(s).size())); }
inline QString nameOf(ServicePhase p) { return QString::fromLatin1(toString(p).data(), qsizetype(toString(p).size())); }
inline QString nameOf(Refusal r) { return QString::fromLatin1(toString(r).data(), qsizetype(toString(r).size())); }
} // namespace shardscope::test
