#include "views/RestartPanel.h"

#include "model/console/ConsoleModel.h"
#include "model/console/OperatorTools.h"
#include "model/restart/RestartTracker.h"
#include "views/PhaseStepper.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace shardscope {

namespace {
QString seconds(qint64 ms) { return QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', 1); }
}

RestartPanel::RestartPanel(ConsoleModel &model, QWidget *parent)
    : QGroupBox(QStringLiteral("Restart"), parent)
    , m_model(model)
    , m_restart(new QPushButton(QStringLiteral("Restart All\u2026"), this))
    , m_abort(new QPushButton(QStringLiteral("Abort"), this))
    , m_stepper(new PhaseStepper(this))
    , m_status(new QLabel(this))
    , m_summary(new QLabel(this))
{
    m_restart->setFocusPolicy(Qt::TabFocus);
    m_abort->setToolTip(QStringLiteral("Abort the running restart and reopen on the old version"));
    m_abort->setFocusPolicy(Qt::TabFocus);
    m_summary->setWordWrap(true);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_restart, 1);
    buttons->addWidget(m_abort);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_stepper);
    layout->addWidget(m_status);
    layout->addWidget(m_summary);

    connect(m_restart, &QPushButton::clicked, this, &RestartPanel::restartRequested);
    connect(m_abort, &QPushButton::clicked, &m_model, &ConsoleModel::abortRestart);
    connect(&m_model.restart(), &RestartTracker::progressChanged, this, &RestartPanel::refresh);
    connect(&m_model.tools(), &OperatorTools::liveChanged, this, &RestartPanel::refresh);
    refresh();
}

QString RestartPanel::statusText() const { return m_status->text(); }
QString RestartPanel::summaryText() const { return m_summary->text(); }

void RestartPanel::refresh()
{
    const RestartProgress &p = m_model.restart().progress();
    m_stepper->setProgress(p);
    m_abort->setEnabled(p.active);
    // A restart that did not complete reads as a failure at a glance, not only in words.
    QPalette palette = m_status->palette();
    palette.setColor(QPalette::WindowText, p.seen && !p.active && !p.succeeded() ? QColor(0xc6, 0x28, 0x28)
                                                                                 : this->palette().color(QPalette::WindowText));
    m_status->setPalette(palette);
    const QString notLive = m_model.tools().notLiveReason();
    m_restart->setEnabled(!p.active && notLive.isEmpty());
    m_restart->setToolTip(notLive.isEmpty()
                              ? QStringLiteral("Restart every shard as one unit (Ctrl+R)")
                              : QStringLiteral("Unavailable while %1; it comes back when the service is live.").arg(notLive));
    if (!p.seen) {
        m_status->setText(QStringLiteral("No restart since the console started."));
        m_summary->clear();
    } else if (p.active) {
        const QString step = p.currentStep >= 0 ? restartStepName(p.currentStep) : QStringLiteral("starting");
        m_status->setText(QStringLiteral("Phase: %1 for %2, total %3").arg(step, seconds(p.currentStepElapsedMs), seconds(p.elapsedMs)));
        m_summary->setText(QStringLiteral("Failed requests so far: %1 (service), %2 (built-in workload)")
                               .arg(p.serviceFailedDuring)
                               .arg(p.clientFailedDuring));
    } else {
        const QString reason = p.outcomeReason();
        m_status->setText(QStringLiteral("Last restart %1 after %2%3")
                              .arg(restartOutcomeWords(p.outcome), seconds(p.elapsedMs),
                                   reason.isEmpty() ? QString() : QStringLiteral(": ") + reason));
        m_summary->setText(p.summaryText());
    }
}

} // namespace shardscope
