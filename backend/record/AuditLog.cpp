#include "backend/record/AuditLog.h"

#include "backend/record/AuditTail.h"
#include "backend/record/EventLog.h"
#include "backend/types/Clock.h"
#include "backend/wire/JsonCodec.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>

#include <spdlog/spdlog.h>

#include <sys/file.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace shardscope {
namespace {
constexpr std::size_t kRecent = 1000;
constexpr qint64 kTailBytes = 4 * 1024 * 1024; // read back at start: ample for kRecent lines
// Text from the edge may come from anyone: bounded before it reaches the file.
constexpr qsizetype kMaxCommand = 32;
constexpr qsizetype kMaxClient = 64;
constexpr qsizetype kMaxReason = 512;

QString bounded(const QString &text, qsizetype max)
{
    return text.size() <= max ? text : text.left(max) + QStringLiteral("...");
}

QString edgeRefusal(int httpStatus)
{
    switch (httpStatus) {
    case 400: return QStringLiteral("bad_request");
    case 401: return QStringLiteral("unauthorized");
    case 403: return QStringLiteral("forbidden");
    case 413: return QStringLiteral("too_large");
    default: return QStringLiteral("http_%1").arg(httpStatus);
    }
}

bool isEdgeRefusal(const QJsonObject &entry)
{
    return entry.contains(QStringLiteral("http_status"));
}

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
    QString lockError;
    const bool shared = sharedWithARunningService(&lockError);
    if (!lockError.isEmpty()) {
        *error = lockError;
        return false;
    }
    AuditTail tail;
    if (!readAuditTail(m_path, kTailBytes, kRecent, &tail, error))
        return false;
    if (tail.unreadableLines > 0)
        spdlog::warn("audit file {}: {} unreadable lines near its end skipped", m_path.toStdString(), tail.unreadableLines);
    m_file.setFileName(m_path);
    if (!m_file.open(QIODevice::Append | QIODevice::Text)) {
        *error = QStringLiteral("cannot open the audit file %1: %2").arg(m_path, m_file.errorString());
        return false;
    }
    {
        std::lock_guard lock(m_mutex);
        m_recent.assign(tail.entries.begin(), tail.entries.end());
        m_lastOperationId = tail.lastOperationId;
        m_needsNewline = !tail.endsWithNewline;
        m_scannedTo = m_file.size();
    }
    if (shared) {
        spdlog::info("audit file {} is shared with another running service: its operations left started stay as they are",
                     m_path.toStdString());
        return true;
    }
    // Nothing can finish them now: say so rather than leave them "started" for ever.
    for (QJsonObject entry : tail.unfinished) {
        entry.insert(QStringLiteral("outcome"), QStringLiteral("interrupted"));
        entry.insert(QStringLiteral("message"),
                     QStringLiteral("no outcome was recorded: the service process that ran it ended first (found at %1)")
                         .arg(isoNow()));
        write(entry, true);
    }
    return true;
}

// Every service holds <path>.lock shared while it runs; whoever gets it exclusively at
// open is alone, so "started" entries in the file are orphans, not someone's running work.
bool AuditLog::sharedWithARunningService(QString *error)
{
    error->clear();
    m_presence.setFileName(m_path + QStringLiteral(".lock"));
    if (!m_presence.open(QIODevice::ReadWrite)) {
        *error = QStringLiteral("cannot open the audit lock file %1: %2").arg(m_presence.fileName(), m_presence.errorString());
        return false;
    }
    const int fd = m_presence.handle();
    const bool alone = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
    if (::flock(fd, LOCK_SH) != 0) {
        *error = QStringLiteral("cannot lock %1: %2").arg(m_presence.fileName(), QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    return !alone;
}

// Ids in lines other services appended since the last look (ours are rescanned, harmlessly).
std::uint64_t AuditLog::idsWrittenByOthers()
{
    const qint64 size = m_file.size();
    std::uint64_t highest = 0;
    QString error;
    if (size > m_scannedTo)
        scanOperations(m_path, m_scannedTo, &highest, nullptr, &error); // in blocks: others may have written much
    m_scannedTo = size;
    return highest;
}

std::uint64_t AuditLog::lastOperationId() const
{
    std::lock_guard lock(m_mutex);
    return m_lastOperationId;
}

std::uint64_t AuditLog::requested(std::uint64_t proposedId, const QString &command, const QString &client,
                                  const QJsonObject &settings)
{
    std::lock_guard lock(m_mutex);
    closeEdgeBursts(nowEpochMs(), false);
    // The file lock orders id choice and "started" line across services sharing the file.
    const bool locked = m_file.isOpen() && ::flock(m_file.handle(), LOCK_EX) == 0;
    const std::uint64_t taken = locked ? std::max(m_lastOperationId, idsWrittenByOthers()) : m_lastOperationId;
    const std::uint64_t id = std::max(proposedId, taken + 1);
    const QJsonObject entry{{QStringLiteral("time"), isoNow()},
                            {QStringLiteral("command"), command},
                            {QStringLiteral("client"), client},
                            {QStringLiteral("operation_id"), double(id)},
                            {QStringLiteral("settings"), settings}};
    m_pending[id].entry = entry;
    m_lastOperationId = id;
    // On disk before the command can run: a process killed mid-restart still leaves it.
    QJsonObject started = entry;
    started.insert(QStringLiteral("outcome"), QStringLiteral("started"));
    writeLocked(started, false);
    if (locked) {
        m_scannedTo = m_file.size();
        ::flock(m_file.handle(), LOCK_UN);
    }
    return id;
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

void AuditLog::accepted(const QString &command, const QString &client, const QJsonObject &settings, const QString &message)
{
    write(QJsonObject{{QStringLiteral("time"), isoNow()},
                      {QStringLiteral("command"), command},
                      {QStringLiteral("client"), client},
                      {QStringLiteral("settings"), settings},
                      {QStringLiteral("outcome"), QStringLiteral("accepted")},
                      {QStringLiteral("message"), message}});
}

void AuditLog::refusedAtEdge(const QString &command, const QString &client, int httpStatus, const QString &reason)
{
    const qint64 now = nowEpochMs();
    std::lock_guard lock(m_mutex);
    closeEdgeBursts(now, false);
    const QString refusal = edgeRefusal(httpStatus);
    const QString who = bounded(client, kMaxClient);
    QJsonObject entry{{QStringLiteral("time"), isoNow()},
                      {QStringLiteral("command"), bounded(command, kMaxCommand)},
                      {QStringLiteral("client"), who},
                      {QStringLiteral("outcome"), QStringLiteral("refused")},
                      {QStringLiteral("refusal"), refusal},
                      {QStringLiteral("http_status"), httpStatus},
                      {QStringLiteral("message"), bounded(reason, kMaxReason)},
                      {QStringLiteral("count"), 1}};
    const auto open = m_bursts.find(refusal);
    if (open == m_bursts.end()) {
        // The first of a burst is written at once; the rest are counted into one line.
        m_bursts[refusal].firstMs = now;
        writeLocked(entry, false);
        return;
    }
    EdgeBurst &burst = open->second;
    if (burst.count == 0)
        burst.entry = entry;
    ++burst.count;
    if (burst.clients.size() < 4 && !burst.clients.contains(who))
        burst.clients.append(who);
    burst.entry.insert(QStringLiteral("count"), double(burst.count));
    burst.entry.insert(QStringLiteral("last_time"), isoNow());
    burst.entry.insert(QStringLiteral("clients"), burst.clients);
    burst.entry.insert(QStringLiteral("message"),
                       QStringLiteral("%1 more refused (%2) after the first, within %3 s; the last: %4")
                           .arg(burst.count).arg(refusal).arg(kEdgeBurstMs / 1000).arg(bounded(reason, kMaxReason)));
}

void AuditLog::closeEdgeBursts(qint64 nowMs, bool all)
{
    for (auto it = m_bursts.begin(); it != m_bursts.end();) {
        if (!all && nowMs - it->second.firstMs < kEdgeBurstMs) {
            ++it;
            continue;
        }
        if (it->second.count > 0)
            writeLocked(it->second.entry, false);
        it = m_bursts.erase(it);
    }
}

AuditLog::~AuditLog()
{
    std::lock_guard lock(m_mutex);
    closeEdgeBursts(0, true);
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
    write(finished, true);
}

void AuditLog::write(const QJsonObject &entry, bool replacesStarted)
{
    std::lock_guard lock(m_mutex);
    closeEdgeBursts(nowEpochMs(), false);
    writeLocked(entry, replacesStarted);
}

void AuditLog::remember(const QJsonObject &entry, bool replacesStarted)
{
    const std::uint64_t id = replacesStarted ? operationIdOf(entry) : 0;
    auto it = std::find_if(m_recent.rbegin(), m_recent.rend(), [id](const QJsonObject &e) { return id && operationIdOf(e) == id; });
    if (it != m_recent.rend()) {
        *it = entry;
        return;
    }
    if (isEdgeRefusal(entry)
        && std::size_t(std::count_if(m_recent.begin(), m_recent.end(), isEdgeRefusal)) >= kRecentEdge)
        m_recent.erase(std::find_if(m_recent.begin(), m_recent.end(), isEdgeRefusal));
    m_recent.push_back(entry);
    if (m_recent.size() > kRecent)
        m_recent.pop_front();
}

void AuditLog::writeLocked(const QJsonObject &entry, bool replacesStarted)
{
    remember(entry, replacesStarted);
    if (m_file.isOpen()) {
        QByteArray line = QJsonDocument(entry).toJson(QJsonDocument::Compact) + '\n';
        if (std::exchange(m_needsNewline, false))
            line.prepend('\n');
        // One write per line, flushed: a killed process leaves whole lines behind.
        m_file.write(line);
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
    for (const auto &[refusal, burst] : m_bursts) { // still counting: shown, not yet written
        if (burst.count > 0)
            out.append(burst.entry);
    }
    return out;
}

} // namespace shardscope
