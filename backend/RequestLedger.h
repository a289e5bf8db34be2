#pragma once

#include "backend/Query.h"

#include <atomic>
#include <cstdint>

namespace shardscope {

// Every request the service accepts gets an id and ends in exactly one of two columns:
// answered (an actor ran it, successfully or with a procedure error) or refused (an
// error before or instead of running: closed gate, cancelled actor, crash, shutdown).
// At any moment accepted = answered + refused + in flight.
class RequestLedger
{
public:
    struct Counts {
        std::uint64_t accepted = 0;
        std::uint64_t answered = 0;
        std::uint64_t refused = 0;
        std::uint64_t duplicateReplies = 0; // a bug if ever non-zero
        std::uint64_t inFlight() const { return accepted - answered - refused; }
    };

    // Wraps `reply` so that the ledger sees its single call; stamps the request id.
    ReplyFn accept(ReplyFn reply);
    Counts counts() const;

private:
    std::atomic<std::uint64_t> m_nextId{1};
    std::atomic<std::uint64_t> m_accepted{0};
    std::atomic<std::uint64_t> m_answered{0};
    std::atomic<std::uint64_t> m_refused{0};
    std::atomic<std::uint64_t> m_duplicates{0};
};

} // namespace shardscope
