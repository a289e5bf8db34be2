#include "backend/record/RequestLedger.h"

#include <spdlog/spdlog.h>

namespace shardscope {

std::uint64_t RequestLedger::accept()
{
    const std::uint64_t before = m_columns.add(Accepted, 1, std::memory_order_release);
    // Each stripe counts its own requests, so (its count, its index) names one request.
    return before * kCounterStripes + threadCounterStripe() + 1;
}

void RequestLedger::settle(QueryStatus status)
{
    // Release: a reader who sees this answer also sees the acceptance that preceded it.
    // A missed deadline never ran to completion either: the work was cut short or skipped.
    const bool refused = status == QueryStatus::Unavailable || status == QueryStatus::DeadlineExceeded;
    m_columns.add(refused ? Refused : Answered, 1, std::memory_order_release);
}

void RequestLedger::countDuplicate(std::uint64_t id)
{
    m_duplicates.fetch_add(1, std::memory_order_relaxed);
    spdlog::error("request {} answered twice; the second answer is dropped", id);
}

RequestLedger::Counts RequestLedger::counts() const
{
    Counts c;
    // Answers first, then accepted: a request counted as answered is always also counted
    // as accepted, so in-flight never reads negative.
    c.answered = m_columns.sum(Answered, std::memory_order_acquire);
    c.refused = m_columns.sum(Refused, std::memory_order_acquire);
    c.accepted = m_columns.sum(Accepted, std::memory_order_acquire);
    c.duplicateReplies = m_duplicates.load(std::memory_order_relaxed);
    return c;
}

} // namespace shardscope
