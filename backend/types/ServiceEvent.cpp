#include "backend/types/ServiceEvent.h"

#include <array>

namespace shardscope {

std::string_view toString(EventKind k)
{
    static constexpr std::array<std::string_view, 8> names = {
        "restart_requested", "phase_started", "phase_ended", "restart_finished",
        "shard_state", "service_started", "service_stopped", "warning"};
    return names[static_cast<std::size_t>(k)];
}

std::string_view toString(Severity s)
{
    static constexpr std::array<std::string_view, 3> names = {"info", "warning", "error"};
    return names[static_cast<std::size_t>(s)];
}

} // namespace shardscope
