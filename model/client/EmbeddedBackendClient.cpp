#include "model/client/EmbeddedBackendClient.h"

#include "backend/actors/FaultInjector.h"
#include "backend/ShardService.h"

#include <QMetaObject>

namespace shardscope {
namespace {

CommandResult fromTicket(const CommandTicket &t)
{
    CommandResult r;
    r.ok = t.accepted();
    r.refusal = t.refusal;
    r.restartId = t.restartId;
    r.error = t.error;
    return r;
}

} // namespace

EmbeddedBackendClient::EmbeddedBackendClient(ShardService &service, QString endpoint, QObject *parent)
    : BackendClient(parent)
    , m_service(service)
    , m_endpoint(std::move(endpoint))
{
}

ServiceSnapshot EmbeddedBackendClient::snapshot()
{
    return m_service.snapshot();
}

std::vector<ServiceEvent> EmbeddedBackendClient::eventsSince(std::uint64_t afterSeq, std::size_t limit)
{
    return m_service.events().since(afterSeq, limit);
}

RestartOptions EmbeddedBackendClient::restartDefaults() const
{
    return m_service.config().restartDefaults;
}

void EmbeddedBackendClient::requestRestart(const RestartOptions &options)
{
    answerLater(QStringLiteral("restart"), fromTicket(m_service.requestRestart(options, QStringLiteral("console"))));
}

void EmbeddedBackendClient::abortRestart()
{
    answerLater(QStringLiteral("abort"), fromTicket(m_service.requestAbort()));
}

void EmbeddedBackendClient::stopService()
{
    answerLater(QStringLiteral("stop"), fromTicket(m_service.requestStop(QStringLiteral("console"))));
}

void EmbeddedBackendClient::startService()
{
    answerLater(QStringLiteral("start"), fromTicket(m_service.requestStart(QStringLiteral("console"))));
}

void EmbeddedBackendClient::submitQuery(QueryRequest request, ReplyFn reply)
{
    m_service.submitQuery(std::move(request), std::move(reply));
}

bool EmbeddedBackendClient::faultsEnabled() const
{
    return m_service.faults() != nullptr;
}

void EmbeddedBackendClient::injectFault(const QJsonObject &fault)
{
    QString description;
    answerLater(QStringLiteral("fault"), fromTicket(m_service.injectFault(fault, &description)));
}

void EmbeddedBackendClient::fetchAudit()
{
    const QJsonArray entries = m_service.auditEntries();
    QMetaObject::invokeMethod(this, [this, entries] { Q_EMIT auditReceived(entries); }, Qt::QueuedConnection);
}

void EmbeddedBackendClient::answerLater(const QString &command, CommandResult result)
{
    QMetaObject::invokeMethod(this, [this, command, result] { Q_EMIT commandFinished(command, result); },
                              Qt::QueuedConnection);
}

} // namespace shardscope
