#pragma once

#include "backend/types/ShardTypes.h"

#include <QString>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace shardscope {

// Per-thread buffers for Graph::khop(). Each shard owns one and reuses it for every
// query, so khop allocates nothing in the steady state and shares nothing between threads.
// One scratch may serve graphs of different sizes (e.g. across a restart): khop resizes it.
struct KhopScratch {
    // visited[u] == epoch means u was reached by the current query. Bumping the epoch
    // "clears" the array in O(1); it is only really cleared when the epoch wraps.
    std::vector<std::uint32_t> visited;
    std::uint32_t epoch = 0;
    std::vector<std::uint32_t> frontier;
    std::vector<std::uint32_t> next;
};

// An immutable directed graph in CSR form (offsets + targets). All members are const
// after construction, so one instance is read by all shards of a service version at once.
class Graph
{
public:
    // Ids above this are rejected by loadEdgeList: a typo such as "17 4000000000" would
    // otherwise make every shard allocate gigabytes of offsets and visited stamps.
    static constexpr std::uint32_t kMaxVertexId = 50'000'000;

    // Deterministic: the same (vertices, seed) gives the same graph on every platform
    // (own PRNG, no std distributions). Out-degrees follow a capped Pareto law with mean
    // about 8, so a few hubs have degrees in the hundreds or thousands; a share of edges
    // point at low ids, which makes those vertices in-degree hubs as well.
    // No self-loops, no parallel edges; neighbor lists are sorted.
    static std::shared_ptr<const Graph> generate(std::uint32_t vertices = 100000, std::uint64_t seed = 42);

    // Edge-list file: one "src dst" pair of non-negative integers a line; blank lines and
    // lines starting with '#' are skipped; vertex count = max id + 1. Edges are kept as
    // written (self-loops and duplicates included), in file order per source vertex.
    // On error returns nullptr and sets *error (if non-null) to "path:line: message",
    // or "path: message" when no single line is at fault (unreadable file, no edges).
    static std::shared_ptr<const Graph> loadEdgeList(const QString &path, QString *error);

    std::uint32_t vertexCount() const { return m_vertexCount; }
    std::uint64_t edgeCount() const { return m_targets.size(); }
    // "generated(100000, seed 42)" or the file path.
    QString source() const { return m_source; }

    // Out-degree. Precondition: v < vertexCount().
    std::uint32_t degree(std::uint32_t v) const;
    // Out-neighbors. Precondition: v < vertexCount().
    std::span<const std::uint32_t> neighbors(std::uint32_t v) const;

    // Number of distinct vertices reachable from v in 1..k hops, excluding v itself.
    // k == 0 gives 0. Precondition: v < vertexCount().
    std::uint64_t khop(std::uint32_t v, std::uint32_t k, KhopScratch &scratch) const;

private:
    Graph(std::uint32_t vertexCount, std::vector<std::uint64_t> offsets, std::vector<std::uint32_t> targets,
          QString source);

    std::uint32_t m_vertexCount = 0;
    std::vector<std::uint64_t> m_offsets; // size m_vertexCount + 1; neighbors of v: [offsets[v], offsets[v+1])
    std::vector<std::uint32_t> m_targets;
    QString m_source;
};

// Loads the graph a version serves; nullptr and *error on failure.
using GraphLoader = std::function<std::shared_ptr<const Graph>(Version version, QString *error)>;

} // namespace shardscope
