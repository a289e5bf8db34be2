#pragma once

#include "backend/core/ServiceCore.h"
#include "backend/types/CommandOutcome.h"
#include "backend/types/RestartOptions.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace shardscope {

// Owns the coordinator thread: runs restarts, stops and starts one at a time, talking to
// shards by messages. Requests come from any thread and are answered at once (202 or 409);
// progress and outcome go to the event log.
class RestartCoordinator
{
public:
    explicit RestartCoordinator(ServiceCore &core);
    ~RestartCoordinator();
    RestartCoordinator(const RestartCoordinator &) = delete;
    RestartCoordinator &operator=(const RestartCoordinator &) = delete;

    // `client` names who asked, for the audit ("127.0.0.1:53122", "console").
    CommandTicket requestRestart(const RestartOptions &options, const QString &client);
    CommandTicket requestStop(const QString &client);
    CommandTicket requestStart(const QString &client);
    // Asks the running restart to stop at its next step; refused when none runs.
    CommandTicket requestAbort();

    bool busy() const { return m_busy.load(); }
    // Runs the initial start synchronously (before the service is reachable).
    RestartResult startNow();
    // Lets the running operation finish, then joins the thread; later requests get 503.
    void shutdown();

private:
    enum class Kind { Restart, Stop, Start };
    struct Command {
        Kind kind;
        RestartOptions options;
        std::uint64_t restartId;
    };

    CommandTicket enqueue(Kind kind, const RestartOptions &options, const QString &client);
    CommandTicket admit(Kind kind);
    void run();
    void execute(const Command &command);
    RestartResult runLegacy(std::uint64_t id);
    RestartResult stopAll();
    RestartResult startAll();
    void finish(const Command &command, const RestartResult &result, std::int64_t us);

    ServiceCore &m_core;
    std::atomic<bool> m_busy{false};
    std::atomic<bool> m_abort{false};
    std::atomic<bool> m_shuttingDown{false};
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Command> m_queue;
    bool m_stopping = false;
    std::uint64_t m_lastRestartId = 0;
    std::thread m_thread;
};

} // namespace shardscope
