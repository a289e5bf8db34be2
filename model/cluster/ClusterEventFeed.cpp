#include "model/cluster/ClusterEventFeed.h"

#include <algorithm>
#include <cstdlib>

namespace shardscope {
namespace {

bool sameChange(const ClusterEventRecord &a, const ClusterEventRecord &b)
{
    return a.kind == b.kind && a.node == b.node && a.restartId == b.restartId && a.message == b.message
        && std::abs(a.timeMs - b.timeMs) <= ClusterEventFeed::kOverlapMs;
}

} // namespace

std::uint64_t ClusterEventFeed::sinceFor(const QString &nodeUrl) const
{
    // One before the last taken: the page's first event proves the numbering is the same.
    return nodeUrl == m_url && !m_reread && m_seq > 0 ? m_seq - 1 : 0;
}

std::vector<ClusterEventFeed::Item> ClusterEventFeed::take(const QString &nodeUrl, const QString &nodeId, std::uint64_t since,
                                                           const ClusterEventPage &page, std::int64_t nowMs)
{
    if (since != sinceFor(nodeUrl))
        return {}; // asked before the place moved: the next round asks again
    // m_seq == 0: the log was empty when joined, so its first events still need joining.
    if (nodeUrl != m_url || m_reread || m_seq == 0)
        return join(nodeUrl, nodeId, page, nowMs);
    return follow(page, nowMs);
}

std::vector<ClusterEventFeed::Item> ClusterEventFeed::follow(const ClusterEventPage &page, std::int64_t nowMs)
{
    if (page.lastSeq < m_seq) {
        m_reread = true; // its numbering began again (the node restarted): read it whole
        return {};
    }
    std::vector<Item> out;
    auto it = page.events.begin();
    if (it != page.events.end() && it->seq == m_seq) {
        if (it->timeMs != m_seqTimeMs || it->kind != m_seqKind) {
            m_reread = true; // another event under our number: a new process
            return {};
        }
        ++it;
    } else if (it != page.events.end() && it->seq > m_seq + 1) {
        out.push_back(note(QStringLiteral("%1 events of %2 were not read: they left its log before this read (a node keeps its newest 1000)")
                               .arg(it->seq - m_seq - 1).arg(m_nodeId), nowMs));
    }
    for (; it != page.events.end(); ++it) {
        remember(*it);
        out.push_back({*it, m_nodeId, false});
    }
    anchor(page);
    return out;
}

std::vector<ClusterEventFeed::Item> ClusterEventFeed::join(const QString &nodeUrl, const QString &nodeId,
                                                           const ClusterEventPage &page, std::int64_t nowMs)
{
    std::vector<Item> out;
    if (!m_url.isEmpty() && nodeUrl != m_url)
        out.push_back(note(QStringLiteral("From here on: the cluster events as %1 saw them (was %2); what both saw is shown once")
                               .arg(nodeId, m_nodeId), nowMs));
    else if (m_reread)
        out.push_back(note(QStringLiteral("%1 restarted and numbers its events from 1 again: read from its start; what was shown already is not repeated")
                               .arg(nodeId), nowMs));
    if (nodeUrl != m_url || m_reread)
        ++m_log;
    m_url = nodeUrl;
    m_nodeId = nodeId;
    m_reread = false;
    m_seq = 0;
    // Before the place reached: that node's past, shown from the other log or older than it.
    const bool placed = m_newestMs > 0;
    const std::int64_t floor = m_newestMs - kOverlapMs;
    for (const ClusterEventRecord &e : page.events) {
        if ((placed && e.timeMs < floor) || seenElsewhere(e))
            continue;
        remember(e);
        out.push_back({e, nodeId, false});
    }
    anchor(page);
    return out;
}

bool ClusterEventFeed::seenElsewhere(const ClusterEventRecord &e)
{
    auto it = std::find_if(m_recent.begin(), m_recent.end(),
                           [&](const Shown &s) { return s.log != m_log && !s.matched && sameChange(s.event, e); });
    if (it == m_recent.end())
        return false;
    it->matched = true; // one copy per change: a change that happened twice shows twice
    return true;
}

void ClusterEventFeed::remember(const ClusterEventRecord &e)
{
    m_newestMs = std::max(m_newestMs, e.timeMs);
    m_recent.push_back({e, m_log, false});
    while (!m_recent.empty() && m_recent.front().event.timeMs < m_newestMs - 2 * kOverlapMs)
        m_recent.pop_front();
}

void ClusterEventFeed::anchor(const ClusterEventPage &page)
{
    if (page.events.empty())
        return;
    const ClusterEventRecord &last = page.events.back();
    m_seq = last.seq;
    m_seqTimeMs = last.timeMs;
    m_seqKind = last.kind;
}

ClusterEventFeed::Item ClusterEventFeed::note(const QString &text, std::int64_t nowMs) const
{
    ClusterEventRecord e;
    e.timeMs = nowMs;
    e.kind = QStringLiteral("console");
    e.message = text;
    return {e, QString(), true};
}

} // namespace shardscope
