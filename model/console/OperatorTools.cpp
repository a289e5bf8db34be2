#include "model/console/OperatorTools.h"

#include "model/client/BackendClient.h"
#include "model/restart/RestartProgress.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>

#include <spdlog/spdlog.h>

namespace shardscope {

OperatorTools::OperatorTools(BackendClient &client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
    connect(&m_client, &BackendClient::connectionChanged, this, &OperatorTools::liveChanged);
    connect(&m_client, &BackendClient::auditReceived, this, [this](const QJsonArray &entries) {
        m_audit = auditRows(entries);
        Q_EMIT auditChanged();
    });
}

bool OperatorTools::live() const
{
    return m_client.connection().live;
}

qint64 OperatorTools::lastSeenMs() const
{
    return m_client.connection().lastSeenMs;
}

bool OperatorTools::polling() const
{
    return m_client.connection().polling;
}

QString OperatorTools::connectionDetail() const
{
    return m_client.connection().detail;
}

QString OperatorTools::notLiveReason() const
{
    const ConnectionStatus status = m_client.connection();
    if (status.live)
        return {};
    return QStringLiteral("the service at %1 is not live (%2)")
        .arg(m_client.endpoint(), status.detail.isEmpty() ? QStringLiteral("no data from it") : status.detail);
}

bool OperatorTools::faultsEnabled() const
{
    return m_client.faultsEnabled();
}

void OperatorTools::injectFault(const QString &kind, int shard, int ms)
{
    if (!live())
        return; // the Faults menu is disabled then, with the reason
    QJsonObject fault{{QStringLiteral("fault"), kind}};
    if (shard >= 0)
        fault.insert(QStringLiteral("shard"), shard);
    if (ms >= 0)
        fault.insert(QStringLiteral("ms"), ms);
    m_client.injectFault(fault);
}

void OperatorTools::probeShard(int shard)
{
    QueryRequest probe;
    probe.procedure = QStringLiteral("echo");
    probe.args = QJsonObject{{QStringLiteral("probe"), QStringLiteral("console")}};
    probe.pinnedShard = shard;
    QElapsedTimer timer;
    timer.start();
    spdlog::info("console: probe query sent to shard {}", shard);
    // The reply may come on any thread; spdlog's sink queues it for the event log.
    m_client.submitQuery(std::move(probe), [shard, timer](QueryReply reply) {
        const double ms = double(timer.nsecsElapsed()) / 1e6;
        if (reply.ok())
            spdlog::info("console: probe of shard {} answered by v{} in {:.1f} ms", shard, reply.version, ms);
        else
            spdlog::warn("console: probe of shard {} failed after {:.1f} ms: {}", shard, ms, reply.error.toStdString());
    });
}

void OperatorTools::refreshAudit()
{
    m_client.fetchAudit();
}

QList<AuditRow> OperatorTools::auditRows(const QJsonArray &entries)
{
    QList<AuditRow> rows;
    for (auto it = entries.end(); it != entries.begin();) {
        const QJsonObject e = (--it)->toObject(); // newest first
        AuditRow row;
        row.time = e.value(QStringLiteral("time")).toString();
        row.command = e.value(QStringLiteral("command")).toString();
        row.client = e.value(QStringLiteral("client")).toString();
        row.outcome = restartOutcomeWords(e.value(QStringLiteral("outcome")).toString());
        if (e.contains(QStringLiteral("duration_ms")))
            row.duration = QStringLiteral("%1 ms").arg(qint64(e.value(QStringLiteral("duration_ms")).toDouble()));
        QStringList detail;
        if (e.contains(QStringLiteral("refusal")))
            detail << QStringLiteral("refused: %1").arg(e.value(QStringLiteral("refusal")).toString().replace(u'_', u' '));
        if (!e.value(QStringLiteral("message")).toString().isEmpty())
            detail << e.value(QStringLiteral("message")).toString();
        // In the order the phases ran: "phase_ms" is an object, which JSON keeps sorted by name.
        QStringList phaseText;
        for (const QJsonValue &p : e.value(QStringLiteral("phases")).toArray()) {
            const QJsonObject phase = p.toObject();
            phaseText << QStringLiteral("%1 %2 ms").arg(phase.value(QStringLiteral("phase")).toString())
                             .arg(qint64(phase.value(QStringLiteral("ms")).toDouble()));
        }
        if (!phaseText.isEmpty())
            detail << phaseText.join(QStringLiteral(", "));
        const QJsonObject settings = e.value(QStringLiteral("settings")).toObject();
        if (!settings.isEmpty())
            detail << QString::fromUtf8(QJsonDocument(settings).toJson(QJsonDocument::Compact));
        row.detail = detail.join(QStringLiteral(" \u00b7 "));
        rows << row;
    }
    return rows;
}

} // namespace shardscope
