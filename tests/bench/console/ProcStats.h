#pragma once
// Process and thread figures for bench_console, read the way `top` and `ps` do.

#include <cstdint>

namespace shardscope::bench {

struct MemoryStatus {
    double rssMb = 0; // VmRSS: resident now
    double hwmMb = 0; // VmHWM: the resident peak so far
};

// VmRSS and VmHWM from /proc/self/status (zeros when unreadable).
MemoryStatus readMemoryStatus();
// CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID), nanoseconds.
std::int64_t threadCpuNs();
// Wall clock in microseconds since the epoch: the clock the service stamps events with.
std::int64_t epochUs();

} // namespace shardscope::bench
