#pragma once

#include <QByteArray>
#include <QString>

namespace shardscope {

// Reads a bearer token: one line, no spaces. False and *error otherwise. The service
// (--token-file) and ctl read the same file.
bool readTokenFile(const QString &path, QByteArray *token, QString *error);

} // namespace shardscope
