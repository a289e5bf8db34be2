#include "app/TokenFile.h"

#include <QFile>

#include <sys/stat.h>

namespace shardscope {
namespace {
// A token may sit among a little whitespace; past this the file is not a token file.
constexpr qint64 kMaxFileBytes = kMaxTokenBytes + 1024;

QString permissionWarning(const QString &path)
{
    struct stat st = {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0 || !S_ISREG(st.st_mode))
        return {};
    if ((st.st_mode & (S_IRGRP | S_IROTH)) == 0)
        return {};
    const QString who = (st.st_mode & S_IROTH) ? QStringLiteral("every user on this machine") : QStringLiteral("its group");
    return QStringLiteral("the token file %1 can be read by %2 (mode %3); restrict it with: chmod 600 %1")
        .arg(path, who, QString::number(st.st_mode & 0777, 8).rightJustified(4, u'0'));
}
} // namespace

bool checkTokenLength(const QByteArray &token, const QString &source, QString *error)
{
    if (token.size() <= kMaxTokenBytes)
        return true;
    *error = QStringLiteral("the token in %1 is %2 bytes long; at most %3 bytes are accepted")
                 .arg(source).arg(token.size()).arg(kMaxTokenBytes);
    return false;
}

bool readTokenFile(const QString &path, QByteArray *token, QString *error, QString *warning)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the token file %1: %2").arg(path, file.errorString());
        return false;
    }
    const QByteArray bytes = file.read(kMaxFileBytes + 1);
    if (bytes.size() > kMaxFileBytes) {
        *error = QStringLiteral("the token file %1 holds more than %2 bytes; a token is at most %3 bytes")
                     .arg(path).arg(kMaxFileBytes).arg(kMaxTokenBytes);
        return false;
    }
    const QByteArray read = bytes.trimmed();
    if (!checkTokenLength(read, path, error))
        return false;
    if (read.isEmpty() || read.contains('\n') || read.contains(' ')) {
        *error = QStringLiteral("the token file %1 must hold one token on one line").arg(path);
        return false;
    }
    *token = read;
    *warning = permissionWarning(path);
    return true;
}

} // namespace shardscope
