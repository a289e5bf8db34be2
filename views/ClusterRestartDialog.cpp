#include "views/ClusterRestartDialog.h"

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
    , m_consequence(new QLabel(this))
{
    setWindowTitle(QStringLiteral("Restart all nodes"));
    m_strategy->addItem(QStringLiteral("Rolling: one node at a time, out of the balancer first"), QStringLiteral("rolling"));
    m_strategy->addItem(QStringLiteral("Lockstep: every node prepares, then all restart as one"), QStringLiteral("lockstep"));
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
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_consequence);
    layout->addWidget(buttons);
    // The consequence text changes with the strategy: the dialog grows with it, never clips it.
    layout->setSizeConstraint(QLayout::SetMinimumSize);
    connect(m_strategy, &QComboBox::currentIndexChanged, this, &ClusterRestartDialog::refresh);
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

QString ClusterRestartDialog::consequenceText() const
{
    return m_consequence->text();
}

void ClusterRestartDialog::refresh()
{
    const bool rolling = strategy() == QLatin1String("rolling");
    m_grace->setEnabled(rolling);
    m_settle->setEnabled(rolling);
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
    if (m_radius.nodesGone > 0)
        text += QStringLiteral(" %1 lost or left and not restarted; while a node is lost the nodes refuse the restart.")
                    .arg(plural(quint64(m_radius.nodesGone), "node is", "nodes are"));
    m_consequence->setText(text);
}

} // namespace shardscope
