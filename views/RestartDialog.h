#pragma once

#include "model/restart/RestartSettings.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace shardscope {

// Restart All settings and confirmation in one dialog: mode, admission and drain
// policies, timeouts, and a plain statement of what will happen (shards affected,
// in-flight requests to drain, timeouts, mode). Legacy mode carries a warning that it
// reproduces a known failure.
//
// Safe by default: it always opens in phased mode (initial.legacy is ignored); legacy
// enables OK only once the shard count or the word "legacy" is typed into the
// confirmation field. While the choice is destructive (legacy, or force on drain
// timeout) Cancel is the default button and OK never takes Return, so Return cannot
// fire a legacy restart.
class RestartDialog : public QDialog
{
    Q_OBJECT
public:
    RestartDialog(const RestartSettings &initial, int shardCount, quint64 inFlight, QWidget *parent = nullptr);

    RestartSettings settings() const;
    QString consequenceText() const;
    QString warningText() const;
    bool warningVisible() const;
    // Legacy, or force on drain timeout: requests will fail on purpose.
    bool destructive() const;
    // Phased, or legacy with the confirmation typed.
    bool confirmed() const;
    QComboBox *modeBox() const { return m_mode; }
    QComboBox *drainPolicyBox() const { return m_drainPolicy; }
    QLineEdit *confirmField() const { return m_confirm; }
    QPushButton *okButton() const { return m_ok; }
    QPushButton *cancelButton() const { return m_cancel; }

private:
    void refresh();
    void refreshButtons();

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
    QWidget *m_confirmRow;
    QLabel *m_confirmLabel;
    QLineEdit *m_confirm;
    QDialogButtonBox *m_buttons;
    QPushButton *m_ok;
    QPushButton *m_cancel;
};

} // namespace shardscope
