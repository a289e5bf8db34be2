#pragma once

#include "model/client/ClusterEventPage.h"

#include <QString>

#include <cstdint>
#include <deque>
#include <vector>

namespace shardscope {

// Which cluster events the console has not shown yet, read from one node's log at a time.
//
// The events are not cluster-wide records: each node logs what it saw (backend
// ClusterEvents), numbered from 1 in its own process and kept to its newest 1000. So a
// seq is a place in one node's log only:
// - From the same node, the next read asks from one before the last seq taken: the page
//   must start with that same event (seq, time and kind), else the node restarted and
//   its numbering began again. A page that starts later means events fell out of the
//   node's log before they were read: the console says how many.
// - When the console moves to another node (or the node restarted), its log is read from
//   the start and joined at the place reached: events older than the newest shown (less
//   kOverlapMs, the nodes' poll lag and clock skew) are that node's past and are skipped;
//   a newer event with the same kind, node, restart and message as one shown within
//   kOverlapMs is that same change seen by the other node, skipped once; the rest is new.
// A note row marks each change of log, so the operator sees whose log the rows come from.
class ClusterEventFeed
{
public:
    static constexpr std::int64_t kOverlapMs = 3000;

    struct Item {
        ClusterEventRecord event;
        QString seenBy;    // the node whose log it came from
        bool note = false; // the console's own line (a change of log, events missed)
    };

    // The `since` to ask `nodeUrl` for next.
    std::uint64_t sinceFor(const QString &nodeUrl) const;
    // The events of a page `nodeUrl` (node `nodeId`) answered for `since` that are new,
    // oldest first, with notes; nothing for a page asked before the place moved.
    std::vector<Item> take(const QString &nodeUrl, const QString &nodeId, std::uint64_t since,
                           const ClusterEventPage &page, std::int64_t nowMs);
    QString sourceNode() const { return m_nodeId; }

private:
    struct Shown {
        ClusterEventRecord event;
        int log = 0;          // which log it came from (m_log when it was read)
        bool matched = false; // a later log's copy of it was skipped already
    };
    std::vector<Item> follow(const ClusterEventPage &page, std::int64_t nowMs);
    std::vector<Item> join(const QString &nodeUrl, const QString &nodeId, const ClusterEventPage &page, std::int64_t nowMs);
    bool seenElsewhere(const ClusterEventRecord &e);
    void remember(const ClusterEventRecord &e);
    void anchor(const ClusterEventPage &page);
    Item note(const QString &text, std::int64_t nowMs) const;

    QString m_url;    // the node whose log is followed
    QString m_nodeId;
    std::uint64_t m_seq = 0;     // the last seq read from it, 0 before any
    std::int64_t m_seqTimeMs = 0; // that event's time and kind: the anchor
    QString m_seqKind;
    bool m_reread = false;       // it restarted: read its log from the start
    int m_log = 0;               // counts the logs read, one per change of node or restart
    std::int64_t m_newestMs = 0; // the newest event shown, 0 before any
    std::deque<Shown> m_recent;  // shown within 2 x kOverlapMs of the newest
};

} // namespace shardscope
