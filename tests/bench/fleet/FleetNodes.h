#pragma once
// The node side of bench_fleet: growing the fleet, asking it to restart, and reading back
// what each node itself says happened (its events, its readiness).

#include "tests/cluster/ClusterTestSupport.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <memory>
#include <vector>

namespace shardscope::bench {

using test::Nodes;

[[noreturn]] void die(const QString &why);
void progress(const char *what, int count);

// Starts nodes up to `count` all at once (one at a time takes minutes at 64), then waits
// for each to listen and for the cluster to form; dies if it does not within 120 s.
// `extra`: more node arguments.
void growTo(Nodes &nodes, const test::EtcdProcess &etcd, const QString &cluster, int count, int shards, int ttl,
            const QStringList &extra = {});

// utime + stime of a process in seconds (pid 0: this one), and summed over the nodes.
double processCpuSeconds(qint64 pid);
double nodesCpuSeconds(const Nodes &nodes);

// POST /v1/cluster/restart {strategy} (a busy etcd's 503 asked again for up to 30 s); the
// restart id, or empty with the message in *refusal when the cluster refuses it (400).
QString postRestart(const test::ClusterNodeProcess &node, const QString &strategy, QString *refusal = nullptr);
// The node's clock of its restart's end: its last shard_state event to serving on a version
// above `before` (0 when it has none).
std::int64_t servingAgainMs(const test::ClusterNodeProcess &node, quint64 before);
// Whether the node says every shard serves one version above `before` (its readiness body).
bool restartedPast(const test::ClusterNodeProcess &node, quint64 before);

} // namespace shardscope::bench
