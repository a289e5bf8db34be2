#pragma once

#include "model/workload/WorkloadConfig.h"

#include <QGroupBox>

#include <array>

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
    QString countersText() const;
    QString warningText() const;
    bool warningVisible() const;

private:
    void pushConfig();
    void refreshCounters();
    void refreshRunning(bool running);

    ConsoleModel &m_model;
    QLabel *m_warning;
    QPushButton *m_toggle;
    QSpinBox *m_rate;
    QSpinBox *m_clients;
    std::array<QSpinBox *, WorkloadConfig::ProcedureCount> m_weights{};
    QSpinBox *m_spinMs;
    QSpinBox *m_sleepMs;
    QLabel *m_counters;
};

} // namespace shardscope
