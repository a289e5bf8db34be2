#pragma once

#include "backend/cluster/ClusterConfig.h"
#include "backend/cluster/ClusterHistory.h"
#include "backend/cluster/RestartRequest.h"
#include "backend/cluster/ResumeRequest.h"

#include <QJsonObject>
#include <QThread>

#include <atomic>

#include <functional>

namespace shardscope {

class ClusterNode;
class ShardService;


// What the HTTP edge calls for /v1/cluster/*: decoded inputs in, typed answers out; the
// edge chooses status codes. Owns the cluster thread and this node's ClusterNode. Every
// method may be called from any thread and none waits on etcd: status and events are
// served from what the node last read, and commands answer through `done`, which runs
// on `context`'s thread (dropped if `context` is gone).
class ClusterApi
{
public:
    using Done = ClusterDone;

    ClusterApi(ClusterConfig config, ShardService &service);
    ~ClusterApi();
    ClusterApi(const ClusterApi &) = delete;
    ClusterApi &operator=(const ClusterApi &) = delete;

    // Joins the cluster as the node reachable at `nodeUrl` (its id defaults to HOST:PORT).
    void start(const QString &nodeUrl);
    // Leaves the cluster (goodbye mark, lease revoked; bounded) and joins the thread.
    void stop(int timeoutMs = 2000);

    const ClusterConfig &config() const { return m_config; }
    QJsonObject status() const;
    // What cluster mode says of this node's readiness (any thread): `held` while a rolling
    // restart drains the balancer or the node cannot serve the cluster's version; `holding`
    // while a lockstep restart holds requests at the closed gate (they will be answered,
    // so the balancer keeps sending: a lockstep restart must not empty it).
    struct Readiness {
        bool held = false;
        bool holding = false;
        QString why;
    };
    Readiness readiness() const;
    QJsonObject events(std::uint64_t since, std::uint64_t limit) const;
    // Prometheus text for /metrics (shardscope_cluster_*); empty before start().
    QByteArray metricsText() const;

    // POST /v1/cluster/restart's body: {"strategy": "rolling", "grace_ms", "settle_ms",
    // plus the node-level restart options}.
    void requestRestart(const QByteArray &body, const QString &client, QObject *context, Done done);
    void requestAbort(QObject *context, Done done);
    // POST /v1/cluster/restart/resume's body {"restart_id": "..."} (ResumeRequest).
    void requestResume(const QByteArray &body, const QString &client, QObject *context, ResumeDone done);
    // GET /v1/cluster/history: one etcd read on the cluster thread, answered on `context`'s.
    void history(const HistoryQuery &query, QObject *context, HistoryDone done);
    // POST /v1/cluster/commit: a lockstep coordinator's wake-up after its commit mark.
    void pushCommit(const QByteArray &body, QObject *context, Done done);
    // POST /v1/cluster/lockstep/outcome: what this node knows of a lockstep restart's
    // outcome, asked by an uncertain peer.
    void lockstepOutcome(const QByteArray &body, QObject *context, Done done);

private:
    ClusterConfig m_config;
    ShardService &m_service;
    QThread m_thread;
    std::atomic<ClusterNode *> m_node{nullptr}; // lives on m_thread; read by the network thread
};

} // namespace shardscope
