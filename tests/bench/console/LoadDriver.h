#pragma once
// Load that changes every shard's counters on every frame: a thread that, every period,
// sends one echo query pinned to each shard whose previous one has been answered (so a
// closed gate during a restart throttles it instead of piling up held requests). Goes
// through BackendClient::submitQuery, as the console's own workload does.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>

namespace shardscope {
class BackendClient;
}

namespace shardscope::bench {

class LoadDriver
{
public:
    LoadDriver(BackendClient &client, int shards, std::chrono::milliseconds period);
    ~LoadDriver();

    void start();
    void stop(); // joins the sending thread; replies still due only bump counters

    // Asks the sending thread to send one `sleep ms` query pinned to every shard (in
    // flight while a restart drains) before its next round; returns the request's number.
    // Sent from that thread so the benchmark's own sends cost the GUI thread nothing.
    std::uint64_t requestSleepToAll(int ms);
    // How many such requests have been sent in full.
    std::uint64_t sleepRoundsSent() const;

    std::uint64_t sent() const;
    std::uint64_t answered() const;
    std::uint64_t failed() const;

    struct Shared;

private:
    void run();
    void sendEchoRound();
    void sendSleepToAll(int ms);

    BackendClient &m_client;
    int m_shards;
    std::chrono::milliseconds m_period;
    std::shared_ptr<Shared> m_shared; // shared with reply callbacks, which may outlive us
    std::thread m_thread;
};

} // namespace shardscope::bench
