#pragma once

#include "model/client/BackendClient.h"

#include <QStringList>

#include <atomic>
#include <mutex>

namespace shardscope {

// A BackendClient test double: the test sets the snapshot and pushes events; commands are
// recorded and answered through commandFinished on the next event-loop turn, as the
// embedded client does; queries are answered at once with a scripted status.
class ScriptedBackendClient : public BackendClient
{
    Q_OBJECT
public:
    explicit ScriptedBackendClient(QObject *parent = nullptr);

    // One service instance throughout, unless a test sets another start time.
    static constexpr qint64 kStartTimeMs = 1;

    // A service of `shards` shards, all in `state` on `version`, taken at `takenAtMs`.
    static ServiceSnapshot uniform(int shards, ShardState state, Version version, qint64 takenAtMs);

    void setSnapshot(const ServiceSnapshot &snapshot);
    // Stamps seq (and time if unset) and queues the event; returns its seq.
    std::uint64_t pushEvent(ServiceEvent event);
    void setEndpoint(const QString &endpoint) { m_endpoint = endpoint; }
    void setQueryStatus(QueryStatus status) { m_queryStatus = status; }
    void setCommandResult(const CommandResult &result) { m_commandResult = result; }
    void setRemote(bool remote) { m_remote = remote; }
    void setRestartDefaults(const RestartOptions &defaults) { m_defaults = defaults; }
    // Plays a connection change, as the remote client reports one.
    void setConnection(const ConnectionStatus &status);

    ServiceSnapshot snapshot() override;
    std::vector<ServiceEvent> eventsSince(std::uint64_t afterSeq, std::size_t limit = 1000) override;
    QString endpoint() const override { return m_endpoint; }
    RestartOptions restartDefaults() const override { return m_defaults; }
    ConnectionStatus connection() const override { return m_connection; }
    bool isRemote() const override { return m_remote; }
    void requestRestart(const RestartOptions &options) override;
    void abortRestart() override;
    void stopService() override;
    void startService() override;
    void submitQuery(QueryRequest request, ReplyFn reply) override;

    QStringList commands() const { return m_commands; }
    RestartOptions lastRestartOptions() const { return m_lastOptions; }
    quint64 queriesSubmitted() const { return m_queries.load(); }
    QStringList proceduresSeen() const;

private:
    void answer(const QString &command);

    mutable std::mutex m_mutex; // snapshot and events may be read from other threads
    ServiceSnapshot m_snapshot;
    std::vector<ServiceEvent> m_events;
    std::uint64_t m_nextSeq = 1;
    QString m_endpoint = QStringLiteral("http://127.0.0.1:8080");
    std::atomic<QueryStatus> m_queryStatus{QueryStatus::Ok};
    CommandResult m_commandResult{true, Refusal::None, 202, 1, {}};
    QStringList m_commands;
    RestartOptions m_lastOptions;
    std::atomic<quint64> m_queries{0};
    QStringList m_procedures;
    bool m_remote = false;
    RestartOptions m_defaults;
    ConnectionStatus m_connection;
};

} // namespace shardscope
