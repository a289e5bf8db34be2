#include "backend/record/QueryQuality.h"

#include <algorithm>

namespace shardscope {
namespace {

std::int64_t secondOf(std::int64_t ms)
{
    return ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
}

} // namespace

void QueryQuality::Figures::add(const Figures &other)
{
    requests += other.requests;
    serverErrors += other.serverErrors;
    clientErrors += other.clientErrors;
    for (std::size_t i = 0; i < latency.size(); ++i)
        latency[i] += other.latency[i];
    latencySumUs += other.latencySumUs;
}

QueryQuality::QueryQuality(std::int64_t startMs)
    : m_startSecond(secondOf(startMs))
    , m_latestSecond(m_startSecond)
    , m_ring(kSeconds)
{
}

int QueryQuality::slotOf(QStringView procedure)
{
    const int slot = latencyProcedureSlot(procedure);
    return slot < 0 ? kOtherSlot : slot;
}

const char *QueryQuality::nameOf(int slot)
{
    return slot >= 0 && slot < kLatencyProcedureCount ? kLatencyProcedures[std::size_t(slot)].data() : "other";
}

std::size_t QueryQuality::memoryBytes() const
{
    return sizeof(*this) + m_ring.capacity() * sizeof(Second);
}

QueryQuality::Second &QueryQuality::secondFor(std::int64_t second)
{
    // A wall clock stepped back counts under the latest second rather than erase newer ones.
    m_latestSecond = std::max(m_latestSecond, second);
    Second &s = m_ring[std::size_t(m_latestSecond % kSeconds)];
    if (s.second != m_latestSecond) {
        s = Second{};
        s.second = m_latestSecond;
    }
    return s;
}

void QueryQuality::countVersion(Second &s, Version version)
{
    for (VersionCount &v : s.versions) {
        if (v.replies == 0)
            v.version = version;
        if (v.version == version) {
            ++v.replies;
            return;
        }
    }
    ++s.untrackedVersions;
}

void QueryQuality::record(std::int64_t nowMs, int slot, int httpStatus, std::uint64_t micros, Version version)
{
    slot = slot >= 0 && slot < kProcedures ? slot : kOtherSlot;
    const std::size_t bucket = LatencyBuckets::indexOf(micros);
    const bool server = httpStatus >= 500;
    const bool client = httpStatus >= 400 && httpStatus < 500;
    std::lock_guard lock(m_mutex);
    ProcedureSecond &p = secondFor(secondOf(nowMs)).procedures[std::size_t(slot)];
    ++p.requests;
    p.serverErrors += server;
    p.clientErrors += client;
    ++p.latency[bucket];
    countVersion(m_ring[std::size_t(m_latestSecond % kSeconds)], version);
    Figures &total = m_sinceStart[std::size_t(slot)];
    ++total.requests;
    total.serverErrors += server;
    total.clientErrors += client;
    ++total.latency[bucket];
    total.latencySumUs += double(micros);
}

std::int64_t QueryQuality::keptFromMs(std::int64_t nowMs) const
{
    std::lock_guard lock(m_mutex);
    const std::int64_t newest = std::max(m_latestSecond, secondOf(nowMs));
    return std::max(m_startSecond, newest - kSeconds + 1) * 1000;
}

void QueryQuality::addSecond(const Second &s, Window &w)
{
    for (int i = 0; i < kProcedures; ++i) {
        const ProcedureSecond &p = s.procedures[std::size_t(i)];
        if (p.requests == 0)
            continue;
        Figures &f = w.byProcedure[std::size_t(i)];
        f.requests += p.requests;
        f.serverErrors += p.serverErrors;
        f.clientErrors += p.clientErrors;
        for (std::size_t b = 0; b < p.latency.size(); ++b)
            f.latency[b] += p.latency[b];
    }
    for (const VersionCount &v : s.versions) {
        if (v.replies)
            w.versions[v.version] += v.replies;
    }
    w.untrackedVersions += s.untrackedVersions;
}

QueryQuality::Window QueryQuality::window(std::int64_t fromMs, std::int64_t toMs, std::int64_t nowMs) const
{
    const std::int64_t keptFrom = secondOf(keptFromMs(nowMs));
    Window w;
    const std::int64_t first = std::max(secondOf(fromMs), keptFrom);
    w.coveredFromMs = first * 1000;
    std::lock_guard lock(m_mutex);
    const std::int64_t last = std::min(secondOf(toMs), m_latestSecond);
    for (std::int64_t second = first; second <= last; ++second) {
        const Second &s = m_ring[std::size_t(second % kSeconds)];
        if (s.second == second)
            addSecond(s, w);
    }
    for (const Figures &f : w.byProcedure)
        w.total.add(f);
    return w;
}

std::array<QueryQuality::Figures, QueryQuality::kProcedures> QueryQuality::sinceStart() const
{
    std::lock_guard lock(m_mutex);
    return m_sinceStart;
}

} // namespace shardscope
