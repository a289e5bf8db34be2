#include "backend/types/ProcedureLatency.h"

#include <QLatin1StringView>

namespace shardscope {

int latencyProcedureSlot(QStringView name)
{
    for (int i = 0; i < kLatencyProcedureCount; ++i) {
        const std::string_view known = kLatencyProcedures[std::size_t(i)];
        if (name == QLatin1StringView(known.data(), qsizetype(known.size())))
            return i;
    }
    return -1;
}

} // namespace shardscope
