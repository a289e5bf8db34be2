#pragma once

#include "model/client/BackendClient.h"

namespace shardscope {

class ShardService;

// BackendClient over the in-process service: snapshots straight from the shards' atomics,
// commands answered on the next event-loop turn so callers see the same async behaviour
// as with a remote service.
class EmbeddedBackendClient : public BackendClient
{
    Q_OBJECT
public:
    EmbeddedBackendClient(ShardService &service, QString endpoint, QObject *parent = nullptr);

    ServiceSnapshot snapshot() override;
    std::vector<ServiceEvent> eventsSince(std::uint64_t afterSeq, std::size_t limit = 1000) override;
    QString endpoint() const override { return m_endpoint; }
    RestartOptions restartDefaults() const override;

    void requestRestart(const RestartOptions &options) override;
    void abortRestart() override;
    void stopService() override;
    void startService() override;

    void submitQuery(QueryRequest request, ReplyFn reply) override;
    bool faultsEnabled() const override;
    void injectFault(const QJsonObject &fault) override;
    void fetchAudit() override;

private:
    void answerLater(const QString &command, CommandResult result);

    ShardService &m_service;
    QString m_endpoint;
};

} // namespace shardscope
