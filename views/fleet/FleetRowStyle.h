#pragma once

#include <QString>
#include <Qt>

class QPainter;
class QPalette;
class QRect;

namespace shardscope {

struct FleetRow;
struct ShardRow;

// How a fleet row and the header above the rows look: backgrounds that make skewed and
// unhealthy nodes stand out, state words in their meaning's colour, sort marks.

// The column under x (FleetColumn), or -1 (the strip, or between columns).
int fleetColumnAt(const int *x, const int *width, int pos);
QString fleetHeaderToolTip(int column);
QString fleetShardToolTip(const QString &nodeId, const ShardRow &shard, int fleetState);

struct FleetHeaderLook {
    const int *x;
    const int *width;
    int stripX;
    int height;
    int sortColumn; // -1: by severity
    Qt::SortOrder order;
    int shardsAcross;
    QString note; // "rows 1-85 of 128": said when not every row is in view
};
void paintFleetHeader(QPainter &p, const QRect &rect, const FleetHeaderLook &look, const QPalette &palette);
void paintFleetRowBackground(QPainter &p, const QRect &row, const FleetRow &node, int proxyRow, bool current, bool focused,
                             const QPalette &palette);
void paintFleetText(QPainter &p, const QRect &cell, const FleetRow &node, int column, const QString &text, bool current,
                    bool dark, const QPalette &palette);

} // namespace shardscope
