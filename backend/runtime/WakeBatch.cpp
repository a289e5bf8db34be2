#include "backend/runtime/WakeBatch.h"

#include <algorithm>

namespace shardscope {
namespace {
thread_local WakeBatch *t_current = nullptr;
} // namespace

WakeBatch::WakeBatch()
    : m_previous(t_current)
{
    t_current = this;
}

WakeBatch::~WakeBatch()
{
    flush();
    t_current = m_previous;
}

WakeBatch *WakeBatch::current()
{
    return t_current;
}

void WakeBatch::flush()
{
    if (m_pending.empty())
        return;
    std::sort(m_pending.begin(), m_pending.end());
    m_pending.erase(std::unique(m_pending.begin(), m_pending.end()), m_pending.end());
    for (WakeTarget *target : m_pending)
        target->wakeReader();
    m_pending.clear();
}

} // namespace shardscope
