#pragma once

// A bounded, paced client for the gate tests: echo queries through the balancer at about
// `perSecond`, on one thread, until stopped (and never longer than `maxMs`).
#include "tests/support/HttpTestClient.h"

#include <QByteArray>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace shardscope::test {

class GateLoad
{
public:
    GateLoad(quint16 port, int perSecond, int maxMs = 60000)
        : m_thread([this, port, perSecond, maxMs] { run(port, perSecond, maxMs); })
    {
    }
    ~GateLoad() { stop(); }

    void stop()
    {
        m_stop.store(true);
        if (m_thread.joinable())
            m_thread.join();
    }
    int ok() const { return m_ok.load(); }
    int failed() const { return m_failed.load(); }

private:
    void run(quint16 port, int perSecond, int maxMs)
    {
        using Clock = std::chrono::steady_clock;
        HttpTestClient http("127.0.0.1", port, 5000);
        const auto start = Clock::now();
        const auto gap = std::chrono::microseconds(1000000 / perSecond);
        auto next = start;
        while (!m_stop.load() && Clock::now() - start < std::chrono::milliseconds(maxMs)) {
            const auto r = http.post("/v1/query", R"({"procedure":"echo","args":{"n":1}})");
            ++(r.status == 200 ? m_ok : m_failed);
            next += gap;
            if (next > Clock::now())
                std::this_thread::sleep_until(next); // pacing, not waiting for a condition
            else
                next = Clock::now(); // behind: no burst to catch up
        }
    }

    std::atomic<bool> m_stop{false};
    std::atomic<int> m_ok{0}, m_failed{0};
    std::thread m_thread;
};

} // namespace shardscope::test
