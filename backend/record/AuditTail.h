#pragma once

#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <map>
#include <vector>

namespace shardscope {

// What an audit file already holds, read back when the service starts: the newest entries
// (from its end; an operation's outcome line replaces its "started" line), and, from the
// whole file however long, the highest operation id and the operations that have a
// "started" line but no outcome.
struct AuditTail {
    std::vector<QJsonObject> entries; // oldest first, at most the limit asked for
    std::vector<QJsonObject> unfinished;
    std::uint64_t lastOperationId = 0;
    int unreadableLines = 0;
    bool endsWithNewline = true; // false after a line torn by a killed process
};

// Keeps entries from at most the last `maxBytes` of `path`; reads the whole file in blocks
// for ids (a missing file is empty, not an error).
// False and *error only when an existing file cannot be read.
bool readAuditTail(const QString &path, qint64 maxBytes, std::size_t maxEntries, AuditTail *tail, QString *error);

// Lines that name an operation, from byte `from` to the end, read in bounded blocks (lines
// without an operation id are not parsed): raises *highest to the highest id, and, when
// `open` is given, leaves in it the "started" lines no later line of the same id answers.
bool scanOperations(const QString &path, qint64 from, std::uint64_t *highest, std::map<std::uint64_t, QJsonObject> *open,
                    QString *error);

// The operation id an entry carries, 0 when none.
std::uint64_t operationIdOf(const QJsonObject &entry);

} // namespace shardscope
