#pragma once
// One request-reply echo run, the same shape for ShardService and for CAF: `senders`
// senders keep `window` requests outstanding each (a new one is sent when a reply comes
// back), round-robin over the servers, until `seconds` pass or `maxRequests` are sent.

#include "tests/bench/BenchCommon.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace shardscope::bench {

struct EchoRun {
    double seconds = 0;          // first send to last reply
    std::uint64_t replies = 0;
    std::uint64_t errors = 0;
    std::vector<std::uint32_t> latencyNs; // a bounded sample of request-to-reply times
    std::string error;           // set when the run could not be done
    double cpuSeconds = 0;       // process CPU time (user + system) during the run
    double contextSwitches = 0;  // process context switches (voluntary + involuntary) during the run
    double throughput() const { return seconds > 0 ? double(replies) / seconds : 0; }
};

struct EchoParams {
    int servers = 1;
    int senders = 2;
    int window = 16;
    double seconds = 1.0;
    std::uint64_t maxRequests = 5'000'000;
    int workerThreads = 0; // CAF scheduler threads; 0: CAF's default (one per core)
};

// Process CPU seconds and context switches so far (getrusage), for per-request costs.
struct Usage {
    double cpuSeconds = 0;
    double contextSwitches = 0;
};
Usage processUsage();

// The shared end of both sides' runs. `state` has mutex, done, stop and the counters
// lastReplyNs, replies, errors, latency; `finished()` (under the mutex) says every sender
// is done. Waits until it is or `params.seconds` pass, stops the senders, waits at most
// 10 s for the replies still out, and fills `run` from the counters.
template <typename State, typename Finished>
void finishEchoRun(EchoRun &run, State &state, Finished finished, const EchoParams &params, const Usage &u0,
                   std::int64_t start, const char *side)
{
    {
        std::unique_lock lock(state.mutex);
        const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(params.seconds));
        state.done.wait_until(lock, deadline, finished);
        state.stop.store(true);
        if (!state.done.wait_for(lock, std::chrono::seconds(10), finished))
            run.error = std::string(side) + " replies did not all come back within 10 s after the stop";
    }
    const Usage u1 = processUsage();
    run.cpuSeconds = u1.cpuSeconds - u0.cpuSeconds;
    run.contextSwitches = u1.contextSwitches - u0.contextSwitches;
    const std::int64_t last = state.lastReplyNs.load();
    run.seconds = double((last > start ? last : nowNs()) - start) / 1e9;
    run.replies = state.replies.load();
    run.errors = state.errors.load();
    run.latencyNs = state.latency.samples();
}

// Implemented in bench_actor_caf.cpp when CAF is available.
bool cafAvailable();
EchoRun runCafEcho(const EchoParams &params);

} // namespace shardscope::bench
