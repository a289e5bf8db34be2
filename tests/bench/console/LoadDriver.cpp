#include "LoadDriver.h"

#include "model/client/BackendClient.h"

#include <vector>

namespace shardscope::bench {

struct LoadDriver::Shared {
    explicit Shared(int shards)
        : busy(std::size_t(shards))
    {
    }
    std::vector<std::atomic<bool>> busy; // an echo to this shard awaits its reply
    std::atomic<bool> running{false};
    std::atomic<int> sleepMs{0};
    std::atomic<std::uint64_t> sleepRequested{0}, sleepSent{0};
    std::atomic<std::uint64_t> sent{0}, answered{0}, failed{0};

    void replied(const QueryReply &reply)
    {
        answered.fetch_add(1, std::memory_order_relaxed);
        if (!reply.ok())
            failed.fetch_add(1, std::memory_order_relaxed);
    }
};

LoadDriver::LoadDriver(BackendClient &client, int shards, std::chrono::milliseconds period)
    : m_client(client)
    , m_shards(shards)
    , m_period(period)
    , m_shared(std::make_shared<Shared>(shards))
{
}

LoadDriver::~LoadDriver()
{
    stop();
}

void LoadDriver::start()
{
    if (m_shared->running.exchange(true))
        return;
    m_thread = std::thread([this] { run(); });
}

void LoadDriver::stop()
{
    m_shared->running = false;
    if (m_thread.joinable())
        m_thread.join();
}

void LoadDriver::sendEchoRound()
{
    for (int shard = 0; shard < m_shards; ++shard) {
        if (m_shared->busy[std::size_t(shard)].exchange(true))
            continue;
        QueryRequest request{QStringLiteral("echo"), {{QStringLiteral("text"), QStringLiteral("bench")}}, shard};
        m_shared->sent.fetch_add(1, std::memory_order_relaxed);
        m_client.submitQuery(std::move(request), [shared = m_shared, shard](QueryReply reply) {
            shared->replied(reply);
            shared->busy[std::size_t(shard)] = false;
        });
    }
}

void LoadDriver::run()
{
    auto next = std::chrono::steady_clock::now();
    while (m_shared->running.load()) {
        const std::uint64_t requested = m_shared->sleepRequested.load();
        if (m_shared->sleepSent.load() < requested) {
            sendSleepToAll(m_shared->sleepMs.load());
            m_shared->sleepSent = requested;
        }
        sendEchoRound();
        next += m_period;
        const auto now = std::chrono::steady_clock::now();
        if (now > next + m_period)
            next = now; // fell behind (a slow machine): do not send bursts to catch up
        std::this_thread::sleep_until(next); // pacing of the load, not a wait for a result
    }
}

void LoadDriver::sendSleepToAll(int ms)
{
    for (int shard = 0; shard < m_shards; ++shard) {
        QueryRequest request{QStringLiteral("sleep"), {{QStringLiteral("ms"), ms}}, shard};
        m_shared->sent.fetch_add(1, std::memory_order_relaxed);
        m_client.submitQuery(std::move(request), [shared = m_shared](QueryReply reply) { shared->replied(reply); });
    }
}

std::uint64_t LoadDriver::requestSleepToAll(int ms)
{
    m_shared->sleepMs = ms;
    return m_shared->sleepRequested.fetch_add(1) + 1;
}

std::uint64_t LoadDriver::sleepRoundsSent() const
{
    return m_shared->sleepSent.load();
}

std::uint64_t LoadDriver::sent() const { return m_shared->sent.load(); }
std::uint64_t LoadDriver::answered() const { return m_shared->answered.load(); }
std::uint64_t LoadDriver::failed() const { return m_shared->failed.load(); }

} // namespace shardscope::bench
