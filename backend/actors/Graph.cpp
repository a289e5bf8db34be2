#include "backend/actors/Graph.h"

#include <QFile>
#include <QFileInfo>
#include <QtGlobal>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

namespace shardscope {
namespace {

// SplitMix64: tiny, fast and fully specified, so generate() gives the same graph with any
// compiler and standard library (std::*_distribution results are implementation-defined).
class SplitMix64
{
public:
    explicit SplitMix64(std::uint64_t seed) : m_state(seed) {}

    std::uint64_t next()
    {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    // Uniform in [0, 1).
    double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    // Uniform in [0, n), n > 0 (multiply-shift; the bias is far below anything we measure).
    std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(((next() >> 32) * n) >> 32); }

private:
    std::uint64_t m_state;
};

// Pareto(x_m = 4.25, alpha = 2) floored has mean about 8; alpha = 2 gives the heavy tail
// (a couple of vertices past 1000 out of 100k) that makes khop from a hub expensive.
constexpr double kParetoScale = 4.25;
constexpr std::uint32_t kMaxGeneratedDegree = 5000;
// Share of edges aimed at low ids (density u^3), which turns those into in-degree hubs.
constexpr double kHubEdgeShare = 0.25;

// One edge-list line: fills src/dst, or returns an error message without the "path:line: " prefix.
enum class LineKind { Skip, Edge, Error };

bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

QString quoted(const char *begin, const char *end)
{
    // Bound the echo so a binary file does not produce a megabyte error message.
    constexpr std::ptrdiff_t kMaxEcho = 40;
    while (end > begin && isBlank(end[-1]))
        --end;
    const bool cut = end - begin > kMaxEcho;
    const QString text = QString::fromUtf8(begin, cut ? kMaxEcho : end - begin);
    return u'"' + text + (cut ? QStringLiteral("...\"") : QStringLiteral("\""));
}

LineKind parseLine(const char *begin, const char *end, std::uint32_t &src, std::uint32_t &dst, QString &error)
{
    const char *p = begin;
    auto skipBlanks = [&] {
        while (p < end && isBlank(*p))
            ++p;
    };
    // Reads one id; stops accumulating past the limit so a 30-digit id cannot overflow.
    auto readId = [&](std::uint32_t &out) -> bool {
        if (p < end && *p == '-') {
            error = QStringLiteral("vertex ids must be non-negative integers, got ") + quoted(begin, end);
            return false;
        }
        if (p >= end || *p < '0' || *p > '9') {
            error = QStringLiteral("expected two vertex ids, got ") + quoted(begin, end);
            return false;
        }
        const char *start = p;
        std::uint64_t value = 0;
        for (; p < end && *p >= '0' && *p <= '9'; ++p) {
            if (value <= Graph::kMaxVertexId)
                value = value * 10 + static_cast<std::uint64_t>(*p - '0');
        }
        if (p < end && !isBlank(*p) && *p != '#') {
            error = QStringLiteral("expected two vertex ids, got ") + quoted(begin, end);
            return false;
        }
        if (value > Graph::kMaxVertexId) {
            error = QStringLiteral("vertex id ") + quoted(start, p) + QStringLiteral(" exceeds the limit of ")
                + QString::number(Graph::kMaxVertexId);
            return false;
        }
        out = static_cast<std::uint32_t>(value);
        return true;
    };

    skipBlanks();
    if (p == end || *p == '#')
        return LineKind::Skip;
    if (!readId(src))
        return LineKind::Error;
    skipBlanks();
    if (!readId(dst))
        return LineKind::Error;
    skipBlanks();
    // A trailing "# comment" is harmless; anything else (a third id, a weight) is not.
    if (p != end && *p != '#') {
        error = QStringLiteral("expected two vertex ids, got ") + quoted(begin, end);
        return LineKind::Error;
    }
    return LineKind::Edge;
}

} // namespace

Graph::Graph(std::uint32_t vertexCount, std::vector<std::uint64_t> offsets, std::vector<std::uint32_t> targets,
             QString source)
    : m_vertexCount(vertexCount)
    , m_offsets(std::move(offsets))
    , m_targets(std::move(targets))
    , m_source(std::move(source))
{
    Q_ASSERT(m_offsets.size() == std::size_t(m_vertexCount) + 1);
    Q_ASSERT(m_offsets.back() == m_targets.size());
}

std::shared_ptr<const Graph> Graph::generate(std::uint32_t vertices, std::uint64_t seed)
{
    SplitMix64 rng(seed);
    std::vector<std::uint64_t> offsets(std::size_t(vertices) + 1, 0);
    std::vector<std::uint32_t> targets;
    targets.reserve(std::size_t(vertices) * 9);
    const std::uint32_t maxDegree = vertices == 0 ? 0 : std::min(vertices - 1, kMaxGeneratedDegree);

    std::vector<std::uint32_t> row;
    for (std::uint32_t v = 0; v < vertices; ++v) {
        // 1 - unit() is in (0, 1], so the square root is never zero.
        const double draw = kParetoScale / std::sqrt(1.0 - rng.unit());
        const auto wanted = static_cast<std::uint32_t>(std::min(draw, double(maxDegree)));
        row.clear();
        for (std::uint32_t i = 0; i < wanted; ++i) {
            std::uint32_t dst;
            if (rng.unit() < kHubEdgeShare) {
                const double u = rng.unit();
                // min(): rounding can land exactly on `vertices` when u is just below 1.
                dst = std::min(static_cast<std::uint32_t>(double(vertices) * (u * u * u)), vertices - 1);
            } else {
                dst = rng.below(vertices);
            }
            if (dst == v)
                dst = (dst + 1) % vertices;
            row.push_back(dst);
        }
        std::sort(row.begin(), row.end());
        row.erase(std::unique(row.begin(), row.end()), row.end());
        targets.insert(targets.end(), row.begin(), row.end());
        offsets[std::size_t(v) + 1] = targets.size();
    }
    targets.shrink_to_fit();

    QString source = QStringLiteral("generated(%1, seed %2)").arg(vertices).arg(seed);
    return std::shared_ptr<const Graph>(new Graph(vertices, std::move(offsets), std::move(targets), std::move(source)));
}

std::shared_ptr<const Graph> Graph::loadEdgeList(const QString &path, QString *error)
{
    auto fail = [&](const QString &message) -> std::shared_ptr<const Graph> {
        if (error)
            *error = message;
        return nullptr;
    };

    if (QFileInfo(path).isDir())
        return fail(path + QStringLiteral(": is a directory, expected an edge-list file"));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(path + QStringLiteral(": cannot open edge-list file: ") + file.errorString());
    // One read and a hand-written scanner: QTextStream or per-line QString would make
    // a million-edge file take seconds instead of tens of milliseconds.
    const QByteArray data = file.readAll();
    if (file.error() != QFileDevice::NoError)
        return fail(path + QStringLiteral(": cannot read edge-list file: ") + file.errorString());

    std::vector<std::uint32_t> sources;
    std::vector<std::uint32_t> dests;
    // "1234 5678\n" is about 10 bytes; over-reserving a little is cheaper than regrowing.
    sources.reserve(std::size_t(data.size()) / 8);
    dests.reserve(std::size_t(data.size()) / 8);
    std::uint32_t maxId = 0;

    const char *p = data.constData();
    const char *const end = p + data.size();
    qint64 lineNumber = 0;
    QString lineError;
    while (p < end) {
        ++lineNumber;
        const auto *nl = static_cast<const char *>(std::memchr(p, '\n', std::size_t(end - p)));
        const char *eol = nl ? nl : end;
        std::uint32_t src = 0;
        std::uint32_t dst = 0;
        switch (parseLine(p, eol, src, dst, lineError)) {
        case LineKind::Skip:
            break;
        case LineKind::Error:
            return fail(path + u':' + QString::number(lineNumber) + QStringLiteral(": ") + lineError);
        case LineKind::Edge:
            sources.push_back(src);
            dests.push_back(dst);
            maxId = std::max({maxId, src, dst});
            break;
        }
        p = eol + 1;
    }
    if (sources.empty())
        return fail(path + QStringLiteral(": no edges (the file is empty or has only blank and comment lines)"));

    // Counting sort into CSR; stable, so each vertex keeps its edges in file order.
    const std::uint32_t vertexCount = maxId + 1;
    std::vector<std::uint64_t> offsets(std::size_t(vertexCount) + 1, 0);
    for (std::uint32_t s : sources)
        ++offsets[std::size_t(s) + 1];
    for (std::size_t v = 0; v < vertexCount; ++v)
        offsets[v + 1] += offsets[v];
    std::vector<std::uint32_t> targets(sources.size());
    std::vector<std::uint64_t> cursor(offsets.begin(), offsets.end() - 1);
    for (std::size_t i = 0; i < sources.size(); ++i)
        targets[cursor[sources[i]]++] = dests[i];

    return std::shared_ptr<const Graph>(new Graph(vertexCount, std::move(offsets), std::move(targets), path));
}

std::uint32_t Graph::degree(std::uint32_t v) const
{
    Q_ASSERT(v < m_vertexCount);
    return static_cast<std::uint32_t>(m_offsets[v + 1] - m_offsets[v]);
}

std::span<const std::uint32_t> Graph::neighbors(std::uint32_t v) const
{
    Q_ASSERT(v < m_vertexCount);
    return {m_targets.data() + m_offsets[v], m_targets.data() + m_offsets[std::size_t(v) + 1]};
}

std::uint64_t Graph::khop(std::uint32_t v, std::uint32_t k, KhopScratch &scratch) const
{
    Q_ASSERT(v < m_vertexCount);
    if (k == 0)
        return 0;
    // Keeps older stamps: they are all <= epoch, so they never read as "visited now".
    if (scratch.visited.size() != m_vertexCount)
        scratch.visited.resize(m_vertexCount, 0);
    if (++scratch.epoch == 0) {
        // Wrapped after 4 billion queries: stale stamps could now collide, so clear once.
        std::fill(scratch.visited.begin(), scratch.visited.end(), 0);
        scratch.epoch = 1;
    }
    const std::uint32_t epoch = scratch.epoch;
    std::uint32_t *visited = scratch.visited.data();
    auto &frontier = scratch.frontier;
    auto &next = scratch.next;

    visited[v] = epoch;
    frontier.clear();
    frontier.push_back(v);
    std::uint64_t count = 0;
    for (std::uint32_t hop = 1; hop <= k && !frontier.empty(); ++hop) {
        next.clear();
        const bool last = hop == k;
        for (std::uint32_t u : frontier) {
            for (std::uint32_t w : neighbors(u)) {
                if (visited[w] == epoch)
                    continue;
                visited[w] = epoch;
                ++count;
                if (!last) // the last level is only counted, never expanded
                    next.push_back(w);
            }
        }
        frontier.swap(next);
    }
    return count;
}

} // namespace shardscope
