#pragma once

#include "model/cluster/ClusterProgress.h"

#include <QWidget>

namespace shardscope {

// A cluster restart as a row of marks: lockstep's stages (prepare, drain, restart, verify,
// commit mark, resume, or rollback), or for rolling one cell per node in natural order
// (done green, busy blue, failed red, waiting outlined). Hidden while no restart is known.
class ClusterStepper : public QWidget
{
    Q_OBJECT
public:
    explicit ClusterStepper(QWidget *parent = nullptr);

    void setProgress(const ClusterProgress &progress);
    const ClusterProgress &progress() const { return m_progress; }
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void paintStages(class QPainter &p, bool dark);
    void paintNodes(class QPainter &p, bool dark);

    ClusterProgress m_progress;
};

} // namespace shardscope
