#include "backend/RequestLedger.h"

#include <spdlog/spdlog.h>

#include <memory>

namespace shardscope {

ReplyFn RequestLedger::accept(ReplyFn reply)
{
    const std::uint64_t id = m_nextId.fetch_add(1, std::memory_order_relaxed);
    m_accepted.fetch_add(1, std::memory_order_acq_rel);
    auto called = std::make_shared<std::atomic<bool>>(false);
    return [this, id, called, reply = std::move(reply)](QueryReply answer) {
        if (called->exchange(true)) {
            m_duplicates.fetch_add(1, std::memory_order_relaxed);
            spdlog::error("request {} answered twice; the second answer is dropped", id);
            return;
        }
        answer.requestId = id;
        // Unavailable means the request never ran to completion on an actor.
        (answer.status == QueryStatus::Unavailable ? m_refused : m_answered).fetch_add(1, std::memory_order_acq_rel);
        if (reply)
            reply(std::move(answer));
    };
}

RequestLedger::Counts RequestLedger::counts() const
{
    Counts c;
    // Answers first, then accepted: a request counted as answered is always also counted
    // as accepted, so in-flight never reads negative.
    c.answered = m_answered.load(std::memory_order_acquire);
    c.refused = m_refused.load(std::memory_order_acquire);
    c.accepted = m_accepted.load(std::memory_order_acquire);
    c.duplicateReplies = m_duplicates.load(std::memory_order_relaxed);
    return c;
}

} // namespace shardscope
