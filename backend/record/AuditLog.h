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

// Who changed the service, how, and how it ended: one JSON line per restart, stop and
// start (refused ones too), appended to a file and kept in memory for /v1/service/audit.
// Fed by the service's event stream; any thread may call it.
class AuditLog
{
public:
    // An empty path keeps entries in memory only.
    explicit AuditLog(QString path);

    // Once, before the service starts (the thread that builds it).
    bool open(QString *error);
    QString path() const { return m_path; }

    // A command as requested; completed when its finishing event arrives.
    void requested(std::uint64_t operationId, const QString &command, const QString &client, const QJsonObject &settings);
    // A command refused at once; the entry names the refusal ("busy", "stopped", ...).
    void refused(const QString &command, const QString &client, const QJsonObject &settings, Refusal refusal,
                 const QString &reason);
    // Every service event passes here; the audit picks what it needs.
    void observe(const ServiceEvent &event);

    QJsonArray recent(std::size_t limit = 200) const;

private:
    struct Pending {
        QJsonObject entry;
        QJsonObject phases;   // "phase_ms": by name, for look-ups
        QJsonArray phaseRuns; // "phases": in the order they ran, rollback included
    };
    void write(const QJsonObject &entry);

    QString m_path;
    mutable std::mutex m_mutex;
    QFile m_file;
    std::map<std::uint64_t, Pending> m_pending;
    std::deque<QJsonObject> m_recent;
};

} // namespace shardscope
