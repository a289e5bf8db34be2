#include "backend/record/AuditLog.h"

#include "backend/record/EventLog.h"
#include "backend/types/Clock.h"
#include "backend/wire/JsonCodec.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>

namespace shardscope {
namespace {
constexpr std::size_t kRecent = 1000;

QString isoNow()
{
    return QDateTime::fromMSecsSinceEpoch(nowEpochMs(), Qt::UTC).toString(Qt::ISODateWithMs);
}
} // namespace

AuditLog::AuditLog(QString path)
    : m_path(std::move(path))
{
}

bool AuditLog::open(QString *error)
{
    if (m_path.isEmpty())
        return true;
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    m_file.setFileName(m_path);
    if (!m_file.open(QIODevice::Append | QIODevice::Text)) {
        *error = QStringLiteral("cannot open the audit file %1: %2").arg(m_path, m_file.errorString());
        return false;
    }
    return true;
}

void AuditLog::requested(std::uint64_t operationId, const QString &command, const QString &client, const QJsonObject &settings)
{
    std::lock_guard lock(m_mutex);
    Pending &p = m_pending[operationId];
    p.entry = QJsonObject{{QStringLiteral("time"), isoNow()},
                          {QStringLiteral("command"), command},
                          {QStringLiteral("client"), client},
                          {QStringLiteral("operation_id"), double(operationId)},
                          {QStringLiteral("settings"), settings}};
}

void AuditLog::refused(const QString &command, const QString &client, const QJsonObject &settings, Refusal refusal, const QString &reason)
{
    write(QJsonObject{{QStringLiteral("time"), isoNow()},
                      {QStringLiteral("command"), command},
                      {QStringLiteral("client"), client},
                      {QStringLiteral("settings"), settings},
                      {QStringLiteral("outcome"), QStringLiteral("refused")},
                      {QStringLiteral("refusal"), QString::fromLatin1(toString(refusal).data())},
                      {QStringLiteral("message"), reason}});
}

void AuditLog::observe(const ServiceEvent &event)
{
    if (event.restartId == 0)
        return;
    QJsonObject finished;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_pending.find(event.restartId);
        if (it == m_pending.end())
            return;
        if (event.kind == EventKind::PhaseEnded) {
            it->second.phases.insert(qs(toString(event.phase)), double(event.durationMs));
            it->second.phaseRuns.append(QJsonObject{{QStringLiteral("phase"), qs(toString(event.phase))},
                                                    {QStringLiteral("ms"), double(event.durationMs)},
                                                    {QStringLiteral("outcome"), event.outcome}});
            return;
        }
        const bool ends = event.kind == EventKind::RestartFinished || event.kind == EventKind::ServiceStopped
                          || event.kind == EventKind::ServiceStarted;
        if (!ends)
            return;
        finished = it->second.entry;
        finished.insert(QStringLiteral("outcome"), event.outcome);
        finished.insert(QStringLiteral("duration_ms"), double(event.durationMs));
        finished.insert(QStringLiteral("version"), double(event.version));
        finished.insert(QStringLiteral("message"), event.message);
        finished.insert(QStringLiteral("phase_ms"), it->second.phases);
        finished.insert(QStringLiteral("phases"), it->second.phaseRuns);
        m_pending.erase(it);
    }
    write(finished);
}

void AuditLog::write(const QJsonObject &entry)
{
    std::lock_guard lock(m_mutex);
    m_recent.push_back(entry);
    if (m_recent.size() > kRecent)
        m_recent.pop_front();
    if (m_file.isOpen()) {
        m_file.write(QJsonDocument(entry).toJson(QJsonDocument::Compact) + '\n');
        m_file.flush();
    }
}

QJsonArray AuditLog::recent(std::size_t limit) const
{
    std::lock_guard lock(m_mutex);
    QJsonArray out;
    const std::size_t start = m_recent.size() > limit ? m_recent.size() - limit : 0;
    for (std::size_t i = start; i < m_recent.size(); ++i)
        out.append(m_recent[i]);
    return out;
}

} // namespace shardscope
