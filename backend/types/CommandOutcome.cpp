#include "backend/types/CommandOutcome.h"

#include "backend/types/EnumNames.h"

#include <array>

namespace shardscope {
namespace {

constexpr std::array<std::string_view, kCommandOutcomeCount> kOutcomeNames = {
    "completed", "aborted", "rolled_back", "rollback_failed", "failed"};
constexpr std::array<std::string_view, kRefusalCount> kRefusalNames = {
    "none", "busy", "already_running", "stopped", "nothing_to_abort", "shutting_down", "bad_request", "faults_disabled",
    "coordination_unavailable", "version_skew", "stale"};

} // namespace

std::string_view toString(CommandOutcome o) { return kOutcomeNames[static_cast<std::size_t>(o)]; }
std::string_view toString(Refusal r) { return kRefusalNames[static_cast<std::size_t>(r)]; }
bool parseCommandOutcome(std::string_view t, CommandOutcome &o) { return parseName(kOutcomeNames, t, o); }
bool parseRefusal(std::string_view t, Refusal &o) { return parseName(kRefusalNames, t, o); }

} // namespace shardscope
