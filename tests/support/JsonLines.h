#pragma once

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>

namespace shardscope::test {

// The objects of a JSON-lines file (the audit log), one per non-empty line; none if unreadable.
inline QList<QJsonObject> jsonLines(const QString &path)
{
    QFile file(path);
    QList<QJsonObject> out;
    if (file.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : file.readAll().split('\n')) {
            if (!line.isEmpty())
                out << QJsonDocument::fromJson(line).object();
        }
    }
    return out;
}

} // namespace shardscope::test
