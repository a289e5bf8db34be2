#include "views/fleet/FleetRowStyle.h"

#include "model/fleet/FleetFormat.h"
#include "model/fleet/FleetRow.h"
#include "model/shards/ShardTableModel.h"
#include "views/ColourTable.h"

#include <QPainter>
#include <QPalette>

namespace shardscope {
namespace {

QColor stateTextColour(FleetState state, bool dark)
{
    switch (state) {
    case FleetState::Ready: return colourFor(Meaning::GoodText, dark);
    case FleetState::OutOfBalancer:
    case FleetState::RestartStep: return colourFor(Meaning::Running, dark);
    case FleetState::NotReady:
    case FleetState::Stopped:
    case FleetState::NotReachable:
    case FleetState::Lost: return colourFor(Meaning::FailureText, dark);
    case FleetState::Left: return colourFor(Meaning::Inactive, dark);
    }
    return {};
}

QColor translucent(QColor c, int alpha)
{
    c.setAlpha(alpha);
    return c;
}

} // namespace

int fleetColumnAt(const int *x, const int *width, int pos)
{
    for (int c = 0; c < FleetColumn::Count; ++c) {
        if (pos >= x[c] - 2 && pos < x[c] + width[c] + 2)
            return c;
    }
    return -1;
}

QString fleetHeaderToolTip(int column)
{
    if (column < 0)
        return QStringLiteral("Each node's shards, one cell each, in the tiles' state colours; a black or white corner "
                              "marks a skewed shard (version or queue); grey over a node gone or out of reach: its "
                              "last state seen.\nClick: sort by severity. Click a column title: sort by it.");
    return fleetColumnToolTip(column) + QStringLiteral("\nClick to sort; again for the reverse order.");
}

QString fleetShardToolTip(const QString &nodeId, const ShardRow &shard, int fleetState)
{
    const int state = ShardTableModel::shownState(shard);
    QStringList lines{QStringLiteral("%1 shard %2: %3, v%4").arg(nodeId).arg(shard.id).arg(stateName(state)).arg(shard.version),
                      QStringLiteral("queue %1, in flight %2, p99 %3")
                          .arg(shard.queueDepth).arg(shard.inFlight).arg(ShardTableModel::latencyText(shard, 0))};
    if (shard.versionSkew)
        lines << QStringLiteral("version differs from its node's other shards");
    if (shard.queueSkew)
        lines << QStringLiteral("queue far deeper than its node's median");
    const auto s = FleetState(fleetState);
    if (s == FleetState::Lost || s == FleetState::Left || s == FleetState::NotReachable)
        lines << QStringLiteral("as last seen: the node is %1").arg(fleetStateName(s));
    return lines.join(QLatin1Char('\n'));
}

void paintFleetHeader(QPainter &p, const QRect &rect, const FleetHeaderLook &look, const QPalette &palette)
{
    p.fillRect(rect, palette.color(QPalette::Button));
    p.setPen(palette.color(QPalette::ButtonText));
    const QString arrow = look.order == Qt::AscendingOrder ? QStringLiteral(" \u25b2") : QStringLiteral(" \u25bc");
    for (int c = 0; c < FleetColumn::Count; ++c) {
        const QString title = fleetColumnTitle(c) + (c == look.sortColumn ? arrow : QString());
        const QRect cell(look.x[c], rect.top(), look.width[c] + 4, rect.height());
        p.drawText(cell, Qt::AlignLeft | Qt::AlignVCenter, p.fontMetrics().elidedText(title, Qt::ElideRight, cell.width()));
    }
    QString strip = QStringLiteral("shards 0-%1").arg(look.shardsAcross - 1);
    if (look.sortColumn < 0)
        strip += QStringLiteral("   (rows by severity)");
    if (!look.note.isEmpty())
        strip += QStringLiteral("   ") + look.note;
    p.drawText(QRect(look.stripX, rect.top(), rect.width() - look.stripX, rect.height()), Qt::AlignLeft | Qt::AlignVCenter, strip);
}

void paintFleetRowBackground(QPainter &p, const QRect &row, const FleetRow &node, int proxyRow, bool current, bool focused,
                             const QPalette &palette)
{
    const bool dark = isDarkPalette(palette);
    p.fillRect(row, palette.color(proxyRow % 2 ? QPalette::AlternateBase : QPalette::Base));
    if (node.state == FleetState::Lost || node.state == FleetState::Left)
        p.fillRect(row, palette.color(QPalette::Mid));
    else if (node.skewed())
        p.fillRect(row, translucent(colourFor(Meaning::Warning, dark), 90));
    else if (node.severity >= 3)
        p.fillRect(row, translucent(colourFor(Meaning::Failure, dark), 45));
    if (current) {
        p.fillRect(row, translucent(palette.color(QPalette::Highlight), focused ? 110 : 70));
        p.setPen(palette.color(QPalette::Highlight));
        p.drawRect(row.adjusted(0, 0, -1, -1));
    }
}

void paintFleetText(QPainter &p, const QRect &cell, const FleetRow &node, int column, const QString &text, bool current,
                    bool dark, const QPalette &palette)
{
    QColor ink = palette.color(QPalette::Text);
    Q_UNUSED(current)
    QFont f = p.font();
    f.setBold(false);
    if (column == FleetColumn::State) {
        ink = stateTextColour(node.state, dark);
        f.setBold(node.severity >= 3);
    } else if (column == FleetColumn::Version && node.versionSkew) {
        ink = colourFor(Meaning::WarningText, dark);
        f.setBold(true);
    } else if (column == FleetColumn::Node) {
        f.setBold(true);
    } else if (column == FleetColumn::Errors && node.errorsPerSec.value_or(0) > 0) {
        ink = colourFor(Meaning::FailureText, dark);
    }
    p.setFont(f);
    p.setPen(ink);
    const Qt::Alignment align = column >= FleetColumn::Requests ? Qt::AlignRight | Qt::AlignVCenter : Qt::AlignLeft | Qt::AlignVCenter;
    p.drawText(cell, int(align), p.fontMetrics().elidedText(text, Qt::ElideRight, cell.width()));
}

} // namespace shardscope
