#pragma once

#include <QByteArray>
#include <QString>

namespace shardscope {

// The longest bearer token the service and ctl accept; a longer one is refused, never cut.
inline constexpr qsizetype kMaxTokenBytes = 4096;

// Reads a bearer token: one line, no spaces, at most kMaxTokenBytes. False and *error
// otherwise. A file other users may read sets *warning (naming the file and the fix) and
// is still used. The service (--token-file) and ctl read the same file.
bool readTokenFile(const QString &path, QByteArray *token, QString *error, QString *warning);

// A token taken from `source` (such as $SHARDSCOPE_TOKEN): false and *error if too long.
bool checkTokenLength(const QByteArray &token, const QString &source, QString *error);

} // namespace shardscope
