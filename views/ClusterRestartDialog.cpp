#include "views/ClusterRestartDialog.h"

#include <algorithm>

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace shardscope {
namespace {

QSpinBox *msBox(int value, QWidget *parent)
{
    auto *box = new QSpinBox(parent);
    box->setRange(0, 60000);
    box->setSingleStep(100);
    box->setSuffix(QStringLiteral(" ms"));
    box->setValue(value);
    return box;
}

// The gate the dialog asks for, sent in full so that what the dialog says is what the nodes do.
struct GateChoice {
    int analysisMs = 10000, checks = 3, failedAllowed = 1, minRequests = 100, slackMs = 5, maxMs = 500;
    double successRate = 99.0, ratio = 1.5;
    QJsonObject json() const
    {
        return {{QStringLiteral("analysis_ms"), analysisMs}, {QStringLiteral("checks"), checks},
                {QStringLiteral("failed_checks_allowed"), failedAllowed}, {QStringLiteral("min_requests"), minRequests},
                {QStringLiteral("success_rate"), successRate}, {QStringLiteral("p99_ratio"), ratio},
                {QStringLiteral("p99_slack_ms"), slackMs}, {QStringLiteral("p99_max_ms"), maxMs},
                {QStringLiteral("inconclusive"), QStringLiteral("stop")}};
    }
    QString words() const
    {
        return QStringLiteral(" After each node settles it is judged over %1 windows of %2 s against the nodes not yet restarted: "
                              "success rate at least %3%, p99 at most %4x theirs (+%5 ms) and %6 ms, at least %7 requests a "
                              "window (fewer is inconclusive and stops); more than %8 failed windows fail it.")
            .arg(checks).arg(analysisMs / 1000).arg(successRate).arg(ratio).arg(slackMs).arg(maxMs).arg(minRequests).arg(failedAllowed);
    }
};

QString plural(quint64 n, const char *one, const char *many)
{
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
}

} // namespace

ClusterRestartDialog::ClusterRestartDialog(const Radius &radius, QWidget *parent)
    : QDialog(parent)
    , m_radius(radius)
    , m_strategy(new QComboBox(this))
    , m_grace(msBox(1000, this))
    , m_settle(msBox(1000, this))
    , m_gate(new QCheckBox(QStringLiteral("&Judge each node on what clients see before the next"), this))
    , m_canary(new QSpinBox(this))
    , m_consequence(new QLabel(this))
{
    setWindowTitle(QStringLiteral("Restart all nodes"));
    m_strategy->addItem(QStringLiteral("Rolling: one node at a time, out of the balancer first"), QStringLiteral("rolling"));
    m_strategy->addItem(QStringLiteral("Lockstep: every node prepares, then all restart as one"), QStringLiteral("lockstep"));
    m_canary->setRange(1, std::max(1, radius.nodesUp));
    m_canary->setSuffix(QStringLiteral(" first"));
    m_consequence->setWordWrap(true);
    m_consequence->setAccessibleName(QStringLiteral("Blast radius"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    m_cancel = buttons->button(QDialogButtonBox::Cancel);
    m_ok->setText(QStringLiteral("Restart %1").arg(plural(quint64(radius.nodesUp), "node", "nodes")));
    m_ok->setAutoDefault(false);
    m_ok->setDefault(false);
    m_cancel->setAutoDefault(true);
    m_cancel->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *form = new QFormLayout;
    form->addRow(QStringLiteral("Strategy"), m_strategy);
    form->addRow(QStringLiteral("Grace out of the balancer"), m_grace);
    form->addRow(QStringLiteral("Settle before the next node"), m_settle);
    form->addRow(QStringLiteral("Gate"), m_gate);
    form->addRow(QStringLiteral("Canary nodes"), m_canary);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_consequence);
    layout->addWidget(buttons);
    // The consequence text changes with the strategy: the dialog grows with it, never clips it.
    layout->setSizeConstraint(QLayout::SetMinimumSize);
    connect(m_strategy, &QComboBox::currentIndexChanged, this, &ClusterRestartDialog::refresh);
    connect(m_gate, &QCheckBox::toggled, this, &ClusterRestartDialog::refresh);
    connect(m_canary, &QSpinBox::valueChanged, this, &ClusterRestartDialog::refresh);
    refresh();
    m_cancel->setFocus();
}

QString ClusterRestartDialog::strategy() const
{
    return m_strategy->currentData().toString();
}

int ClusterRestartDialog::graceMs() const
{
    return m_grace->isEnabled() ? m_grace->value() : -1;
}

int ClusterRestartDialog::settleMs() const
{
    return m_settle->isEnabled() ? m_settle->value() : -1;
}

bool ClusterRestartDialog::gated() const
{
    return m_gate->isEnabled() && m_gate->isChecked();
}

int ClusterRestartDialog::canary() const
{
    return gated() ? m_canary->value() : 0;
}

QJsonObject ClusterRestartDialog::requestBody() const
{
    QJsonObject body{{QStringLiteral("strategy"), strategy()}};
    if (graceMs() >= 0)
        body.insert(QStringLiteral("grace_ms"), graceMs());
    if (settleMs() >= 0)
        body.insert(QStringLiteral("settle_ms"), settleMs());
    if (gated()) {
        body.insert(QStringLiteral("gate"), GateChoice().json());
        body.insert(QStringLiteral("canary"), canary());
    }
    return body;
}

QString ClusterRestartDialog::consequenceText() const
{
    return m_consequence->text();
}

void ClusterRestartDialog::refresh()
{
    const bool rolling = strategy() == QLatin1String("rolling");
    m_grace->setEnabled(rolling);
    m_settle->setEnabled(rolling);
    m_gate->setEnabled(rolling);
    m_canary->setEnabled(gated());
    const QString shards = m_radius.shardsPerNode > 0
        ? QStringLiteral("%1 x %2 = %3 shards").arg(plural(quint64(m_radius.nodesUp), "node", "nodes"),
                                              plural(quint64(m_radius.shardsPerNode), "shard", "shards"))
              .arg(m_radius.shardsTotal)
        : QStringLiteral("%1, %2 in all").arg(plural(quint64(m_radius.nodesUp), "node", "nodes"),
                                              plural(quint64(m_radius.shardsTotal), "shard", "shards"));
    QString text = QStringLiteral("Restarts %1. %2 in flight now.")
                       .arg(shards, plural(m_radius.inFlight, "request", "requests"));
    text += rolling ? QStringLiteral(" One node at a time: it leaves the load balancer, drains, restarts all its shards and "
                                     "rejoins before the next; the first failure stops the restart.")
                    : QStringLiteral(" Every node holds new requests at once, then all restart and move to one version "
                                     "together; until the commit every node can roll back. A node cut off after it voted keeps "
                                     "its requests held until it learns the outcome.");
    if (gated())
        text += GateChoice().words() + QStringLiteral(" %1 before any other starts. A failed gate stops the "
                                                      "restart and returns the restarted nodes to their version.")
                                           .arg(m_canary->value() == 1 ? QStringLiteral("The first node must pass")
                                                : QStringLiteral("The first %1 nodes must pass").arg(m_canary->value()));
    if (m_radius.nodesGone > 0)
        text += QStringLiteral(" %1 lost or left and not restarted; while a node is lost the nodes refuse the restart.")
                    .arg(plural(quint64(m_radius.nodesGone), "node is", "nodes are"));
    m_consequence->setText(text);
}

} // namespace shardscope
