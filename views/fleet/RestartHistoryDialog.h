#pragma once

#include <QDialog>
#include <QJsonObject>

#include <memory>

class QLabel;
class QPushButton;
class QSlider;
class QTableView;
class QTimer;
class QVBoxLayout;

namespace shardscope {

class ClusterClient;
class FleetView;
class RestartHistoryModel;
class RestartReplay;

// The cluster's restart history: the runs etcd keeps (id, when, strategy, who, outcome in
// the colour of its meaning, reason) and, for the one selected, a replay of its journal in
// the fleet view: each node's step and version at the time the slider points to, from
// started to ended, stepped through with Play. Fetched through `client` when one is given
// (refresh() asks again); tests feed setRuns() and setJournal() directly.
class RestartHistoryDialog : public QDialog
{
    Q_OBJECT
public:
    explicit RestartHistoryDialog(ClusterClient *client, QWidget *parent = nullptr);
    ~RestartHistoryDialog() override;

    void refresh();
    void setRuns(const QJsonObject &list);
    // Replays `journal` (GET /v1/cluster/history?id=...) from its start.
    void setJournal(const QJsonObject &journal);
    // Moves the replay to `tMs` (epoch ms, clamped to the run); the slider follows.
    void setReplayTimeMs(qint64 tMs);

    QTableView *runsView() const { return m_runs; }
    RestartHistoryModel *runsModel() const { return m_model; }
    RestartReplay *replay() const { return m_replay.get(); }
    FleetView *fleetView() const { return m_fleet; }
    QSlider *slider() const { return m_slider; }
    QPushButton *playButton() const { return m_play; }
    QString timeText() const;
    QString statusText() const;
    // The selected run's line: id, strategy, target, who, outcome, reason, each node's gate.
    QString runText() const;

private:
    void selectRun(const QString &id);
    void showTime();
    void togglePlay();

    ClusterClient *m_client;
    RestartHistoryModel *m_model;
    QTableView *m_runs;
    QLabel *m_status;
    QLabel *m_runLine;
    std::unique_ptr<RestartReplay> m_replay;
    FleetView *m_fleet = nullptr;
    QVBoxLayout *m_replayBox;
    QSlider *m_slider;
    QPushButton *m_play;
    QLabel *m_time;
    QTimer *m_player;
    QString m_wanted; // the run whose journal was asked for
};

} // namespace shardscope
