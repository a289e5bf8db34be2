#include "backend/restart/CommitPoint.h"

namespace shardscope {

bool CommitPoint::commit()
{
    return decide(Word::Commit, {});
}

bool CommitPoint::rollBack(const QString &reason)
{
    return decide(Word::RollBack, reason);
}

bool CommitPoint::rollBackUnlessVoted(const QString &reason)
{
    return decide(Word::RollBack, reason, true);
}

bool CommitPoint::decide(Word w, const QString &reason, bool unlessVoted)
{
    std::function<void()> wake;
    {
        std::lock_guard lock(m_mutex);
        if (m_word != Word::None)
            return m_word == w;
        if (unlessVoted && m_voted)
            return false;
        m_word = w;
        m_reason = reason;
        wake = m_wake;
    }
    m_changed.notify_all();
    if (w == Word::RollBack && wake)
        wake(); // outside the lock: the drain's waiter reads word()
    return true;
}

CommitPoint::Word CommitPoint::word() const
{
    std::lock_guard lock(m_mutex);
    return m_word;
}

QString CommitPoint::reason() const
{
    std::lock_guard lock(m_mutex);
    return m_reason;
}

bool CommitPoint::reached() const
{
    std::lock_guard lock(m_mutex);
    return m_reached;
}

bool CommitPoint::vote()
{
    std::lock_guard lock(m_mutex);
    if (m_reached && m_word == Word::None)
        m_voted = true;
    return m_voted;
}

bool CommitPoint::voted() const
{
    std::lock_guard lock(m_mutex);
    return m_voted;
}

bool CommitPoint::uncertain() const
{
    std::lock_guard lock(m_mutex);
    return m_voted && m_word == Word::None && Clock::now() >= m_deadline;
}

void CommitPoint::armed(std::function<void()> wake)
{
    std::lock_guard lock(m_mutex);
    m_wake = std::move(wake);
    m_deadline = Clock::now() + m_wait;
}

void CommitPoint::disarm()
{
    std::lock_guard lock(m_mutex);
    m_wake = nullptr;
}

CommitPoint::Word CommitPoint::await()
{
    std::unique_lock lock(m_mutex);
    m_reached = true;
    const auto decided = [this] { return m_word != Word::None; };
    if (m_changed.wait_until(lock, m_deadline, decided))
        return m_word;
    if (!m_voted) {
        m_word = Word::RollBack;
        m_reason = QStringLiteral("no commit within %1 ms of the gate closing, before this node voted").arg(m_wait.count());
        return m_word;
    }
    m_changed.wait(lock, decided); // uncertain: only proof of the outcome ends this
    return m_word;
}

} // namespace shardscope
