#include "app/TokenFile.h"

#include <QFile>

namespace shardscope {

bool readTokenFile(const QString &path, QByteArray *token, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the token file %1: %2").arg(path, file.errorString());
        return false;
    }
    *token = file.read(4096).trimmed();
    if (token->isEmpty() || token->contains('\n') || token->contains(' ')) {
        *error = QStringLiteral("the token file %1 must hold one token on one line").arg(path);
        return false;
    }
    return true;
}

} // namespace shardscope
