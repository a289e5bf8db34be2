#pragma once
// Small helpers shared by the benchmark programs: argument parsing, percentiles, a
// bounded latency recorder, and JSON number formatting. No Qt, so that the CAF
// translation unit can include it too.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace shardscope::bench {

using Clock = std::chrono::steady_clock;

inline std::int64_t nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// "--key value" pairs; a bare "--flag" maps to "1".
class Args
{
public:
    Args(int argc, char **argv)
    {
        for (int i = 1; i < argc; ++i) {
            std::string k = argv[i];
            if (k.rfind("--", 0) != 0) {
                std::fprintf(stderr, "unexpected argument '%s' (want --key value)\n", k.c_str());
                std::exit(2);
            }
            k = k.substr(2);
            if (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0)
                m_values[k] = argv[++i];
            else
                m_values[k] = "1";
        }
    }
    bool has(const std::string &k) const { return m_values.count(k) != 0; }
    std::string str(const std::string &k, const std::string &def) const
    {
        auto it = m_values.find(k);
        return it == m_values.end() ? def : it->second;
    }
    double num(const std::string &k, double def) const
    {
        auto it = m_values.find(k);
        return it == m_values.end() ? def : std::atof(it->second.c_str());
    }
    std::vector<int> ints(const std::string &k, const std::string &def) const
    {
        std::vector<int> out;
        std::string s = str(k, def);
        std::size_t pos = 0;
        while (pos <= s.size()) {
            const std::size_t comma = s.find(',', pos);
            const std::string part = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
            if (!part.empty())
                out.push_back(std::atoi(part.c_str()));
            if (comma == std::string::npos)
                break;
            pos = comma + 1;
        }
        return out;
    }

private:
    std::map<std::string, std::string> m_values;
};

// Percentiles of a sample (nearest rank). Empty: zeros.
struct Summary {
    std::size_t count = 0;
    double p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0;
};

template<typename T>
Summary summarize(std::vector<T> v)
{
    Summary s;
    s.count = v.size();
    if (v.empty())
        return s;
    std::sort(v.begin(), v.end());
    auto rank = [&](double q) {
        std::size_t i = static_cast<std::size_t>(q * double(v.size()));
        if (i >= v.size())
            i = v.size() - 1;
        return double(v[i]);
    };
    s.p50 = rank(0.50);
    s.p90 = rank(0.90);
    s.p99 = rank(0.99);
    s.max = double(v.back());
    double sum = 0;
    for (const T &x : v)
        sum += double(x);
    s.mean = sum / double(v.size());
    return s;
}

// Lock-free, bounded store of latencies (ns) written by any thread: keeps the first
// `capacity` samples, counts the rest.
class LatencyRecorder
{
public:
    explicit LatencyRecorder(std::size_t capacity)
        : m_capacity(capacity)
        , m_data(new std::uint32_t[capacity])
    {
    }
    void record(std::int64_t ns)
    {
        const std::size_t i = m_next.fetch_add(1, std::memory_order_relaxed);
        if (i < m_capacity)
            m_data[i] = static_cast<std::uint32_t>(std::min<std::int64_t>(std::max<std::int64_t>(ns, 0), UINT32_MAX));
    }
    std::vector<std::uint32_t> samples() const
    {
        const std::size_t n = std::min(m_next.load(), m_capacity);
        return std::vector<std::uint32_t>(m_data.get(), m_data.get() + n);
    }
    std::size_t recorded() const { return m_next.load(); }

private:
    std::size_t m_capacity;
    std::unique_ptr<std::uint32_t[]> m_data;
    std::atomic<std::size_t> m_next{0};
};

inline std::string num(double x, int decimals = 3)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
    return buf;
}

} // namespace shardscope::bench
