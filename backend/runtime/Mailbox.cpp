#include "backend/runtime/Mailbox.h"

#include "backend/runtime/ShardPool.h"
#include "backend/runtime/WakeBatch.h"

#include <algorithm>

namespace shardscope {

namespace {

class FunctionMessage final : public Message
{
public:
    explicit FunctionMessage(Envelope envelope)
        : m_envelope(std::move(envelope))
    {
    }
    void run() override
    {
        if (m_envelope.run)
            m_envelope.run();
    }
    void refuse(const QString &reason) override
    {
        if (m_envelope.refuse)
            m_envelope.refuse(reason);
    }

private:
    Envelope m_envelope;
};

} // namespace

MessagePtr toMessage(Envelope envelope)
{
    return std::make_unique<FunctionMessage>(std::move(envelope));
}

PushResult Mailbox::push(Envelope envelope, Lane lane)
{
    MessagePtr message = toMessage(std::move(envelope));
    return push(message, lane);
}

PushResult Mailbox::push(MessagePtr &message, Lane lane, std::uint32_t normalLimit)
{
    bool wake = false;
    {
        std::lock_guard lock(m_mutex);
        if (m_closed)
            return PushResult::Closed;
        if (lane == Lane::Normal && normalLimit > 0 && m_normal.size() >= normalLimit)
            return PushResult::Full;
        (lane == Lane::Control ? m_control : m_normal).push_back(std::move(message));
        m_size.fetch_add(1, std::memory_order_relaxed);
        if (m_strand) {
            wake = !m_scheduled;
            m_scheduled = true;
        } else {
            wake = m_readerWaiting;
        }
    }
    if (!wake)
        return PushResult::Pushed;
    if (WakeBatch *batch = WakeBatch::current(); batch && lane == Lane::Normal) {
        batch->defer(this);
        return PushResult::Pushed;
    }
    wakeReader();
    return PushResult::WokeReader;
}

void Mailbox::attach(ShardPool *pool, Strand *strand)
{
    std::lock_guard lock(m_mutex);
    m_pool = pool;
    m_strand = strand;
}

void Mailbox::wakeReader()
{
    if (m_strand)
        m_pool->schedule(m_strand);
    else
        m_wake.notify_one();
}

// Control first.
Mailbox::PopResult Mailbox::takeLocked(MessagePtr &out, bool controlOnly)
{
    auto &lane = !m_control.empty() || controlOnly ? m_control : m_normal;
    if (lane.empty())
        return m_closed ? PopResult::Closed : PopResult::Timeout;
    out = std::move(lane.front());
    lane.pop_front();
    m_inHandNs.store(out->admittedNs(), std::memory_order_release);
    m_size.fetch_sub(1, std::memory_order_relaxed);
    return PopResult::Message;
}

Mailbox::PopResult Mailbox::tryPop(MessagePtr &out, bool controlOnly)
{
    std::lock_guard lock(m_mutex);
    return takeLocked(out, controlOnly);
}

bool Mailbox::endTurn(bool moreWork)
{
    std::lock_guard lock(m_mutex);
    if (!m_closed && (moreWork || m_poked || !m_control.empty() || !m_normal.empty())) {
        m_poked = false;
        return true;
    }
    m_poked = false;
    m_scheduled = false;
    // Under the lock: a stop() waiting in waitUnscheduled() may destroy the mailbox as soon
    // as it sees the strand unscheduled, so nothing of it may be touched after the unlock.
    if (m_closed)
        m_wake.notify_all();
    return false;
}

bool Mailbox::poke()
{
    std::lock_guard lock(m_mutex);
    if (m_closed)
        return false;
    if (m_scheduled) {
        m_poked = true;
        return false;
    }
    m_scheduled = true;
    return true;
}

void Mailbox::waitUnscheduled()
{
    std::unique_lock lock(m_mutex);
    m_wake.wait(lock, [this] { return !m_scheduled; });
}

Mailbox::PopResult Mailbox::pop(MessagePtr &out, std::optional<std::chrono::steady_clock::time_point> deadline)
{
    std::unique_lock lock(m_mutex);
    auto ready = [this] { return m_closed || !m_control.empty() || !m_normal.empty(); };
    m_readerWaiting = true;
    if (deadline)
        m_wake.wait_until(lock, *deadline, ready);
    else
        m_wake.wait(lock, ready);
    m_readerWaiting = false;

    return takeLocked(out);
}

std::vector<MessagePtr> Mailbox::close()
{
    std::vector<MessagePtr> dropped;
    {
        std::lock_guard lock(m_mutex);
        m_closed = true;
        for (auto *lane : {&m_control, &m_normal}) {
            for (auto &e : *lane)
                dropped.push_back(std::move(e));
            lane->clear();
        }
        m_size.store(0, std::memory_order_relaxed);
    }
    m_wake.notify_all();
    return dropped;
}

std::vector<MessagePtr> Mailbox::takeNormal()
{
    std::lock_guard lock(m_mutex);
    std::vector<MessagePtr> taken(std::make_move_iterator(m_normal.begin()), std::make_move_iterator(m_normal.end()));
    m_size.fetch_sub(static_cast<std::uint32_t>(m_normal.size()), std::memory_order_relaxed);
    m_normal.clear();
    return taken;
}

std::vector<MessagePtr> Mailbox::takeAbandoned()
{
    std::vector<MessagePtr> taken;
    std::lock_guard lock(m_mutex);
    const auto kept = std::stable_partition(m_normal.begin(), m_normal.end(), [](const MessagePtr &m) { return !m->abandoned(); });
    taken.insert(taken.end(), std::make_move_iterator(kept), std::make_move_iterator(m_normal.end()));
    m_normal.erase(kept, m_normal.end());
    m_size.fetch_sub(static_cast<std::uint32_t>(taken.size()), std::memory_order_relaxed);
    return taken;
}

std::int64_t Mailbox::oldestAdmittedNs() const
{
    std::lock_guard lock(m_mutex);
    std::int64_t oldest = m_inHandNs.load(std::memory_order_acquire);
    // Producers stamp before they push, so the front is the oldest to within a push race.
    if (!m_normal.empty())
        oldest = std::min(oldest, m_normal.front()->admittedNs());
    return oldest;
}

bool Mailbox::readerWaiting() const
{
    std::lock_guard lock(m_mutex);
    return m_readerWaiting;
}

bool Mailbox::isClosed() const
{
    std::lock_guard lock(m_mutex);
    return m_closed;
}

} // namespace shardscope
