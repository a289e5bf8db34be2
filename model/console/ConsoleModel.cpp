#include "model/console/ConsoleModel.h"

#include "model/client/BackendClient.h"
#include "model/console/OperatorTools.h"
#include "model/console/SnapshotPump.h"
#include "model/events/EventFilterProxy.h"
#include "model/events/EventListModel.h"
#include "model/events/QueuedLogSink.h"
#include "model/history/ServiceHistory.h"
#include "model/history/StateTimeline.h"
#include "model/restart/RestartTracker.h"
#include "model/shards/ShardFilterProxy.h"
#include "model/shards/ShardTableModel.h"
#include "model/shards/SkewAnalysis.h"
#include "model/workload/WorkloadDriver.h"

#include <QSettings>

#include <spdlog/spdlog.h>

namespace shardscope {

ConsoleModel::ConsoleModel(BackendClient &client, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_shards(new ShardTableModel(this))
    , m_shardProxy(new ShardFilterProxy(this))
    , m_events(new EventListModel(20000, this))
    , m_eventProxy(new EventFilterProxy(this))
    , m_restart(new RestartTracker(this))
    , m_workload(new WorkloadDriver(client, this))
    , m_pump(new SnapshotPump(
          client, [this](const ServiceSnapshot &snapshot, const std::vector<ServiceEvent> &events) { applyFrame(snapshot, events); },
          this))
    , m_tools(new OperatorTools(client, this))
    , m_history(std::make_unique<ServiceHistory>())
    , m_timeline(std::make_unique<StateTimeline>())
{
    qRegisterMetaType<CommandResult>();
    m_shardProxy->setSourceModel(m_shards);
    m_eventProxy->setSourceModel(m_events);
    connect(&m_client, &BackendClient::commandFinished, this, &ConsoleModel::onCommandFinished);
}

ConsoleModel::~ConsoleModel() = default;

QString ConsoleModel::endpoint() const
{
    return m_client.endpoint();
}

void ConsoleModel::setSelectedShard(int shardId)
{
    if (shardId == m_selectedShard)
        return;
    m_selectedShard = shardId;
    Q_EMIT selectionChanged(shardId);
}

int ConsoleModel::selectedRow() const
{
    return m_selectedShard < 0 ? -1 : m_shards->rowOfShard(m_selectedShard);
}

RestartSettings ConsoleModel::restartDefaults() const
{
    return RestartSettings::fromOptions(m_client.restartDefaults());
}

RestartSettings ConsoleModel::rememberedRestartSettings() const
{
    QSettings settings;
    return RestartSettings::load(settings, restartDefaults());
}

void ConsoleModel::requestRestart(const RestartSettings &settings)
{
    QSettings q;
    settings.save(q);
    m_restart->setRequestedMode(settings.modeName());
    spdlog::info("console: restart all requested (mode {}, admission {}, drain policy {}, drain timeout {} ms)",
                 settings.modeName().toStdString(), settings.admissionName().toStdString(),
                 settings.drainPolicyName().toStdString(), settings.drainTimeoutMs);
    m_client.requestRestart(settings.toOptions(m_client.restartDefaults()));
}

void ConsoleModel::abortRestart()
{
    spdlog::info("console: abort restart requested");
    m_client.abortRestart();
}

void ConsoleModel::stopService()
{
    spdlog::info("console: stop service requested");
    m_client.stopService();
}

void ConsoleModel::startService()
{
    spdlog::info("console: start service requested");
    m_client.startService();
}

void ConsoleModel::onCommandFinished(const QString &command, const CommandResult &result)
{
    // The HTTP status only when there was one: an embedded service answers without HTTP.
    const QString http = result.httpStatus ? QStringLiteral(" (HTTP %1)").arg(result.httpStatus) : QString();
    QString message = result.ok ? QStringLiteral("%1 accepted%2").arg(command, http)
                                : QStringLiteral("%1 refused%2: %3").arg(command, http, result.error);
    if (result.ok && result.restartId != 0)
        message += QStringLiteral(", restart %1").arg(result.restartId);
    if (result.ok)
        spdlog::info("console: {}", message.toStdString());
    else
        spdlog::warn("console: {}", message.toStdString());
    Q_EMIT commandFinished(command, result.ok, message);
}

void ConsoleModel::applyFrame(const ServiceSnapshot &snapshot, const std::vector<ServiceEvent> &events)
{
    m_nowMs = snapshot.takenAtMs;
    const SkewReport skew = analyseSkew(snapshot.shards);
    m_shards->apply(snapshot, skew);

    quint64 inFlight = 0;
    for (const ShardSnapshot &s : snapshot.shards)
        inFlight += s.inFlight;
    m_inFlightTotal = inFlight;

    ServiceSummary summary = summarise(snapshot, skew);
    if (!(summary == m_summary)) {
        m_summary = std::move(summary);
        Q_EMIT summaryChanged();
    }

    m_restart->setClientFailedTotal(m_workload->stats().failed());
    m_restart->applySnapshot(snapshot);
    m_restart->applyEvents(events);

    m_events->appendServiceEvents(events);
    if (m_logSink)
        m_events->appendEntries(m_logSink->drain());

    if (m_timeline->apply(snapshot))
        Q_EMIT timelineChanged();
    if (m_history->maybeSample(snapshot))
        Q_EMIT historySampled();
    Q_EMIT frame();
}

} // namespace shardscope
