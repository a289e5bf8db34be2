#include "views/PhaseStepper.h"
#include "views/ColourTable.h"

#include <QPainter>

namespace shardscope {

PhaseStepper::PhaseStepper(QWidget *parent)
    : QWidget(parent)
{
    setAccessibleName(QStringLiteral("Restart phases"));
}

void PhaseStepper::setProgress(const RestartProgress &progress)
{
    m_progress = progress;
    // Screen readers get the same steps in words.
    static const char *const words[] = {"pending", "running", "done", "failed"};
    QStringList parts;
    for (int i : progress.displayOrder())
        parts << restartStepName(i) + u' ' + QString::fromLatin1(words[int(progress.status[std::size_t(i)])]);
    setAccessibleDescription(parts.join(QStringLiteral(", ")));
    update();
}

QSize PhaseStepper::sizeHint() const { return {320, 58}; }
QSize PhaseStepper::minimumSizeHint() const { return {260, 58}; }

void PhaseStepper::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing, true);
    // In the order the steps ran: a rollback sits between the failed step and resume.
    const std::vector<int> order = m_progress.displayOrder();
    const int steps = int(order.size());
    const double slot = double(width()) / steps;
    const int radius = 9;
    const int cy = radius + 3;
    const QColor pending = palette().color(QPalette::Mid);
    const QColor textColour = palette().color(QPalette::WindowText);

    p.setPen(QPen(pending, 2));
    p.drawLine(QPointF(slot / 2, cy), QPointF(width() - slot / 2, cy));

    QFont f = font();
    f.setPixelSize(11);
    for (int slotIndex = 0; slotIndex < steps; ++slotIndex) {
        const int i = order[std::size_t(slotIndex)];
        const auto status = m_progress.status[std::size_t(i)];
        const QPointF c(slot * slotIndex + slot / 2, cy);
        QColor fill = Qt::transparent;
        QString mark;
        const bool dark = isDarkPalette(palette());
        switch (status) {
        case StepStatus::Pending: break;
        case StepStatus::Running: fill = colourFor(Meaning::Running, dark); mark = QStringLiteral("\u25B6"); break;
        case StepStatus::Done: fill = colourFor(Meaning::Good, dark); mark = QStringLiteral("\u2713"); break;
        case StepStatus::Failed: fill = colourFor(Meaning::Failure, dark); mark = QStringLiteral("\u2717"); break;
        }
        p.setPen(QPen(status == StepStatus::Pending ? pending : fill, 2));
        p.setBrush(status == StepStatus::Pending ? palette().color(QPalette::Window) : fill);
        p.drawEllipse(c, radius, radius);
        QFont mf = f;
        mf.setPixelSize(10);
        mf.setBold(true);
        p.setFont(mf);
        p.setPen(status == StepStatus::Pending ? textColour : QColor(Qt::white));
        p.drawText(QRectF(c.x() - radius, c.y() - radius, 2 * radius, 2 * radius), Qt::AlignCenter,
                   mark.isEmpty() ? QString::number(slotIndex + 1) : mark);

        QFont lf = f;
        lf.setBold(status == StepStatus::Running);
        p.setFont(lf);
        p.setPen(textColour);
        const QRectF label(slot * slotIndex, cy + radius + 2, slot, 15);
        p.drawText(label, Qt::AlignHCenter | Qt::AlignTop, restartStepName(i));
        qint64 ms = m_progress.durationMs[std::size_t(i)];
        if (status == StepStatus::Running)
            ms = m_progress.currentStepElapsedMs;
        if (status != StepStatus::Pending && ms >= 0) {
            QFont df = f;
            df.setPixelSize(10);
            p.setFont(df);
            const QString d = ms < 1000 ? QStringLiteral("%1 ms").arg(ms) : QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', 1);
            p.drawText(label.translated(0, 14), Qt::AlignHCenter | Qt::AlignTop, d);
        }
    }
}

} // namespace shardscope
