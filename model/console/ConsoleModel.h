#pragma once

#include "model/console/ServiceSummary.h"
#include "model/events/EventEntry.h"
#include "model/restart/RestartSettings.h"
#include "model/workload/WorkloadConfig.h"

#include <QObject>

#include <memory>
#include <vector>

namespace shardscope {

class BackendClient;
class EventFilterProxy;
class EventListModel;
class OperatorTools;
class QueuedLogSink;
class RestartTracker;
class ServiceHistory;
class ShardFilterProxy;
class ShardTableModel;
class SnapshotPump;
class StateTimeline;
class WorkloadDriver;
struct CommandResult;
struct ServiceEvent;
struct ServiceSnapshot;

// Everything the console's views read, fed once per frame by the SnapshotPump, plus the
// operator's commands. Views talk to this object and the models it owns, never to the
// service: this is the layer boundary of DESIGN.md.
class ConsoleModel : public QObject
{
    Q_OBJECT
public:
    explicit ConsoleModel(BackendClient &client, QObject *parent = nullptr);
    ~ConsoleModel() override;

    ShardTableModel &shards() { return *m_shards; }
    ShardFilterProxy &shardProxy() { return *m_shardProxy; }
    EventListModel &events() { return *m_events; }
    EventFilterProxy &eventProxy() { return *m_eventProxy; }
    RestartTracker &restart() { return *m_restart; }
    WorkloadDriver &workload() { return *m_workload; }
    SnapshotPump &pump() { return *m_pump; }
    OperatorTools &tools() { return *m_tools; }
    const ServiceHistory &history() const { return *m_history; }
    const StateTimeline &timeline() const { return *m_timeline; }
    const ServiceSummary &summary() const { return m_summary; }

    // The time of the newest snapshot (epoch ms): the console's "now", so views and
    // golden images depend on the service's clock only.
    qint64 nowMs() const { return m_nowMs; }
    quint64 inFlightTotal() const { return m_inFlightTotal; }
    QString endpoint() const;
    // Attached to a service in another process (--connect) rather than embedding one.
    bool isRemote() const;
    // The service as the window title names it: its URL when attached, else
    // "embedded, N shards".
    QString serviceLabel() const;

    // Selected shard by id; -1 for none.
    void setSelectedShard(int shardId);
    int selectedShard() const { return m_selectedShard; }
    int selectedRow() const;

    void setLogSink(std::shared_ptr<QueuedLogSink> sink) { m_logSink = std::move(sink); }

    RestartSettings restartDefaults() const;
    // Last restart settings the operator used (QSettings), or the service's defaults;
    // always phased (RestartSettings::load).
    RestartSettings rememberedRestartSettings() const;
    // Restart, stop and start are not sent while the service is not live: each then ends
    // at once in commandFinished(command, false, why).
    void requestRestart(const RestartSettings &settings);
    void abortRestart();
    void stopService();
    void startService();

    // One frame of input; called by the pump (and directly by tests).
    void applyFrame(const ServiceSnapshot &snapshot, const std::vector<ServiceEvent> &events);
    // One frame's rows for the event log: the service's events and the log lines, in time
    // order, without the log's repeat of a command's end.
    static std::vector<EventEntry> frameLogRows(const std::vector<ServiceEvent> &events, std::vector<EventEntry> lines);

Q_SIGNALS:
    void frame();            // after every applied frame
    void summaryChanged();
    void historySampled();
    void timelineChanged();
    void selectionChanged(int shardId);
    void commandFinished(const QString &command, bool ok, const QString &message);

private:
    void onCommandFinished(const QString &command, const CommandResult &result);
    void onConnectionChanged();
    bool refuseWhileNotLive(const QString &command);
    void logConsole(LogLevel level, const QString &text);

    BackendClient &m_client;
    ShardTableModel *m_shards;
    ShardFilterProxy *m_shardProxy;
    EventListModel *m_events;
    EventFilterProxy *m_eventProxy;
    RestartTracker *m_restart;
    WorkloadDriver *m_workload;
    SnapshotPump *m_pump;
    OperatorTools *m_tools;
    std::unique_ptr<ServiceHistory> m_history;
    std::unique_ptr<StateTimeline> m_timeline;
    std::shared_ptr<QueuedLogSink> m_logSink;
    ServiceSummary m_summary;
    qint64 m_nowMs = 0;
    quint64 m_inFlightTotal = 0;
    int m_selectedShard = -1;
    bool m_live = true;
    bool m_everLive = true;
    qint64 m_lostAtMs = 0;
    qint64 m_instanceStartMs = 0; // start time of the service instance last seen
};

} // namespace shardscope
