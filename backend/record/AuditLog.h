#pragma once

#include "backend/types/CommandOutcome.h"
#include "backend/types/ServiceEvent.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>

#include <deque>
#include <map>
#include <mutex>

namespace shardscope {

// Who changed the service, how, and how it ended, as JSON lines appended to a file and
// kept in memory for /v1/service/audit. An accepted restart, stop or start writes a
// "started" line at once and its outcome line when it ends (in memory the outcome
// replaces the "started" entry); a refused command writes one "refused" line. Operation
// ids continue after the highest one in the file. Fed by the service's event stream;
// any thread may call it.
class AuditLog
{
public:
    // An empty path keeps entries in memory only.
    explicit AuditLog(QString path);
    ~AuditLog(); // writes the open refusal bursts

    static constexpr qint64 kEdgeBurstMs = 5000;
    static constexpr std::size_t kRecentEdge = 100;

    // Once, before the service starts (the thread that builds it): reads the file's tail
    // back (bounded), marks operations left "started" by an earlier process as
    // "interrupted" (unless another running service shares the file: they may be its
    // own), and opens the file for appending.
    bool open(QString *error);
    QString path() const { return m_path; }
    // The highest operation id found in the file or written since; 0 when none.
    std::uint64_t lastOperationId() const;

    // A command as requested; completed when its finishing event arrives. Returns the id
    // it was recorded under: `proposedId`, or the next free one when another service
    // appending to the same file has used it (ids stay unique in the file).
    std::uint64_t requested(std::uint64_t proposedId, const QString &command, const QString &client,
                            const QJsonObject &settings);
    // A command refused at once; the entry names the refusal ("busy", "stopped", ...).
    void refused(const QString &command, const QString &client, const QJsonObject &settings, Refusal refusal,
                 const QString &reason);
    // A command accepted and done at once (abort, fault): one "accepted" line.
    void accepted(const QString &command, const QString &client, const QJsonObject &settings, const QString &message);
    // A command the HTTP edge refused before the service saw it (401, 403, 400). Anyone
    // can cause these, so they are counted, not written one by one: the first refusal of a
    // kind is written at once ("count": 1), the further ones within kEdgeBurstMs of it
    // become one more line with their "count", "time" and "last_time" and a few
    // "clients". That line is written at the first audit write after the window, or when
    // the service stops; until then /v1/service/audit shows it with its running count. At
    // most kRecentEdge such entries are kept in memory: they never push the service's own
    // entries out.
    void refusedAtEdge(const QString &command, const QString &client, int httpStatus, const QString &reason);
    // Every service event passes here; the audit picks what it needs.
    void observe(const ServiceEvent &event);

    QJsonArray recent(std::size_t limit = 200) const;

private:
    struct Pending {
        QJsonObject entry;
        QJsonObject phases;   // "phase_ms": by name, for look-ups
        QJsonArray phaseRuns; // "phases": in the order they ran, rollback included
    };
    struct EdgeBurst {
        QJsonObject entry; // the line for the refusals after the first
        qint64 firstMs = 0;
        std::uint64_t count = 0; // after the first
        QJsonArray clients; // the first few distinct ones
    };
    // Under m_mutex: writes the bursts that are over (all of them with `all`).
    void closeEdgeBursts(qint64 nowMs, bool all);
    void remember(const QJsonObject &entry, bool replacesStarted);
    void write(const QJsonObject &entry, bool replacesStarted = false);
    void writeLocked(const QJsonObject &entry, bool replacesStarted);
    std::uint64_t idsWrittenByOthers(); // under m_mutex and the file lock
    bool sharedWithARunningService(QString *error);

    QString m_path;
    mutable std::mutex m_mutex;
    QFile m_file;
    QFile m_presence; // <path>.lock, held shared while this service runs
    qint64 m_scannedTo = 0; // bytes of the file read for other services' ids
    std::map<std::uint64_t, Pending> m_pending;
    std::deque<QJsonObject> m_recent;
    std::map<QString, EdgeBurst> m_bursts; // by refusal ("unauthorized", ...): a few at most
    std::uint64_t m_lastOperationId = 0;
    bool m_needsNewline = false; // the file ended in a torn line
};

} // namespace shardscope
