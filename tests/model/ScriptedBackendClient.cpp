#include "ScriptedBackendClient.h"

#include <QTimer>

namespace shardscope {

ScriptedBackendClient::ScriptedBackendClient(QObject *parent)
    : BackendClient(parent)
{
}

ServiceSnapshot ScriptedBackendClient::uniform(int shards, ShardState state, Version version, qint64 takenAtMs)
{
    ServiceSnapshot s;
    s.phase = ServicePhase::Serving;
    s.version = version;
    s.startTimeMs = kStartTimeMs;
    s.takenAtMs = takenAtMs;
    for (int i = 0; i < shards; ++i) {
        ShardSnapshot sh;
        sh.id = i;
        sh.state = state;
        sh.version = version;
        sh.generation = version;
        s.shards.push_back(sh);
    }
    return s;
}

void ScriptedBackendClient::setSnapshot(const ServiceSnapshot &snapshot)
{
    std::lock_guard lock(m_mutex);
    m_snapshot = snapshot;
}

std::uint64_t ScriptedBackendClient::pushEvent(ServiceEvent event)
{
    std::lock_guard lock(m_mutex);
    event.seq = m_nextSeq++;
    if (event.timeMs == 0)
        event.timeMs = m_snapshot.takenAtMs;
    m_events.push_back(event);
    return event.seq;
}

ServiceSnapshot ScriptedBackendClient::snapshot()
{
    std::lock_guard lock(m_mutex);
    ServiceSnapshot s = m_snapshot;
    s.lastEventSeq = m_nextSeq - 1;
    return s;
}

std::vector<ServiceEvent> ScriptedBackendClient::eventsSince(std::uint64_t afterSeq, std::size_t limit)
{
    std::lock_guard lock(m_mutex);
    std::vector<ServiceEvent> out;
    for (const ServiceEvent &e : m_events)
        if (e.seq > afterSeq && out.size() < limit)
            out.push_back(e);
    return out;
}

void ScriptedBackendClient::setConnection(const ConnectionStatus &status)
{
    m_connection = status;
    Q_EMIT connectionChanged(status.live);
}

void ScriptedBackendClient::answer(const QString &command)
{
    m_commands << command;
    const CommandResult result = m_commandResult;
    QTimer::singleShot(0, this, [this, command, result] { Q_EMIT commandFinished(command, result); });
}

void ScriptedBackendClient::requestRestart(const RestartOptions &options)
{
    m_lastOptions = options;
    answer(QStringLiteral("restart"));
}

void ScriptedBackendClient::abortRestart() { answer(QStringLiteral("abort")); }
void ScriptedBackendClient::stopService() { answer(QStringLiteral("stop")); }
void ScriptedBackendClient::startService() { answer(QStringLiteral("start")); }

void ScriptedBackendClient::submitQuery(QueryRequest request, ReplyFn reply)
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_procedures.contains(request.procedure))
            m_procedures << request.procedure;
    }
    m_queries.fetch_add(1);
    const QueryStatus status = m_queryStatus.load();
    QueryReply r = status == QueryStatus::Ok
        ? QueryReply{}
        : QueryReply::failure(status, QString::fromLatin1(kCanceledActorMessage.data(), qsizetype(kCanceledActorMessage.size())));
    reply(std::move(r));
}

QStringList ScriptedBackendClient::proceduresSeen() const
{
    std::lock_guard lock(m_mutex);
    return m_procedures;
}

} // namespace shardscope
