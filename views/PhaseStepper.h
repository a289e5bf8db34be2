#pragma once

#include "model/restart/RestartProgress.h"

#include <QWidget>

namespace shardscope {

// Prepare, drain, restart, verify, resume as a row of steps: pending (outline), running
// (filled, bold name), done (tick) or failed (cross), with each finished step's duration.
// Rollback appears only when a restart rolled back.
class PhaseStepper : public QWidget
{
    Q_OBJECT
public:
    explicit PhaseStepper(QWidget *parent = nullptr);

    void setProgress(const RestartProgress &progress);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    RestartProgress m_progress;
};

} // namespace shardscope
