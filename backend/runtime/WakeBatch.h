#pragma once

#include <vector>

namespace shardscope {

// What a batch wakes: a mailbox's reader (its thread, or its strand on a pool).
class WakeTarget
{
public:
    virtual void wakeReader() = 0;

protected:
    ~WakeTarget() = default;
};

// Wake-ups of shard threads that one thread holds back while it handles a burst, then
// sends once per mailbox (STYLE.md 5: post a wake-up, drain a batch). The network
// thread installs one and flushes it whenever its event loop is about to block, so the
// queries of one loop pass cost each shard one futex wake instead of one per query.
// Only queries (the normal lane) are deferred: control messages, which a waiting caller
// may block on, always wake at once, and a woken shard sees the queries queued before.
class WakeBatch
{
public:
    WakeBatch();  // installs itself on the calling thread
    ~WakeBatch(); // flushes and uninstalls
    WakeBatch(const WakeBatch &) = delete;
    WakeBatch &operator=(const WakeBatch &) = delete;

    // The calling thread's batch, or null (then wake-ups are sent at once).
    static WakeBatch *current();

    // `target` decided to wake its reader (a thread, or a strand to queue on its pool).
    void defer(WakeTarget *target) { m_pending.push_back(target); }
    void flush();

private:
    std::vector<WakeTarget *> m_pending;
    WakeBatch *m_previous;
};

} // namespace shardscope
