#pragma once

#include "backend/record/StripedCounters.h"
#include "backend/types/Query.h"

#include <atomic>
#include <cstdint>

namespace shardscope {

// Every request the service accepts gets an id and ends in exactly one of two columns:
// answered (an actor ran it, successfully or with a procedure error) or refused (an
// error before or instead of running: closed gate, cancelled actor, crash, shutdown).
// At any moment accepted = answered + refused + in flight.
// Any thread: the network thread accepts, shard threads settle, readers take counts().
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

    // Counts a request in; returns its id (unique within this ledger, not consecutive).
    std::uint64_t accept();
    // Counts the one answer of a request: Unavailable and DeadlineExceeded mean it never
    // ran to completion (refused); anything else is answered.
    void settle(QueryStatus status);
    // A second answer to request `id`: counted and logged, never passed on.
    void countDuplicate(std::uint64_t id);
    Counts counts() const;

private:
    enum Column : std::size_t { Accepted, Answered, Refused, ColumnCount };
    StripedCounters<ColumnCount> m_columns;
    std::atomic<std::uint64_t> m_duplicates{0};
};

} // namespace shardscope
