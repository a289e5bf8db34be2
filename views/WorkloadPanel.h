#pragma once

#include "model/workload/WorkloadConfig.h"

#include <QGroupBox>

#include <array>

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace shardscope {

class ConsoleModel;

// The built-in client load, clearly labelled as such: start/stop, rate, clients, the
// procedure mix (including the long spin and sleep) and its counters by reply code.
// Attached to a remote service it is off until started, under a warning that it loads
// that service.
class WorkloadPanel : public QGroupBox
{
    Q_OBJECT
public:
    explicit WorkloadPanel(ConsoleModel &model, QWidget *parent = nullptr);

    QPushButton *toggleButton() const { return m_toggle; }
    QComboBox *scenarioBox() const { return m_scenario; }
    QString scenarioText() const;
    // "Workload: hot and slow shards, running": for the tab that holds the panel.
    QString shortTitle() const;

Q_SIGNALS:
    void shortTitleChanged();

public:
    QString countersText() const;
    QString warningText() const;
    bool warningVisible() const;

protected:
    void changeEvent(QEvent *event) override; // the warning's red follows the theme

private:
    void styleWarning();
    void pushConfig();
    void refreshCounters();
    void refreshRunning(bool running);

    ConsoleModel &m_model;
    QLabel *m_warning;
    QPushButton *m_toggle;
    QComboBox *m_scenario;
    QLabel *m_scenarioText; // what the chosen scenario does, in a sentence or two
    QPushButton *m_mixToggle; // the mix and durations are folded away until asked for
    QWidget *m_mix;
    QSpinBox *m_rate;
    QSpinBox *m_clients;
    std::array<QSpinBox *, WorkloadConfig::ProcedureCount> m_weights{};
    QSpinBox *m_spinMs;
    QSpinBox *m_sleepMs;
    QLabel *m_counters;
};

} // namespace shardscope
