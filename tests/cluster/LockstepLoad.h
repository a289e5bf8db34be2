#pragma once

// Closed-loop clients straight to each node, checking what a lockstep restart promises:
// no failed request, and no answer from the old version to a request sent after any
// client got one from the new version.
#include "tests/support/HttpTestClient.h"

#include <QByteArray>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <limits>
#include <mutex>
#include <thread>
#include <vector>

namespace shardscope::test {

class LockstepLoad
{
public:
    using Clock = std::chrono::steady_clock;

    // `clientsPerNode` threads for each port; `oldVersion` is the version before the restart.
    LockstepLoad(const std::vector<quint16> &ports, int clientsPerNode, double oldVersion) : m_old(oldVersion)
    {
        for (quint16 port : ports) {
            for (int c = 0; c < clientsPerNode; ++c)
                m_threads.emplace_back([this, port] { run(port); });
        }
    }
    ~LockstepLoad() { stop(); }

    void stop()
    {
        m_stop.store(true);
        for (auto &t : m_threads) {
            if (t.joinable())
                t.join();
        }
    }
    int ok() const { return m_ok.load(); }
    int failed() const { return m_failed.load(); }
    int newAnswers() const { return m_new.load(); }
    // Old-version answers to requests sent after some client had a new-version answer.
    int staleAfterNew() const { return m_staleAfterNew.load(); }
    // Answers older than one the same client had before.
    int wentBack() const { return m_wentBack.load(); }
    QByteArray firstFailure() const
    {
        std::lock_guard lock(m_mutex);
        return m_firstFailure;
    }

private:
    static std::int64_t nowNs() { return Clock::now().time_since_epoch().count(); }

    void run(quint16 port)
    {
        HttpTestClient http("127.0.0.1", port, 20000);
        double newest = 0;
        while (!m_stop.load()) {
            const std::int64_t sent = nowNs();
            const auto r = http.post("/v1/query", R"({"procedure":"echo","args":{"n":1}})");
            if (r.status != 200) {
                ++m_failed;
                std::lock_guard lock(m_mutex);
                if (m_firstFailure.isEmpty())
                    m_firstFailure = QByteArray::number(r.status) + ' ' + r.body;
                continue;
            }
            ++m_ok;
            const double v = r.json().value(QStringLiteral("version")).toDouble();
            if (v < newest)
                ++m_wentBack;
            newest = std::max(newest, v);
            if (v > m_old) {
                ++m_new;
                std::int64_t first = m_firstNewNs.load();
                const std::int64_t got = nowNs();
                while (got < first && !m_firstNewNs.compare_exchange_weak(first, got)) {
                }
            } else if (sent > m_firstNewNs.load()) {
                ++m_staleAfterNew;
            }
        }
    }

    const double m_old;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_ok{0}, m_failed{0}, m_new{0}, m_staleAfterNew{0}, m_wentBack{0};
    std::atomic<std::int64_t> m_firstNewNs{std::numeric_limits<std::int64_t>::max()};
    mutable std::mutex m_mutex;
    QByteArray m_firstFailure;
    std::vector<std::thread> m_threads;
};

} // namespace shardscope::test
