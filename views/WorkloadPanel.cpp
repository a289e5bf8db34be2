#include "views/WorkloadPanel.h"

#include "views/ColourTable.h"

#include "model/console/ConsoleModel.h"
#include "model/workload/WorkloadDriver.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QEvent>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

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
    , m_scenario(new QComboBox(this))
    , m_scenarioText(new QLabel(this))
    , m_mixToggle(new QPushButton(this))
    , m_mix(new QWidget(this))
    , m_counters(new QLabel(this))
{
    const WorkloadConfig c = m_model.workload().config();
    for (int i = 0; i < kWorkloadScenarioCount; ++i)
        m_scenario->addItem(scenarioName(WorkloadScenario(i)));
    m_scenario->setCurrentIndex(int(c.scenario));
    m_scenario->setAccessibleName(QStringLiteral("Workload scenario"));
    m_scenarioText->setWordWrap(true);
    m_scenarioText->setText(scenarioDescription(c.scenario));
    m_mixToggle->setCheckable(true);
    m_mixToggle->setFlat(true);
    m_mixToggle->setFocusPolicy(Qt::TabFocus);
    m_rate = box(1, 50000, c.ratePerSecond, QStringLiteral(" req/s"), this);
    m_clients = box(1, 4096, c.clients, QString(), this);
    m_spinMs = box(0, 10000, c.spinMs, QStringLiteral(" ms"), this);
    m_sleepMs = box(0, 60000, c.sleepMs, QStringLiteral(" ms"), this);
    m_toggle->setFocusPolicy(Qt::TabFocus);

    auto *form = new QFormLayout;
    form->addRow(QStringLiteral("Scenario:"), m_scenario);
    form->addRow(QStringLiteral("Rate:"), m_rate);
    form->addRow(QStringLiteral("Clients:"), m_clients);
    auto *mixForm = new QFormLayout(m_mix);
    mixForm->setContentsMargins(0, 0, 0, 0);
    auto *mix = new QGridLayout;
    for (int p = 0; p < WorkloadConfig::ProcedureCount; ++p) {
        m_weights[std::size_t(p)] = box(0, 100, c.weights[std::size_t(p)], QStringLiteral("%"), this);
        m_weights[std::size_t(p)]->setAccessibleName(WorkloadConfig::procedureName(p) + QStringLiteral(" weight"));
        mix->addWidget(new QLabel(WorkloadConfig::procedureName(p), this), p / 3 * 2, p % 3);
        mix->addWidget(m_weights[std::size_t(p)], p / 3 * 2 + 1, p % 3);
    }
    mixForm->addRow(QStringLiteral("Mix:"), mix);
    auto *durations = new QHBoxLayout;
    durations->addWidget(new QLabel(QStringLiteral("spin"), this));
    durations->addWidget(m_spinMs);
    durations->addWidget(new QLabel(QStringLiteral("sleep"), this));
    durations->addWidget(m_sleepMs);
    mixForm->addRow(QStringLiteral("Durations:"), durations);
    m_mix->setVisible(false);
    m_counters->setWordWrap(true);

    m_warning->setWordWrap(true);
    m_warning->setText(QStringLiteral("\u26A0 Attached to %1: starting the workload sends real queries to that "
                                      "service, at the rate below, until you stop it.")
                           .arg(m_model.endpoint()));
    m_toggle->setToolTip(m_model.isRemote() ? QStringLiteral("Sends load to %1").arg(m_model.endpoint()) : QString());
    styleWarning();
    m_warning->setVisible(m_model.isRemote());

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_warning);
    layout->addWidget(m_toggle);
    layout->addLayout(form);
    layout->addWidget(m_scenarioText);
    layout->addWidget(m_mixToggle, 0, Qt::AlignLeft);
    layout->addWidget(m_mix);
    layout->addWidget(m_counters);
    auto showMix = [this](bool on) {
        m_mix->setVisible(on);
        m_mixToggle->setText(on ? QStringLiteral("\u25BE Procedure mix and durations")
                                : QStringLiteral("\u25B8 Procedure mix and durations"));
    };
    connect(m_mixToggle, &QPushButton::toggled, this, showMix);
    showMix(false);
    connect(m_scenario, &QComboBox::currentIndexChanged, this, [this](int i) {
        m_scenarioText->setText(scenarioDescription(WorkloadScenario(i)));
        pushConfig();
        Q_EMIT shortTitleChanged();
    });

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
QString WorkloadPanel::scenarioText() const { return m_scenarioText->text(); }

QString WorkloadPanel::shortTitle() const
{
    return QStringLiteral("&Workload: %1, %2")
        .arg(m_scenario->currentText(), m_model.workload().isRunning() ? QStringLiteral("running") : QStringLiteral("stopped"));
}
QString WorkloadPanel::warningText() const { return m_warning->text(); }
bool WorkloadPanel::warningVisible() const { return !m_warning->isHidden(); }

void WorkloadPanel::pushConfig()
{
    WorkloadConfig c = m_model.workload().config();
    c.ratePerSecond = m_rate->value();
    c.clients = m_clients->value();
    c.spinMs = m_spinMs->value();
    c.sleepMs = m_sleepMs->value();
    c.scenario = WorkloadScenario(std::clamp(m_scenario->currentIndex(), 0, kWorkloadScenarioCount - 1));
    for (int p = 0; p < WorkloadConfig::ProcedureCount; ++p)
        c.weights[std::size_t(p)] = m_weights[std::size_t(p)]->value();
    m_model.workload().setConfig(c);
}

void WorkloadPanel::refreshRunning(bool running)
{
    m_toggle->setText(running ? QStringLiteral("\u25A0 Stop built-in workload") : QStringLiteral("\u25B6 Start built-in workload"));
    setTitle(running ? QStringLiteral("Built-in workload (load generator): running")
                     : QStringLiteral("Built-in workload (load generator): stopped"));
    Q_EMIT shortTitleChanged();
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

void WorkloadPanel::styleWarning()
{
    m_warning->setStyleSheet(QStringLiteral("QLabel { color: %1; font-weight: bold; }")
                                 .arg(colourFor(Meaning::FailureText, isDarkPalette(palette())).name()));
}

void WorkloadPanel::changeEvent(QEvent *event)
{
    QGroupBox::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        styleWarning();
}

} // namespace shardscope
