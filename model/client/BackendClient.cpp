#include "model/client/BackendClient.h"

#include <QMetaObject>

namespace shardscope {

void BackendClient::injectFault(const QJsonObject &)
{
    CommandResult r;
    r.refusal = Refusal::FaultsDisabled;
    r.error = QStringLiteral("fault injection is disabled; start the service with --enable-faults");
    QMetaObject::invokeMethod(this, [this, r] { Q_EMIT commandFinished(QStringLiteral("fault"), r); }, Qt::QueuedConnection);
}

void BackendClient::fetchAudit()
{
    QMetaObject::invokeMethod(this, [this] { Q_EMIT auditReceived({}); }, Qt::QueuedConnection);
}

} // namespace shardscope
