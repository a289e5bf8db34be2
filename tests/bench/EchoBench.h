#pragma once
// One request-reply echo run, the same shape for ShardService and for CAF: `senders`
// senders keep `window` requests outstanding each (a new one is sent when a reply comes
// back), round-robin over the servers, until `seconds` pass or `maxRequests` are sent.

#include <cstdint>
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

// Implemented in bench_actor_caf.cpp when CAF is available.
bool cafAvailable();
EchoRun runCafEcho(const EchoParams &params);

} // namespace shardscope::bench
