#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace shardscope {

// The enum whose value is the index of `text` in `names`; false (and `out` unchanged)
// when no name matches. Every wire enum's parser is this over its own name table.
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

} // namespace shardscope
