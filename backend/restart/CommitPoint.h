#pragma once

#include <QString>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

namespace shardscope {

// Where a split restart stops once every shard verified v+1 with the gate still closed
// (a cluster's lockstep restart): it resumes on v+1 only after commit(), and rolls every
// shard back to v after rollBack(). The first word wins, so a commit that comes after a
// rollback is refused.
// The deadline decides only before the node votes. A node that told the cluster
// "verified" (vote()) is uncertain: the coordinator may have committed a moment later,
// so from then on only a word that proves the outcome decides, never a timer, and the
// gate stays closed meanwhile (two-phase commit's blocking, chosen over v after v+1).
// Any thread may call every method; the restart waits on the coordinator thread.
class CommitPoint
{
public:
    using Clock = std::chrono::steady_clock;
    enum class Word { None, Commit, RollBack };

    // `wait`: how long after the gate closes the restart may wait for the word.
    explicit CommitPoint(std::chrono::milliseconds wait) : m_wait(wait) {}

    // True when this word is the restart's (the first one). `reason` says who rolled back
    // and why, as the restart's outcome will carry it.
    bool commit();
    bool rollBack(const QString &reason);
    // An operator's or a peer's rollback: refused once the node voted (false), since
    // the cluster may already have committed.
    bool rollBackUnlessVoted(const QString &reason);
    Word word() const;
    QString reason() const;
    // True once every shard verified v+1 and the restart waits for the word.
    bool reached() const;
    // The node's vote: true when the point is reached with no word yet. From then on the
    // deadline no longer rolls back.
    bool vote();
    bool voted() const;
    // Voted, no word, and past the deadline: the node does not know the outcome.
    bool uncertain() const;

    // --- the restart, on the coordinator thread ---
    // Starts the deadline (the gate just closed); `wake` interrupts a drain on a rollback.
    void armed(std::function<void()> wake);
    // Marks the point reached and waits for the word; at the deadline the word is a
    // rollback naming it.
    Word await();
    // The restart is over: a later word wakes nothing.
    void disarm();

private:
    bool decide(Word w, const QString &reason, bool unlessVoted = false);

    const std::chrono::milliseconds m_wait;
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    std::function<void()> m_wake;
    Clock::time_point m_deadline = Clock::time_point::max();
    Word m_word = Word::None;
    QString m_reason;
    bool m_reached = false;
    bool m_voted = false;
};

} // namespace shardscope
