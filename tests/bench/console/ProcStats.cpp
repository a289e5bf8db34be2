#include "ProcStats.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace shardscope::bench {

MemoryStatus readMemoryStatus()
{
    MemoryStatus m;
    std::FILE *f = std::fopen("/proc/self/status", "r");
    if (!f)
        return m;
    char line[256];
    while (std::fgets(line, sizeof line, f)) {
        long kb = 0;
        if (std::sscanf(line, "VmRSS: %ld kB", &kb) == 1)
            m.rssMb = double(kb) / 1024.0;
        else if (std::sscanf(line, "VmHWM: %ld kB", &kb) == 1)
            m.hwmMb = double(kb) / 1024.0;
    }
    std::fclose(f);
    return m;
}

std::int64_t threadCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::int64_t epochUs()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace shardscope::bench
