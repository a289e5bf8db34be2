#include "backend/types/ShardTypes.h"

#include "backend/types/EnumNames.h"

#include <array>

namespace shardscope {
namespace {

constexpr std::array<std::string_view, kShardStateCount> kStateNames = {
    "serving", "gated", "draining", "restarting", "verifying", "canceled", "stopped", "failed"};
constexpr std::array<std::string_view, 8> kPhaseNames = {
    "serving", "preparing", "draining", "restarting", "verifying", "resuming", "rolling_back", "stopped"};
constexpr std::array<std::string_view, 2> kModeNames = {"phased", "legacy"};
constexpr std::array<std::string_view, 2> kAdmissionNames = {"hold", "reject"};
constexpr std::array<std::string_view, 2> kDrainNames = {"abort", "force"};

} // namespace

std::string_view toString(ShardState s) { return kStateNames[static_cast<std::size_t>(s)]; }
std::string_view toString(ServicePhase p) { return kPhaseNames[static_cast<std::size_t>(p)]; }
std::string_view toString(RestartMode m) { return kModeNames[static_cast<std::size_t>(m)]; }
std::string_view toString(AdmissionPolicy p) { return kAdmissionNames[static_cast<std::size_t>(p)]; }
std::string_view toString(DrainTimeoutPolicy p) { return kDrainNames[static_cast<std::size_t>(p)]; }

bool parseShardState(std::string_view t, ShardState &o) { return parseName(kStateNames, t, o); }
bool parseRestartMode(std::string_view t, RestartMode &o) { return parseName(kModeNames, t, o); }
bool parseAdmissionPolicy(std::string_view t, AdmissionPolicy &o) { return parseName(kAdmissionNames, t, o); }
bool parseDrainTimeoutPolicy(std::string_view t, DrainTimeoutPolicy &o) { return parseName(kDrainNames, t, o); }

} // namespace shardscope
