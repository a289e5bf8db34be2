#include "views/RestartDialog.h"
#include "views/ColourTable.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace shardscope {

namespace {

QSpinBox *msBox(int value, int max, QWidget *parent)
{
    auto *box = new QSpinBox(parent);
    box->setRange(0, max);
    box->setSingleStep(100);
    box->setSuffix(QStringLiteral(" ms"));
    box->setValue(value);
    return box;
}

QString secs(int ms) { return QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'g', 3); }

} // namespace

RestartDialog::RestartDialog(const RestartSettings &initial, int shardCount, quint64 inFlight, QWidget *parent)
    : QDialog(parent)
    , m_shardCount(shardCount)
    , m_inFlight(inFlight)
    , m_mode(new QComboBox(this))
    , m_admission(new QComboBox(this))
    , m_drainPolicy(new QComboBox(this))
    , m_prepare(msBox(initial.prepareTimeoutMs, RestartSettings::limits().prepareTimeoutMs, this))
    , m_drain(msBox(initial.drainTimeoutMs, RestartSettings::limits().drainTimeoutMs, this))
    , m_restartPerShard(msBox(initial.restartTimeoutPerShardMs, RestartSettings::limits().restartTimeoutPerShardMs, this))
    , m_verify(msBox(initial.verifyTimeoutMs, RestartSettings::limits().verifyTimeoutMs, this))
    , m_consequence(new QLabel(this))
    , m_warning(new QLabel(this))
    , m_confirmRow(new QWidget(this))
    , m_confirmLabel(new QLabel(m_confirmRow))
    , m_confirm(new QLineEdit(m_confirmRow))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
    , m_ok(m_buttons->button(QDialogButtonBox::Ok))
    , m_cancel(m_buttons->button(QDialogButtonBox::Cancel))
{
    setWindowTitle(QStringLiteral("Restart all shards"));
    m_mode->addItems({QStringLiteral("Phased: all shards as one unit (recommended)"),
                      QStringLiteral("Legacy: re-creates shard 0 only (reproduces a known failure)")});
    m_mode->setCurrentIndex(0); // phased every time: legacy is never carried over
    m_admission->addItems({QStringLiteral("Hold new requests until resume"),
                           QStringLiteral("Reject new requests with 503 and Retry-After")});
    m_admission->setCurrentIndex(initial.rejectAdmission ? 1 : 0);
    m_drainPolicy->addItems({QStringLiteral("Abort: reopen on the old version"),
                             QStringLiteral("Force: cancel what is left with 503")});
    m_drainPolicy->setCurrentIndex(initial.forceDrain ? 1 : 0);

    auto *form = new QFormLayout;
    form->addRow(QStringLiteral("&Mode:"), m_mode);
    form->addRow(QStringLiteral("&Admission while restarting:"), m_admission);
    form->addRow(QStringLiteral("On drain &timeout:"), m_drainPolicy);
    form->addRow(QStringLiteral("&Prepare timeout:"), m_prepare);
    form->addRow(QStringLiteral("&Drain timeout:"), m_drain);
    form->addRow(QStringLiteral("&Restart timeout per shard:"), m_restartPerShard);
    form->addRow(QStringLiteral("&Verify timeout:"), m_verify);

    m_consequence->setWordWrap(true);
    m_warning->setWordWrap(true);
    m_warning->setText(QStringLiteral(
        "\u26A0 Legacy mode reproduces a known failure (GraphScope issue #4090): it cancels every shard's actor "
        "and re-creates shard 0's only, so every request routed to shards 1..%1 will fail with 503 "
        "\"Unable to send message, the target actor has been canceled\".").arg(std::max(1, shardCount - 1)));
    QPalette wp = m_warning->palette();
    wp.setColor(QPalette::WindowText, colourFor(Meaning::FailureText, isDarkPalette(palette())));
    m_warning->setPalette(wp);

    m_confirmLabel->setText(QStringLiteral("To confirm, type %1 (the shard count) or legacy:").arg(shardCount));
    m_confirmLabel->setBuddy(m_confirm);
    m_confirm->setPlaceholderText(QStringLiteral("%1 or legacy").arg(shardCount));
    m_confirm->setAccessibleName(QStringLiteral("Legacy restart confirmation"));
    auto *confirmLayout = new QHBoxLayout(m_confirmRow);
    confirmLayout->setContentsMargins(0, 0, 0, 0);
    confirmLayout->addWidget(m_confirmLabel);
    confirmLayout->addWidget(m_confirm, 1);
    setTabOrder(m_mode, m_confirm); // one Tab from choosing legacy to confirming it

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_consequence);
    layout->addWidget(m_warning);
    layout->addWidget(m_confirmRow);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (confirmed()) // OK is disabled otherwise; this guards a programmatic click too
            accept();
    });
    connect(m_confirm, &QLineEdit::textChanged, this, &RestartDialog::refreshButtons);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (QComboBox *box : {m_mode, m_admission, m_drainPolicy})
        connect(box, &QComboBox::currentIndexChanged, this, &RestartDialog::refresh);
    for (QSpinBox *box : {m_prepare, m_drain, m_restartPerShard, m_verify})
        connect(box, &QSpinBox::valueChanged, this, &RestartDialog::refresh);
    refresh();
    setMinimumWidth(520);
}

RestartSettings RestartDialog::settings() const
{
    RestartSettings s;
    s.legacy = m_mode->currentIndex() == 1;
    s.rejectAdmission = m_admission->currentIndex() == 1;
    s.forceDrain = m_drainPolicy->currentIndex() == 1;
    s.prepareTimeoutMs = m_prepare->value();
    s.drainTimeoutMs = m_drain->value();
    s.restartTimeoutPerShardMs = m_restartPerShard->value();
    s.verifyTimeoutMs = m_verify->value();
    return s;
}

QString RestartDialog::consequenceText() const { return m_consequence->text(); }
QString RestartDialog::warningText() const { return m_warning->text(); }
bool RestartDialog::warningVisible() const { return !m_warning->isHidden(); }

bool RestartDialog::destructive() const
{
    return m_mode->currentIndex() == 1 || m_drainPolicy->currentIndex() == 1;
}

bool RestartDialog::confirmed() const
{
    if (m_mode->currentIndex() != 1)
        return true;
    const QString typed = m_confirm->text().trimmed();
    return typed == QString::number(m_shardCount) || typed.compare(QStringLiteral("legacy"), Qt::CaseInsensitive) == 0;
}

void RestartDialog::refreshButtons()
{
    const bool danger = destructive();
    m_ok->setEnabled(confirmed());
    // Return goes to Cancel while the choice breaks requests; a focused OK ignores it too
    // (a button takes Return only when it is default or autoDefault).
    m_ok->setAutoDefault(!danger);
    (danger ? m_cancel : m_ok)->setDefault(true);
    (danger ? m_ok : m_cancel)->setDefault(false);
}

void RestartDialog::refresh()
{
    const RestartSettings s = settings();
    QString text;
    if (s.legacy) {
        text = QStringLiteral("This will restart %1 shards in legacy mode: every shard's actor is cancelled and "
                              "only shard 0's is re-created. %2 requests are in flight now.")
                   .arg(m_shardCount)
                   .arg(m_inFlight);
    } else {
        text = QStringLiteral("This will restart all %1 shards as one unit (phased mode). New requests are %2. "
                              "%3 requests in flight will be drained (timeout %4, then %5). Each shard then gets a "
                              "new actor on the next version (timeout %6 per shard), every shard is verified "
                              "(timeout %7) and the gate reopens. Prepare timeout %8.")
                   .arg(m_shardCount)
                   .arg(s.rejectAdmission ? QStringLiteral("refused with 503 and Retry-After") : QStringLiteral("held and released in order"))
                   .arg(m_inFlight)
                   .arg(secs(s.drainTimeoutMs))
                   .arg(s.forceDrain ? QStringLiteral("cancel what is left") : QStringLiteral("abort on the old version"))
                   .arg(secs(s.restartTimeoutPerShardMs))
                   .arg(secs(s.verifyTimeoutMs))
                   .arg(secs(s.prepareTimeoutMs));
    }
    m_consequence->setText(text);
    m_warning->setVisible(s.legacy);
    if (!s.legacy)
        m_confirm->clear(); // typed afresh each time legacy is chosen
    m_confirmRow->setVisible(s.legacy);
    refreshButtons();
    m_admission->setEnabled(!s.legacy);
    m_drainPolicy->setEnabled(!s.legacy);
    m_ok->setText(s.legacy ? QStringLiteral("Restart %1 shards (legacy)").arg(m_shardCount)
                           : QStringLiteral("Restart %1 shards").arg(m_shardCount));
    adjustSize();
}

} // namespace shardscope
