#include "tests/bench/cluster/ClusterLoad.h"

#include "tests/bench/BenchCommon.h"
#include "tests/support/HttpTestClient.h"

namespace shardscope::bench {

ClusterLoad::ClusterLoad(quint16 port, int clients, std::size_t perClient)
    : m_port(port)
    , m_perClient(perClient)
    , m_samples(std::size_t(clients))
{
    for (auto &s : m_samples)
        s.reserve(std::min<std::size_t>(perClient, 100000));
    for (int i = 0; i < clients; ++i)
        m_threads.emplace_back([this, i] { run(i); });
}

ClusterLoad::~ClusterLoad()
{
    stop();
}

void ClusterLoad::stop()
{
    m_stop.store(true);
    for (std::thread &t : m_threads) {
        if (t.joinable())
            t.join();
    }
}

void ClusterLoad::run(int index)
{
    test::HttpTestClient http("127.0.0.1", m_port, 5000);
    std::vector<LoadSample> &mine = m_samples[std::size_t(index)];
    const QByteArray body = R"({"procedure":"echo","args":{"n":1}})";
    while (!m_stop.load(std::memory_order_relaxed) && mine.size() < m_perClient) {
        const std::int64_t start = nowNs();
        const auto r = http.post("/v1/query", body);
        const std::int64_t end = nowNs();
        // Samples are written by this thread only and read after stop().
        mine.push_back({end, std::uint32_t(std::min<std::int64_t>((end - start) / 1000, UINT32_MAX)), r.status});
        if (r.status == 200) {
            m_answered.fetch_add(1, std::memory_order_relaxed);
            continue;
        }
        std::lock_guard lock(m_failureMutex);
        if (m_failures.size() < 100)
            m_failures.emplace_back(end, QByteArray::number(r.status) + ' ' + r.body.left(200));
    }
}

WindowFigures ClusterLoad::window(std::int64_t fromNs, std::int64_t toNs) const
{
    WindowFigures f;
    std::vector<std::uint32_t> latencies;
    for (const auto &samples : m_samples) {
        for (const LoadSample &s : samples) {
            if (s.endNs < fromNs || s.endNs >= toNs)
                continue;
            ++f.requests;
            if (s.status != 200)
                ++f.failed;
            latencies.push_back(s.latencyUs);
        }
    }
    const Summary s = summarize(latencies);
    f.p50Ms = s.p50 / 1000.0;
    f.p99Ms = s.p99 / 1000.0;
    f.maxMs = s.max / 1000.0;
    std::lock_guard lock(m_failureMutex);
    for (const auto &[at, text] : m_failures) {
        if (at >= fromNs && at < toNs) {
            f.firstFailure = text;
            break;
        }
    }
    return f;
}

} // namespace shardscope::bench
