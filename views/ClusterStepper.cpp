#include "views/ClusterStepper.h"

#include "views/ColourTable.h"

#include <QPainter>

#include <algorithm>

namespace shardscope {
namespace {

using Mark = ClusterProgress::Mark;
constexpr int kHeight = 20;

QColor markFill(Mark m, bool dark)
{
    switch (m) {
    case Mark::Done: return colourFor(Meaning::Good, dark);
    case Mark::Running: return colourFor(Meaning::Running, dark);
    case Mark::Failed: return colourFor(Meaning::Failure, dark);
    case Mark::Pending: break;
    }
    return {};
}

} // namespace

ClusterStepper::ClusterStepper(QWidget *parent)
    : QWidget(parent)
{
    setAccessibleName(QStringLiteral("Cluster restart progress"));
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    hide();
}

void ClusterStepper::setProgress(const ClusterProgress &progress)
{
    m_progress = progress;
    setVisible(progress.seen && (progress.total > 0 || !progress.stages.empty()));
    QStringList tip;
    for (const auto &n : progress.nodes)
        tip << QStringLiteral("%1: %2").arg(n.id, n.step);
    setToolTip(tip.join(QLatin1Char('\n')));
    updateGeometry();
    update();
}

QSize ClusterStepper::sizeHint() const
{
    return {m_progress.stages.empty() ? 360 : 520, kHeight};
}

QSize ClusterStepper::minimumSizeHint() const
{
    return {120, kHeight};
}

void ClusterStepper::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const bool dark = isDarkPalette(palette());
    if (!m_progress.stages.empty())
        paintStages(p, dark);
    else
        paintNodes(p, dark);
}

// Each stage a small dot with its name; the current one bold.
void ClusterStepper::paintStages(QPainter &p, bool dark)
{
    const int n = int(m_progress.stages.size());
    const double step = double(width()) / n;
    QFont f = font();
    for (int i = 0; i < n; ++i) {
        const auto &s = m_progress.stages[std::size_t(i)];
        const double x = i * step;
        const QRectF dot(x + 2, (kHeight - 10) / 2.0, 10, 10);
        const QColor fill = markFill(s.mark, dark);
        p.setPen(QPen(fill.isValid() ? fill : palette().color(QPalette::Mid), 1.5));
        p.setBrush(fill.isValid() ? QBrush(fill) : Qt::NoBrush);
        p.drawEllipse(dot);
        f.setBold(s.mark == Mark::Running);
        p.setFont(f);
        p.setPen(s.mark == Mark::Failed ? colourFor(Meaning::FailureText, dark) : palette().color(QPalette::WindowText));
        const QRectF text(x + 16, 0, step - 20, kHeight); // a name never runs into the next dot
        p.drawText(text, Qt::AlignLeft | Qt::AlignVCenter, p.fontMetrics().elidedText(s.name, Qt::ElideRight, int(text.width())));
    }
}

// One cell per node of the restart, as many as fit; the count says the rest.
void ClusterStepper::paintNodes(QPainter &p, bool dark)
{
    const int n = std::max(1, m_progress.total);
    const QString count = QStringLiteral("%1 of %2 done").arg(m_progress.done).arg(m_progress.total);
    const int textWidth = p.fontMetrics().horizontalAdvance(count) + 8;
    const double cell = std::clamp((width() - textWidth) / double(n), 2.0, 14.0);
    for (int i = 0; i < int(m_progress.nodes.size()); ++i) {
        const QRectF r(i * cell, 4, std::max(1.0, cell - 1), kHeight - 8);
        const QColor fill = markFill(m_progress.nodes[std::size_t(i)].mark, dark);
        p.setPen(fill.isValid() ? Qt::NoPen : QPen(palette().color(QPalette::Mid), 1));
        p.setBrush(fill.isValid() ? QBrush(fill) : Qt::NoBrush);
        p.drawRect(r);
    }
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRectF(n * cell + 8, 0, textWidth, kHeight), Qt::AlignLeft | Qt::AlignVCenter, count);
}

} // namespace shardscope
