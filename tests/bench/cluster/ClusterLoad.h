#pragma once
// Closed-loop clients that send echo queries through the cluster's balancer and keep
// every answer with its time, so that one continuous run can be cut into windows
// (before a restart, during it) and compared in the same run.

#include <QByteArray>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace shardscope::bench {

struct LoadSample {
    std::int64_t endNs = 0;
    std::uint32_t latencyUs = 0;
    int status = 0; // 0: no answer (connection failed)
};

struct WindowFigures {
    std::size_t requests = 0, failed = 0;
    double p50Ms = 0, p99Ms = 0, maxMs = 0;
    QByteArray firstFailure;
};

class ClusterLoad
{
public:
    // `clients` threads against 127.0.0.1:`port`, each keeping at most `perClient` samples.
    ClusterLoad(quint16 port, int clients, std::size_t perClient = 400000);
    ~ClusterLoad();
    ClusterLoad(const ClusterLoad &) = delete;
    ClusterLoad &operator=(const ClusterLoad &) = delete;

    void stop();
    std::size_t answered() const { return m_answered.load(); }
    // Requests that ended in [fromNs, toNs).
    WindowFigures window(std::int64_t fromNs, std::int64_t toNs) const;

private:
    void run(int index);

    quint16 m_port;
    std::size_t m_perClient;
    std::atomic<bool> m_stop{false};
    std::atomic<std::size_t> m_answered{0};
    std::vector<std::vector<LoadSample>> m_samples;
    mutable std::mutex m_failureMutex;
    std::vector<std::pair<std::int64_t, QByteArray>> m_failures;
    std::vector<std::thread> m_threads;
};

} // namespace shardscope::bench
