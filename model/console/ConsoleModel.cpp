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

#include <QDateTime>

#include <algorithm>
#include <iterator>
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
    , m_summary(unseenSummary())
{
    qRegisterMetaType<CommandResult>();
    m_shardProxy->setSourceModel(m_shards);
    m_eventProxy->setSourceModel(m_events);
    connect(&m_client, &BackendClient::commandFinished, this, &ConsoleModel::onCommandFinished);
    m_live = m_everLive = m_client.connection().live;
    connect(&m_client, &BackendClient::connectionChanged, this, &ConsoleModel::onConnectionChanged);
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

bool ConsoleModel::isRemote() const
{
    return m_client.isRemote();
}

QString ConsoleModel::serviceLabel() const
{
    if (isRemote())
        return endpoint();
    return m_summary.shardCount > 0 ? QStringLiteral("embedded, %1 shards").arg(m_summary.shardCount)
                                    : QStringLiteral("embedded");
}

void ConsoleModel::logConsole(LogLevel level, const QString &text)
{
    std::vector<EventEntry> entry(1);
    entry[0].timeMs = QDateTime::currentMSecsSinceEpoch();
    entry[0].level = level;
    entry[0].source = QStringLiteral("console");
    entry[0].text = text;
    m_events->appendEntries(std::move(entry));
}

void ConsoleModel::onConnectionChanged()
{
    // The client signals every change of detail (a retry's countdown too): log edges only.
    const ConnectionStatus status = m_client.connection();
    if (status.live == m_live)
        return;
    m_live = status.live;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (!m_live) {
        m_lostAtMs = now;
        m_history->markGap();
        logConsole(LogLevel::Warning, QStringLiteral("Disconnected from %1: %2").arg(endpoint(), status.detail));
    } else if (!m_everLive) {
        logConsole(LogLevel::Info, QStringLiteral("Connected to %1").arg(endpoint()));
    } else {
        logConsole(LogLevel::Info, QStringLiteral("Reconnected to %1 after %2 s without it")
                                       .arg(endpoint(), QString::number((now - m_lostAtMs) / 1000.0, 'f', 1)));
    }
    m_everLive = m_everLive || m_live;
}

bool ConsoleModel::refuseWhileNotLive(const QString &command)
{
    const QString why = m_tools->notLiveReason();
    if (why.isEmpty())
        return false;
    spdlog::warn("console: {} not sent: {}", command.toStdString(), why.toStdString());
    Q_EMIT commandFinished(command, false, QStringLiteral("%1 not sent: %2").arg(command, why));
    return true;
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
    if (refuseWhileNotLive(QStringLiteral("restart")))
        return;
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
    if (refuseWhileNotLive(QStringLiteral("stop")))
        return;
    spdlog::info("console: stop service requested");
    m_client.stopService();
}

void ConsoleModel::startService()
{
    if (refuseWhileNotLive(QStringLiteral("start")))
        return;
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

namespace {
// The service logs each command's end as well as recording it as an event
// ("restart_finished #3 completed in ..."): the event says it once, in words.
bool repeatsAnEvent(const EventEntry &line)
{
    static const QLatin1String kEnds[] = {QLatin1String("restart_finished #"), QLatin1String("service_stopped #"),
                                          QLatin1String("service_started #")};
    return std::any_of(std::begin(kEnds), std::end(kEnds), [&](QLatin1String end) { return line.text.startsWith(end); });
}
} // namespace

std::vector<EventEntry> ConsoleModel::frameLogRows(const std::vector<ServiceEvent> &events, std::vector<EventEntry> lines)
{
    std::vector<EventEntry> rows;
    rows.reserve(events.size() + lines.size());
    for (const ServiceEvent &e : events)
        rows.push_back(EventListModel::toEntry(e));
    for (EventEntry &line : lines)
        if (!repeatsAnEvent(line))
            rows.push_back(std::move(line));
    // Events arrive by poll and log lines by sink: one frame's rows go in time order.
    std::stable_sort(rows.begin(), rows.end(), [](const EventEntry &a, const EventEntry &b) { return a.timeMs < b.timeMs; });
    return rows;
}

void ConsoleModel::applyFrame(const ServiceSnapshot &snapshot, const std::vector<ServiceEvent> &events)
{
    m_nowMs = snapshot.takenAtMs;
    if (snapshot.startTimeMs != 0) {
        if (m_instanceStartMs != 0 && snapshot.startTimeMs != m_instanceStartMs) {
            const auto clock = [](qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss")); };
            logConsole(LogLevel::Warning,
                       QStringLiteral("New service instance at %1: started %2 (the one before started %3); its "
                                      "versions, counters and events begin again")
                           .arg(serviceLabel(), clock(snapshot.startTimeMs), clock(m_instanceStartMs)));
            m_restart->instanceReplaced(snapshot.startTimeMs);
        }
        m_instanceStartMs = snapshot.startTimeMs;
    }
    const SkewReport skew = analyseSkew(snapshot.shards);
    m_shards->apply(snapshot, skew);
    if (WorkloadConfig c = m_workload->config(); c.shardCount != int(snapshot.shards.size())) {
        c.shardCount = int(snapshot.shards.size()); // where the scenario's pinned shards wrap
        m_workload->setConfig(c);
    }

    quint64 inFlight = 0;
    for (const ShardSnapshot &s : snapshot.shards)
        inFlight += s.inFlight;
    m_inFlightTotal = inFlight;

    std::vector<int> stalled;
    for (int r = 0; r < m_shards->rowCount(); ++r)
        if (const ShardRow *row = m_shards->row(r); row->stalled)
            stalled.push_back(row->id);
    ServiceSummary summary = summarise(snapshot, skew, stalled);
    if (!(summary == m_summary)) {
        m_summary = std::move(summary);
        Q_EMIT summaryChanged();
    }

    m_restart->setClientFailedTotal(m_workload->stats().failed());
    m_restart->applySnapshot(snapshot);
    m_restart->applyEvents(events);

    m_events->appendEntries(frameLogRows(events, m_logSink ? m_logSink->drain() : std::vector<EventEntry>{}));

    // The timeline keeps the states as the tiles draw them, stalled included.
    std::vector<int> shown;
    shown.reserve(std::size_t(m_shards->rowCount()));
    for (int r = 0; r < m_shards->rowCount(); ++r)
        shown.push_back(ShardTableModel::shownState(*m_shards->row(r)));
    if (m_timeline->applyStates(snapshot.takenAtMs, shown))
        Q_EMIT timelineChanged();
    if (m_history->maybeSample(snapshot))
        Q_EMIT historySampled();
    Q_EMIT frame();
}

} // namespace shardscope
