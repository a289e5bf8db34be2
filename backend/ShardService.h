#pragma once

#include "backend/actors/FaultInjector.h"
#include "backend/core/ServiceConfig.h"
#include "backend/record/EventLog.h"
#include "backend/record/RequestLedger.h"
#include "backend/types/CommandOutcome.h"
#include "backend/types/Query.h"
#include "backend/types/RestartOptions.h"
#include "backend/types/ServiceSnapshot.h"

#include <QJsonArray>

#include <chrono>
#include <memory>

namespace shardscope {

class ServiceCore;
class RestartCoordinator;
class CommitPoint;

// The sharded actor query service: N shard threads, a router, an admission gate and a
// restart coordinator. Runs headless or embedded; knows nothing of the console.
// Any thread may call every public method, and none blocks on a shard except two, which
// the owner calls: start() (waits up to ServiceConfig::kShardCallTimeout, 5 s, for each
// shard's actor) and shutdown() (drains, then joins every thread).
class ShardService
{
public:
    explicit ShardService(ServiceConfig config);
    ~ShardService();
    ShardService(const ShardService &) = delete;
    ShardService &operator=(const ShardService &) = delete;

    // Loads the first version's graph and creates every shard's actor, one shard after
    // another. False and *error on failure (the service then answers every query with 503).
    bool start(QString *error);

    // Every query gets a deadline from admission (its deadlineMs, else the configured
    // default): one not started by then, or still waiting or spinning at it, is answered
    // DeadlineExceeded. A full shard queue refuses at once with Retry-After; a query whose
    // clientGone flag is raised is discarded before it runs, or canceled between two of its
    // slices (see dropAbandoned for at once). Refusals count as refused.
    void submitQuery(QueryRequest request, ReplyFn reply);
    // Some client has gone: every request whose clientGone flag is raised is refused at
    // once (held, queued, deferred or running), as refused in the ledger. Any thread;
    // returns without waiting for the shards.
    void dropAbandoned();

    // `client` names who asked, for the audit log.
    CommandTicket requestRestart(const RestartOptions &options, const QString &client = QStringLiteral("in-process"));
    // A phased restart split at `commitPoint` (a cluster's lockstep restart): after verify
    // it holds the gate closed until the point's commit or rollback, or its deadline.
    CommandTicket requestSplitRestart(const RestartOptions &options, std::shared_ptr<CommitPoint> commitPoint,
                                      const QString &client);
    // Refused (NothingToAbort) when no restart runs.
    CommandTicket requestAbort(const QString &client = QStringLiteral("in-process"));
    CommandTicket requestStop(const QString &client = QStringLiteral("in-process"));
    CommandTicket requestStart(const QString &client = QStringLiteral("in-process"));
    // Audits a command the HTTP edge refused before it reached the service (401, 403,
    // 400): `command` is restart, stop, start, abort or fault, `client` "ip:port".
    void recordRefusedCommand(const QString &command, const QString &client, int httpStatus, const QString &reason);
    // The most recent audit entries, oldest first.
    QJsonArray auditEntries(std::size_t limit = 200) const;
    // Writes counted edge refusals whose window is over; the HTTP edge calls it each second.
    void flushAuditDue();
    bool restartRunning() const;

    // The core's snapshot with the armed fault drills added (see ArmedFault).
    ServiceSnapshot snapshot() const;
    RequestLedger::Counts ledger() const;
    // The version the service serves (or last served): one atomic load.
    Version version() const;
    // Prometheus text exposition of the whole service.
    QByteArray metricsText() const;
    // Null unless the service was configured with enableFaults.
    FaultInjector *faults();
    const FaultInjector *faults() const;
    // Applies a fault request (see FaultInjector::apply) and logs it as an event. Refused
    // with FaultsDisabled or BadRequest (and why in the ticket's error).
    CommandTicket injectFault(const QJsonObject &request, QString *description,
                              const QString &client = QStringLiteral("in-process"));
    EventLog &events();
    const ServiceConfig &config() const;
    int shardCount() const;
    // Pool workers the shards run on as strands; 0: a thread per shard.
    int poolWorkers() const;

    // Refuses new queries, waits up to `drainTimeout` for in-flight ones to be answered,
    // refuses the rest, stops the coordinator and joins every shard thread. Idempotent.
    void shutdown(std::chrono::milliseconds drainTimeout = std::chrono::seconds(10));

private:
    static void addArmedFaults(const QJsonObject &armed, ServiceSnapshot &snapshot);

    std::unique_ptr<ServiceCore> m_core;
    std::unique_ptr<RestartCoordinator> m_coordinator;
    bool m_shutDown = false;
};

} // namespace shardscope
