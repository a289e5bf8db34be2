#include "backend/types/Clock.h"

#include <chrono>

namespace shardscope {

std::int64_t nowEpochMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace shardscope
