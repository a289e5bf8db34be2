#pragma once

#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <algorithm>

namespace shardscope {

// Node ids in rich-text labels as links ("node:<id>") that a click turns into
// nodeActivated(id): the header's tally, chips and outcome line share one form.
// `colour` for a link on a coloured chip (the palette's link colour otherwise).
inline QString nodeLink(const QString &id, const QString &colour = {})
{
    const QString style = colour.isEmpty() ? QString() : QStringLiteral(" style=\"color:%1\"").arg(colour);
    return QStringLiteral("<a href=\"node:%1\"%2>%1</a>").arg(id.toHtmlEscaped(), style);
}

// The id a link names, empty for any other link.
inline QString nodeOfLink(const QString &href)
{
    return href.startsWith(QLatin1String("node:")) ? href.mid(5) : QString();
}

// `plain` as rich text, each whole-word mention of one of `ids` a link.
inline QString linkNodes(const QString &plain, QStringList ids)
{
    ids.removeAll(QString());
    if (ids.isEmpty())
        return plain.toHtmlEscaped();
    std::sort(ids.begin(), ids.end(), [](const QString &a, const QString &b) { return a.size() > b.size(); });
    QStringList alternatives;
    for (const QString &id : ids)
        alternatives << QRegularExpression::escape(id);
    const QRegularExpression words(QStringLiteral("(?<![\\w-])(%1)(?![\\w-])").arg(alternatives.join(QLatin1Char('|'))));
    QString out;
    qsizetype at = 0;
    for (auto it = words.globalMatch(plain); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        out += plain.mid(at, m.capturedStart() - at).toHtmlEscaped() + nodeLink(m.captured(1));
        at = m.capturedEnd();
    }
    return out + plain.mid(at).toHtmlEscaped();
}

} // namespace shardscope
