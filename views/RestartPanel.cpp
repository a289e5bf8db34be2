#include "views/RestartPanel.h"
#include "views/ColourTable.h"

#include "model/console/ConsoleModel.h"
#include "model/console/OperatorTools.h"
#include "model/restart/RestartProgress.h"
#include "model/restart/RestartTracker.h"
#include "model/shards/ShardTableModel.h"
#include "views/PhaseStepper.h"

#include <QHBoxLayout>
#include <QRegularExpression>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <vector>

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
    , m_retryForce(new QPushButton(QStringLiteral("Retry with forced drain\u2026"), this))
    , m_summary(new QLabel(this))
    , m_waiting(new QLabel(this))
{
    m_waiting->setTextFormat(Qt::RichText);
    m_waiting->setWordWrap(true);
    m_waiting->setAccessibleName(QStringLiteral("Shards the drain waits on"));
    m_waiting->hide();
    connect(m_waiting, &QLabel::linkActivated, this, [this](const QString &link) {
        if (link.startsWith(QLatin1String("shard:")))
            Q_EMIT selectShardRequested(link.mid(6).toInt());
    });
    m_restart->setFocusPolicy(Qt::TabFocus);
    m_abort->setToolTip(QStringLiteral("Abort the running restart and reopen on the old version"));
    m_abort->setFocusPolicy(Qt::TabFocus);
    m_summary->setWordWrap(true);
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::RichText);
    m_status->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_status->setOpenExternalLinks(false);
    connect(m_status, &QLabel::linkActivated, this, [this](const QString &link) {
        if (link.startsWith(QLatin1String("shard:")))
            Q_EMIT selectShardRequested(link.mid(6).toInt());
    });
    m_retryForce->setToolTip(QStringLiteral("Opens the restart dialog with \u201cforce\u201d chosen for a drain timeout: "
                                            "requests still in flight then are cancelled with a 503"));
    m_retryForce->setFocusPolicy(Qt::TabFocus);
    m_retryForce->hide();
    connect(m_retryForce, &QPushButton::clicked, this, &RestartPanel::retryWithForceRequested);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_restart, 1);
    buttons->addWidget(m_abort);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_stepper);
    layout->addWidget(m_status);
    layout->addWidget(m_retryForce, 0, Qt::AlignLeft);
    layout->addWidget(m_waiting);
    layout->addWidget(m_summary);

    connect(m_restart, &QPushButton::clicked, this, &RestartPanel::restartRequested);
    connect(m_abort, &QPushButton::clicked, &m_model, &ConsoleModel::abortRestart);
    connect(&m_model.restart(), &RestartTracker::progressChanged, this, &RestartPanel::refresh);
    connect(&m_model.tools(), &OperatorTools::liveChanged, this, &RestartPanel::refresh);
    refresh();
}

QString RestartPanel::statusText() const { return m_statusPlain; }

void RestartPanel::setStatus(const QString &plain)
{
    if (plain == m_statusPlain)
        return;
    m_statusPlain = plain;
    // Every "shard N" the outcome names is a link to its tile.
    QString html = plain.toHtmlEscaped();
    static const QRegularExpression shard(QStringLiteral("\\bshard (\\d+)"));
    html.replace(shard, QStringLiteral("<a href=\"shard:\\1\">shard \\1</a>"));
    m_status->setText(html);
}
QString RestartPanel::summaryText() const { return m_summary->text(); }
QString RestartPanel::waitingText() const { return m_waiting->isHidden() ? QString() : m_waiting->text(); }

void RestartPanel::showWaiting(const RestartProgress &p)
{
    // What blocks a drain, findable at any scale: the shards with requests still in
    // flight, most first, each one click away from its tile.
    if (!p.active || p.currentStep != int(RestartStep::Drain)) {
        m_waiting->hide();
        m_waiting->clear();
        return;
    }
    const ShardTableModel &shards = m_model.shards();
    struct Blocker {
        quint32 oldestMs, inFlight;
        int id;
    };
    std::vector<Blocker> blocking;
    for (int row = 0; row < shards.rowCount(); ++row) {
        const ShardRow &r = *shards.row(row);
        if (r.inFlight > 0)
            blocking.push_back({r.oldestInFlightMs, r.inFlight, r.id});
    }
    // Worst first: the oldest request holds the drain longest; then the most in flight.
    std::sort(blocking.begin(), blocking.end(), [](const Blocker &a, const Blocker &b) {
        if (a.oldestMs != b.oldestMs)
            return a.oldestMs > b.oldestMs;
        return a.inFlight != b.inFlight ? a.inFlight > b.inFlight : a.id < b.id;
    });
    constexpr std::size_t kNamed = 8;
    QStringList parts;
    for (std::size_t i = 0; i < blocking.size() && i < kNamed; ++i) {
        const QString age = ShardTableModel::oldestText(blocking[i].oldestMs);
        parts << QStringLiteral("<a href=\"shard:%1\">shard %1</a> (%2 in flight%3)")
                     .arg(blocking[i].id)
                     .arg(blocking[i].inFlight)
                     .arg(age.isEmpty() ? QString() : QStringLiteral(", oldest ") + age);
    }
    if (blocking.size() > kNamed)
        parts << QStringLiteral("+%1 more").arg(blocking.size() - kNamed);
    m_waiting->setText(blocking.empty() ? QStringLiteral("Drain: no request in flight; finishing.")
                                        : QStringLiteral("Waiting on ") + parts.join(QStringLiteral(", ")));
    m_waiting->show();
}

void RestartPanel::setCommandsOffered(bool offered)
{
    m_commands = offered;
    m_restart->setVisible(offered);
    m_abort->setVisible(offered);
    refresh();
}

void RestartPanel::refresh()
{
    const RestartProgress &p = m_model.restart().progress();
    m_stepper->setProgress(p);
    showWaiting(p);
    m_abort->setEnabled(p.active);
    // A restart that did not complete reads as a failure at a glance, not only in words.
    QPalette palette = m_status->palette();
    palette.setColor(QPalette::WindowText, p.seen && !p.active && !p.succeeded() ? colourFor(Meaning::FailureText, isDarkPalette(this->palette()))
                                                                                 : this->palette().color(QPalette::WindowText));
    m_status->setPalette(palette);
    const QString notLive = m_model.tools().notLiveReason();
    // A drain that timed out is offered again with force, which cancels what still runs.
    m_retryForce->setVisible(m_commands && p.seen && !p.active && p.outcomeMessage.contains(QLatin1String("drain timed out")));
    m_retryForce->setEnabled(notLive.isEmpty());
    m_restart->setEnabled(!p.active && notLive.isEmpty());
    m_restart->setToolTip(notLive.isEmpty()
                              ? QStringLiteral("Restart every shard as one unit (Ctrl+R)")
                              : QStringLiteral("Unavailable while %1; it comes back when the service is live.").arg(notLive));
    if (!p.seen) {
        setStatus(QStringLiteral("No restart since the console started."));
        m_summary->clear();
    } else if (p.active) {
        const QString step = p.currentStep >= 0 ? restartStepName(p.currentStep) : QStringLiteral("starting");
        setStatus(QStringLiteral("Phase: %1 for %2, total %3").arg(step, seconds(p.currentStepElapsedMs), seconds(p.elapsedMs)));
        m_summary->setText(QStringLiteral("Failed requests so far: %1 (service), %2 (built-in workload)")
                               .arg(p.serviceFailedDuring)
                               .arg(p.clientFailedDuring));
    } else {
        const QString reason = p.outcomeReason();
        setStatus(QStringLiteral("Last restart %1 after %2%3")
                      .arg(restartOutcomeWords(p.outcome), seconds(p.elapsedMs),
                           reason.isEmpty() ? QString() : QStringLiteral(": ") + reason));
        m_summary->setText(p.summaryText());
    }
    m_summary->setVisible(!m_summary->text().isEmpty()); // an empty line would leave a gap
}

} // namespace shardscope
