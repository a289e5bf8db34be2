#pragma once

#include "backend/core/ServiceCore.h"
#include "backend/restart/CommitPoint.h"
#include "backend/types/CommandOutcome.h"
#include "backend/types/RestartOptions.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace shardscope {

// Owns the coordinator thread: runs restarts, stops and starts one at a time, talking to
// shards by messages. Requests come from any thread and are answered at once (accepted
// or refused); progress and outcome go to the event log.
class RestartCoordinator
{
public:
    explicit RestartCoordinator(ServiceCore &core);
    ~RestartCoordinator();
    RestartCoordinator(const RestartCoordinator &) = delete;
    RestartCoordinator &operator=(const RestartCoordinator &) = delete;

    // --- any thread ---
    // `client` names who asked, for the audit ("127.0.0.1:53122", "console").
    // With `commitPoint`, a phased restart waits at it after verify (see CommitPoint).
    CommandTicket requestRestart(const RestartOptions &options, const QString &client,
                                 std::shared_ptr<CommitPoint> commitPoint = {});
    CommandTicket requestStop(const QString &client);
    CommandTicket requestStart(const QString &client);
    // Asks the running restart to stop at its next step (a drain gives up at once);
    // refused when none runs.
    CommandTicket requestAbort();
    bool busy() const { return m_busy.load(); }

    // --- the owner's thread ---
    // Operation ids go on after `lastId` (the highest one in the audit file), so they stay
    // unique across processes that share the file. Before the first request.
    void continueIdsAfter(std::uint64_t lastId);
    // Runs the initial start synchronously on the calling thread, before the service is
    // reachable; it plays the coordinator, so no command may run meanwhile.
    RestartResult startNow();
    // Aborts a running restart, lets the operation end, then joins the thread; later
    // requests are refused (ShuttingDown). Not from the coordinator thread.
    void shutdown();

private:
    enum class Kind { Restart, Stop, Start };
    struct Command {
        Kind kind;
        RestartOptions options;
        std::uint64_t restartId;
        std::shared_ptr<CommitPoint> commitPoint;
    };

    // Any thread.
    CommandTicket enqueue(Kind kind, const RestartOptions &options, const QString &client,
                          std::shared_ptr<CommitPoint> commitPoint = {});
    CommandTicket admit(Kind kind); // any thread, under m_mutex
    // --- coordinator thread only ---
    void run();
    void execute(const Command &command);
    void finish(const Command &command, const RestartResult &result, std::int64_t us);

    ServiceCore &m_core;
    std::atomic<bool> m_busy{false};
    std::atomic<bool> m_abort{false};
    std::atomic<bool> m_shuttingDown{false};
    std::mutex m_mutex; // guards the queue, m_stopping, m_lastRestartId and m_commitPoint
    std::condition_variable m_wake;
    std::deque<Command> m_queue;
    bool m_stopping = false;
    std::uint64_t m_lastRestartId = 0;
    std::shared_ptr<CommitPoint> m_commitPoint; // the admitted restart's, if split
    std::thread m_thread;
};

} // namespace shardscope
