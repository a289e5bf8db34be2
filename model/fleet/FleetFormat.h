#pragma once

#include "model/fleet/FleetRow.h"

#include <QVariant>

namespace shardscope {

// How the fleet table writes a node's figures (FleetColumn order). A figure the console
// has no source for is a dash.
QString fleetCellText(const FleetRow &row, int column);
QString fleetCellToolTip(const FleetRow &row, int column);
// The value a column sorts by: numbers as numbers, a dash below every figure (-1).
QVariant fleetSortValue(const FleetRow &row, int column);
QString fleetColumnTitle(int column);
QString fleetColumnToolTip(int column);

} // namespace shardscope
