#pragma once

#include "model/restart/RestartSettings.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QSpinBox;

namespace shardscope {

// Restart All settings and confirmation in one dialog: mode, admission and drain
// policies, timeouts, and a plain statement of what will happen (shards affected,
// in-flight requests to drain, timeouts, mode). Legacy mode carries a warning that it
// reproduces a known failure.
class RestartDialog : public QDialog
{
    Q_OBJECT
public:
    RestartDialog(const RestartSettings &initial, int shardCount, quint64 inFlight, QWidget *parent = nullptr);

    RestartSettings settings() const;
    QString consequenceText() const;
    QString warningText() const;
    bool warningVisible() const;
    QComboBox *modeBox() const { return m_mode; }

private:
    void refresh();

    int m_shardCount;
    quint64 m_inFlight;
    QComboBox *m_mode;
    QComboBox *m_admission;
    QComboBox *m_drainPolicy;
    QSpinBox *m_prepare;
    QSpinBox *m_drain;
    QSpinBox *m_restartPerShard;
    QSpinBox *m_verify;
    QLabel *m_consequence;
    QLabel *m_warning;
    QDialogButtonBox *m_buttons;
};

} // namespace shardscope
