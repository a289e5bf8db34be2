#pragma once

#include "backend/core/ServiceCore.h"
#include "backend/restart/CommitPoint.h"
#include "backend/runtime/ShardCall.h"
#include "backend/types/CommandOutcome.h"
#include "backend/types/RestartOptions.h"

#include <atomic>
#include <chrono>

namespace shardscope {

// One phased, all-shard restart (DESIGN.md, "Restart"): prepare, drain, restart shard by
// shard, verify through the router, resume. Afterwards every shard serves one version:
// v+1, or v after an abort or a rollback. With a CommitPoint the restart is split: after
// verify it waits, gate closed, for the point's word before it resumes on v+1 or rolls
// back. Coordinator thread only; the abort and shutdown flags are set by other threads.
class PhasedRestart
{
public:
    using Clock = std::chrono::steady_clock;

    PhasedRestart(ServiceCore &core, const RestartOptions &options, std::uint64_t restartId,
                  const std::atomic<bool> &abortRequested, const std::atomic<bool> &shuttingDown,
                  CommitPoint *commitPoint = nullptr);
    ~PhasedRestart();
    PhasedRestart(const PhasedRestart &) = delete;
    PhasedRestart &operator=(const PhasedRestart &) = delete;
    RestartResult run();

private:
    enum class Drain { Drained, Aborted, TimedOut, Forced };

    bool prepare(QString *why);
    Drain drain();
    bool restartShards(int *lastTouched, QString *why);
    bool verify(QString *why);
    // True on a commit (or with no commit point); false and *why on a rollback.
    bool awaitCommit(QString *why);
    bool stopRequested() const;
    bool rollback(int lastTouched, QString *why);
    void reopen(ServicePhase phase);
    // Waits until no request is in flight (true), the deadline passes or an abort is requested.
    bool waitDrained(Clock::time_point deadline);
    QString abortReason() const;
    std::int64_t usSince(Clock::time_point t) const;
    void endPhase(ServicePhase p, Clock::time_point started, const QString &outcome, QString message = {});
    // The forced drain's event text: what the shards really canceled, and what is left.
    QString forcedSummary(const Shard::Refused &refused, std::uint32_t inFlightAtTimeout,
                          const std::vector<ShardFailure> &silent, bool drainedAfter) const;

    ServiceCore &m_core;
    const RestartOptions m_options;
    const std::uint64_t m_id;
    const std::atomic<bool> &m_abort;
    const std::atomic<bool> &m_shuttingDown;
    CommitPoint *const m_commitPoint;
    const Version m_oldVersion;
    const Version m_newVersion;
    std::shared_ptr<const Graph> m_newGraph;
    QString m_drainBlockers; // at a drain timeout: the shards still waited on, most first
};

} // namespace shardscope
