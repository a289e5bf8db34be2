#include "views/WorkloadPanel.h"

#include "model/console/ConsoleModel.h"
#include "model/workload/WorkloadDriver.h"

#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace shardscope {

namespace {
QSpinBox *box(int min, int max, int value, const QString &suffix, QWidget *parent)
{
    auto *b = new QSpinBox(parent);
    b->setRange(min, max);
    b->setValue(value);
    b->setSuffix(suffix);
    return b;
}
} // namespace

WorkloadPanel::WorkloadPanel(ConsoleModel &model, QWidget *parent)
    : QGroupBox(QStringLiteral("Built-in workload (load generator)"), parent)
    , m_model(model)
    , m_warning(new QLabel(this))
    , m_toggle(new QPushButton(this))
    , m_counters(new QLabel(this))
{
    const WorkloadConfig c = m_model.workload().config();
    m_rate = box(1, 50000, c.ratePerSecond, QStringLiteral(" req/s"), this);
    m_clients = box(1, 4096, c.clients, QString(), this);
    m_spinMs = box(0, 10000, c.spinMs, QStringLiteral(" ms"), this);
    m_sleepMs = box(0, 60000, c.sleepMs, QStringLiteral(" ms"), this);
    m_toggle->setFocusPolicy(Qt::TabFocus);

    auto *form = new QFormLayout;
    form->addRow(QStringLiteral("Rate:"), m_rate);
    form->addRow(QStringLiteral("Clients:"), m_clients);
    auto *mix = new QGridLayout;
    for (int p = 0; p < WorkloadConfig::ProcedureCount; ++p) {
        m_weights[std::size_t(p)] = box(0, 100, c.weights[std::size_t(p)], QStringLiteral("%"), this);
        m_weights[std::size_t(p)]->setAccessibleName(WorkloadConfig::procedureName(p) + QStringLiteral(" weight"));
        mix->addWidget(new QLabel(WorkloadConfig::procedureName(p), this), p / 3 * 2, p % 3);
        mix->addWidget(m_weights[std::size_t(p)], p / 3 * 2 + 1, p % 3);
    }
    form->addRow(QStringLiteral("Mix:"), mix);
    auto *durations = new QHBoxLayout;
    durations->addWidget(new QLabel(QStringLiteral("spin"), this));
    durations->addWidget(m_spinMs);
    durations->addWidget(new QLabel(QStringLiteral("sleep"), this));
    durations->addWidget(m_sleepMs);
    form->addRow(QStringLiteral("Durations:"), durations);
    m_counters->setWordWrap(true);

    m_warning->setWordWrap(true);
    m_warning->setText(QStringLiteral("\u26A0 Attached to %1: starting the workload sends real queries to that "
                                      "service, at the rate below, until you stop it.")
                           .arg(m_model.endpoint()));
    m_toggle->setToolTip(m_model.isRemote() ? QStringLiteral("Sends load to %1").arg(m_model.endpoint()) : QString());
    m_warning->setStyleSheet(QStringLiteral("QLabel { color: #b71c1c; font-weight: bold; }"));
    m_warning->setVisible(m_model.isRemote());

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_warning);
    layout->addWidget(m_toggle);
    layout->addLayout(form);
    layout->addWidget(m_counters);

    for (QSpinBox *b : {m_rate, m_clients, m_spinMs, m_sleepMs})
        connect(b, &QSpinBox::valueChanged, this, &WorkloadPanel::pushConfig);
    for (QSpinBox *b : m_weights)
        connect(b, &QSpinBox::valueChanged, this, &WorkloadPanel::pushConfig);
    connect(m_toggle, &QPushButton::clicked, this, [this] {
        WorkloadDriver &w = m_model.workload();
        w.isRunning() ? w.stop() : w.start();
    });
    connect(&m_model.workload(), &WorkloadDriver::runningChanged, this, &WorkloadPanel::refreshRunning);
    connect(&m_model, &ConsoleModel::frame, this, &WorkloadPanel::refreshCounters);
    refreshRunning(m_model.workload().isRunning());
    refreshCounters();
}

QString WorkloadPanel::countersText() const { return m_counters->text(); }
QString WorkloadPanel::warningText() const { return m_warning->text(); }
bool WorkloadPanel::warningVisible() const { return !m_warning->isHidden(); }

void WorkloadPanel::pushConfig()
{
    WorkloadConfig c = m_model.workload().config();
    c.ratePerSecond = m_rate->value();
    c.clients = m_clients->value();
    c.spinMs = m_spinMs->value();
    c.sleepMs = m_sleepMs->value();
    for (int p = 0; p < WorkloadConfig::ProcedureCount; ++p)
        c.weights[std::size_t(p)] = m_weights[std::size_t(p)]->value();
    m_model.workload().setConfig(c);
}

void WorkloadPanel::refreshRunning(bool running)
{
    m_toggle->setText(running ? QStringLiteral("\u25A0 Stop built-in workload") : QStringLiteral("\u25B6 Start built-in workload"));
    setTitle(running ? QStringLiteral("Built-in workload (load generator): running")
                     : QStringLiteral("Built-in workload (load generator): stopped"));
}

void WorkloadPanel::refreshCounters()
{
    const WorkloadStats s = m_model.workload().stats();
    const QString text = QStringLiteral("sent %1 \u00B7 ok %2 \u00B7 in flight %3\nfailed %4: 400 \u00D7%5, 404 \u00D7%6, 500 \u00D7%7, 503 \u00D7%8, other \u00D7%9")
                             .arg(s.sent)
                             .arg(s.ok)
                             .arg(s.inFlight)
                             .arg(s.failed())
                             .arg(s.failed400)
                             .arg(s.failed404)
                             .arg(s.failed500)
                             .arg(s.failed503)
                             .arg(s.failedOther);
    if (text != m_counters->text())
        m_counters->setText(text);
}

} // namespace shardscope
