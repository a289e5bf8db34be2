#include "backend/types/CommandOutcome.h"

#include <array>

namespace shardscope {
namespace {

constexpr std::array<std::string_view, kCommandOutcomeCount> kOutcomeNames = {
    "completed", "aborted", "rolled_back", "rollback_failed", "failed"};
constexpr std::array<std::string_view, kRefusalCount> kRefusalNames = {
    "none", "busy", "already_running", "stopped", "nothing_to_abort", "shutting_down", "bad_request", "faults_disabled"};

template <typename Enum, std::size_t N>
bool parseName(const std::array<std::string_view, N> &names, std::string_view text, Enum &out)
{
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i] == text) {
            out = static_cast<Enum>(i);
            return true;
        }
    }
    return false;
}

} // namespace

std::string_view toString(CommandOutcome o) { return kOutcomeNames[static_cast<std::size_t>(o)]; }
std::string_view toString(Refusal r) { return kRefusalNames[static_cast<std::size_t>(r)]; }
bool parseCommandOutcome(std::string_view t, CommandOutcome &o) { return parseName(kOutcomeNames, t, o); }
bool parseRefusal(std::string_view t, Refusal &o) { return parseName(kRefusalNames, t, o); }

} // namespace shardscope
