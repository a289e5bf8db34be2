#pragma once

#include "backend/runtime/WakeBatch.h"

#include <QString>

#include <atomic>
#include <climits>
#include <cstdint>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace shardscope {

// A message for a shard. Exactly one of run() (on the shard thread) or refuse() (instead,
// when it can no longer run: mailbox closed, forced drain; on the refusing thread) is called.
// A query is one object that carries its request and reply, one allocation per message.
class Message
{
public:
    virtual ~Message() = default;
    virtual void run() = 0;
    virtual void refuse(const QString &reason) = 0;
    // steady_clock nanoseconds when a client's request was admitted; kNotARequest for
    // control messages. Read under the mailbox lock for the oldest-in-flight age.
    static constexpr std::int64_t kNotARequest = INT64_MAX;
    virtual std::int64_t admittedNs() const { return kNotARequest; }
    // A request whose client has gone: nobody waits for its answer. Any thread.
    virtual bool abandoned() const { return false; }
};
using MessagePtr = std::unique_ptr<Message>;

// A message made of two functions: control messages and tests, where an allocation more
// does not matter. An empty `refuse` ignores the refusal.
struct Envelope {
    std::function<void()> run;
    std::function<void(const QString &reason)> refuse;
};
MessagePtr toMessage(Envelope envelope);

enum class PushResult { Pushed, WokeReader, Closed, Full };

class ShardPool;
class Strand;
enum class Lane { Control, Normal }; // control messages overtake queued normal ones

// Multi-producer, single-consumer mailbox of one shard. Every method may be called from
// any thread except pop(), which only the owning shard thread calls.
//
// Two ways to read it. A shard with its own thread blocks in pop(). A shard that is a
// strand on a ShardPool (attach()) is read in turns: the push that finds it idle marks it
// scheduled and queues it on the pool (once: later pushes see it scheduled), a worker
// reads with tryPop() and ends the turn with endTurn(), which either keeps it scheduled
// (work is left: the pool queues it again) or marks it idle. So at most one worker reads
// it at a time, and a strand with nothing to do is in no queue and costs no wake-up.
class Mailbox final : public WakeTarget
{
public:
    // Before any push: read as a strand on `pool` from now on.
    void attach(ShardPool *pool, Strand *strand);
    // Never throws. Closed: `message` is left with the caller, who still owns the refusal.
    // On a thread with a WakeBatch, waking the reader for a normal-lane message is left
    // to the batch's flush.
    // Full: the normal lane already holds `normalLimit` messages (0: no limit); the
    // message is left with the caller as on Closed. The control lane is never full.
    PushResult push(MessagePtr &message, Lane lane = Lane::Normal, std::uint32_t normalLimit = 0);
    // As above for a two-function envelope; on Closed it is dropped without calling its
    // refuse (Shard::post wraps envelopes itself so that they are refused).
    PushResult push(Envelope envelope, Lane lane = Lane::Normal);

    enum class PopResult { Message, Timeout, Closed };
    // Shard thread only. Blocks until a message arrives, `deadline` passes, or the mailbox
    // is closed and empty. Control messages come first.
    PopResult pop(MessagePtr &out, std::optional<std::chrono::steady_clock::time_point> deadline);

    // Stops accepting messages and hands back every queued one for the caller to refuse.
    std::vector<MessagePtr> close();

    // --- strand mode (attach()) ---
    // The reader only (a turn, or a shard thread that must not block): the next message,
    // control lane first, without blocking: Message, Timeout (nothing queued now) or
    // Closed. `controlOnly`: normal messages stay queued (the reader is busy with one).
    PopResult tryPop(MessagePtr &out, bool controlOnly = false);
    // The reading turn, last: true if the strand must run again (messages queued, poke()
    // came during the turn, or `moreWork`: the reader has work in hand); false: it is
    // idle (or closed) and unscheduled.
    bool endTurn(bool moreWork = false);
    // The pool's timer thread: true if the strand was idle and is now scheduled (the
    // caller queues it); false if it is scheduled already (it will run again) or closed.
    bool poke();
    // Any thread but a pool worker, after close(): waits until no turn runs or is queued;
    // then nothing reads the mailbox again.
    void waitUnscheduled();
    // Sends the wake-up a push decided on: the reader's condition variable, or the pool.
    void wakeReader() override;
    // Removes the queued normal messages (forced drain); control messages stay.
    std::vector<MessagePtr> takeNormal();
    // Removes the queued normal messages whose client has gone (Message::abandoned).
    std::vector<MessagePtr> takeAbandoned();

    // The oldest admission among queued requests and the one the reader holds (popped,
    // not yet released); Message::kNotARequest when none. Takes the lock: snapshots only.
    std::int64_t oldestAdmittedNs() const;
    // Shard thread only, after the popped message has run (or moved its request on).
    void releaseInHand() { m_inHandNs.store(Message::kNotARequest, std::memory_order_release); }

    // Messages waiting (both lanes). Lock-free: read by snapshots.
    std::uint32_t size() const { return m_size.load(std::memory_order_relaxed); }
    bool isClosed() const;
    // The reader is blocked in pop(); for tests and diagnostics.
    bool readerWaiting() const;

private:
    PopResult takeLocked(MessagePtr &out, bool controlOnly = false); // under m_mutex

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<MessagePtr> m_control;
    std::deque<MessagePtr> m_normal;
    bool m_closed = false;
    bool m_readerWaiting = false;
    ShardPool *m_pool = nullptr;
    Strand *m_strand = nullptr;
    bool m_scheduled = false; // strand mode: queued on the pool or in a turn
    bool m_poked = false;     // strand mode: a timer came due during the turn
    std::atomic<std::uint32_t> m_size{0};
    // Set under the lock by pop(), so a request is never between queue and hand unseen.
    std::atomic<std::int64_t> m_inHandNs{Message::kNotARequest};
};

} // namespace shardscope
