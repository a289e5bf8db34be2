#pragma once

#include <QColor>
#include <QString>

namespace shardscope {

// A coloured label with its text ("serving 8") for rich-text QLabels: the header's
// counts, the timeline legend and the detail panel share one look.
inline QString chipHtml(const QColor &background, const QColor &foreground, const QString &text)
{
    return QStringLiteral("<span style=\"background-color:%1; color:%2;\">&nbsp;%3&nbsp;</span>")
        .arg(background.name(), foreground.name(), text);
}

} // namespace shardscope
