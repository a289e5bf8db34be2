#pragma once

#include <QGroupBox>

class QLabel;
class QPushButton;

namespace shardscope {

class ConsoleModel;
class PhaseStepper;
struct RestartProgress;

// Restart All, Abort, the phase stepper with the current phase and elapsed time, and a
// summary once the restart finished (outcome, phase durations, failed requests).
class RestartPanel : public QGroupBox
{
    Q_OBJECT
public:
    explicit RestartPanel(ConsoleModel &model, QWidget *parent = nullptr);

    QPushButton *restartButton() const { return m_restart; }
    QPushButton *abortButton() const { return m_abort; }
    QString statusText() const;
    QString summaryText() const;
    // During a drain: the shards still waited on, worst first, each a link; else empty.
    QString waitingText() const;
    QLabel *waitingLabel() const { return m_waiting; }
    QLabel *statusLabel() const { return m_status; }
    // Shown after a drain timed out: the same restart again, forcing the drain.
    QPushButton *retryForceButton() const { return m_retryForce; }
    // Off: the stepper, drain blockers and summary only, no Restart/Abort/Retry (a cluster
    // member shown in the cluster window restarts with its cluster).
    void setCommandsOffered(bool offered);
    bool commandsOffered() const { return m_commands; }

Q_SIGNALS:
    void restartRequested(); // the window opens the settings + confirm dialog
    void selectShardRequested(int shard); // a shard named in the panel was clicked
    void retryWithForceRequested(); // the window opens the dialog with a forced drain chosen

private:
    void refresh();
    void showWaiting(const RestartProgress &progress);
    void setStatus(const QString &plain);

    ConsoleModel &m_model;
    QPushButton *m_restart;
    QPushButton *m_abort;
    PhaseStepper *m_stepper;
    QLabel *m_status;
    QString m_statusPlain; // m_status without its shard links
    QPushButton *m_retryForce;
    QLabel *m_summary;
    QLabel *m_waiting;
    bool m_commands = true;
};

} // namespace shardscope
