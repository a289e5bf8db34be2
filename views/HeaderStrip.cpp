#include "views/HeaderStrip.h"
#include "views/ColourTable.h"

#include "model/console/ConsoleModel.h"
#include "model/console/OperatorTools.h"
#include "model/shards/StateStyle.h"
#include "views/Chip.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace shardscope {

namespace {
constexpr int kFaultsChipWidth = 420; // px of text; the row keeps room for the state chips
}

HeaderStrip::HeaderStrip(ConsoleModel &model, QWidget *parent)
    : QFrame(parent)
    , m_model(model)
    , m_phase(new QLabel(this))
    , m_version(new QLabel(this))
    , m_ready(new QLabel(this))
    , m_counts(new QLabel(this))
    , m_faults(new QLabel(this))
    , m_banner(new QLabel(this))
    , m_alert(new QLabel(this))
{
    setFrameShape(QFrame::StyledPanel);
    QFont big = font();
    big.setPixelSize(15);
    big.setBold(true);
    for (QLabel *l : {m_phase, m_version, m_ready})
        l->setFont(big);
    m_counts->setTextFormat(Qt::RichText);
    m_ready->setTextFormat(Qt::RichText);
    m_faults->setTextFormat(Qt::PlainText);
    m_faults->setAutoFillBackground(true);
    m_faults->setContentsMargins(6, 1, 6, 1);
    m_faults->setAccessibleName(QStringLiteral("Armed faults"));
    m_faults->hide();
    m_banner->setTextFormat(Qt::PlainText);
    m_banner->setAutoFillBackground(true);
    QFont bannerFont = font();
    bannerFont.setBold(true);
    m_banner->setFont(bannerFont);
    m_banner->setContentsMargins(8, 3, 8, 3);
    m_banner->setAccessibleName(QStringLiteral("Version skew banner"));
    m_alert->setAutoFillBackground(true);
    styleBands();
    m_alert->setFont(bannerFont);
    m_alert->setContentsMargins(8, 3, 8, 3);
    m_alert->setAccessibleName(QStringLiteral("Shards down banner"));

    auto *row = new QHBoxLayout;
    row->addWidget(m_phase);
    row->addSpacing(16);
    row->addWidget(m_version);
    row->addSpacing(16);
    row->addWidget(m_ready);
    row->addSpacing(16);
    row->addWidget(m_counts, 1);
    row->addWidget(m_faults);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->setSpacing(4);
    layout->addLayout(row);
    layout->addWidget(m_banner);
    layout->addWidget(m_alert);

    connect(&m_model, &ConsoleModel::summaryChanged, this, &HeaderStrip::refresh);
    connect(&m_model.tools(), &OperatorTools::liveChanged, this, &HeaderStrip::refresh);
    refresh();
}

QString HeaderStrip::phaseText() const { return m_phase->text(); }
QString HeaderStrip::bannerText() const { return m_skewed ? m_banner->text() : QString(); }
QString HeaderStrip::versionLineText() const { return m_banner->text(); }
QString HeaderStrip::alertText() const { return m_alert->text(); }
QString HeaderStrip::readyText() const { return m_ready->text(); }
QString HeaderStrip::versionText() const { return m_version->text(); }
QString HeaderStrip::faultsText() const { return m_faults->isHidden() ? QString() : m_faults->toolTip(); }

void HeaderStrip::refresh()
{
    const ServiceSummary &s = m_model.summary();
    // A lost remote service: what the header shows is the last state seen, and says so.
    const bool live = m_model.tools().live();
    m_phase->setText(serviceHeadline(s, live));
    // While a restart moves shards to a new version, the header names both, so it never
    // reads "v1" beside "v2 on all 64 shards"; before the first answer it names none.
    m_version->setText(versionHeadline(s));
    const bool dark = isDarkPalette(palette());
    const auto chip = [dark](Meaning meaning, const QString &text) {
        const QColor fill = colourFor(meaning, dark);
        return chipHtml(fill, inkOn(fill), text);
    };
    if (!live)
        m_ready->setText(chip(Meaning::Inactive, QStringLiteral("NOT LIVE")));
    else
        m_ready->setText(s.ready ? chip(Meaning::Good, QStringLiteral("READY")) : chip(Meaning::Failure, QStringLiteral("NOT READY")));
    // No shard count from a service that never answered: "0 shards" would be a claim.
    QString counts = s.seen ? QStringLiteral("%1 shards&nbsp;&nbsp;").arg(s.shardCount) : QString();
    for (int i = 0; i < kStateStyleCount; ++i) {
        const int n = s.stateCounts[std::size_t(i)];
        if (n > 0)
            counts += chipHtml(stateFill(i, dark), stateInk(i, dark), QStringLiteral("%1 %2").arg(stateName(i)).arg(n))
                + QStringLiteral("&nbsp;");
    }
    if (s.heldRequests > 0)
        counts += QStringLiteral("&nbsp;held requests: %1").arg(s.heldRequests);
    m_counts->setText(counts);
    showVersionLine(s);
    // Long lists are cut in the strip; the tooltip has all of it and tiles show where.
    m_faults->setText(s.faults.isEmpty() ? QString()
                                         : m_faults->fontMetrics().elidedText(QStringLiteral("FAULTS ARMED: ") + s.faults,
                                                                              Qt::ElideRight, kFaultsChipWidth));
    m_faults->setToolTip(s.faults.isEmpty() ? QString() : QStringLiteral("FAULTS ARMED: ") + s.faults);
    m_faults->setVisible(!s.faults.isEmpty());
    m_alert->setText(s.alert.isEmpty() ? QString() : QStringLiteral("\u2716 ") + s.alert);
    m_alert->setVisible(!s.alert.isEmpty());
}

// Always shown, so the grid below does not jump each time a restart skews versions:
// a calm line while one version serves, amber while more than one does.
void HeaderStrip::showVersionLine(const ServiceSummary &s)
{
    const bool skewed = !s.banner.isEmpty();
    if (skewed != m_skewed)
        styleVersionLine(skewed);
    m_banner->setText(skewed ? QStringLiteral("\u26A0 ") + s.versionLine : s.versionLine);
}

// The bands' colours by meaning, for the theme in use; again at each theme switch.
void HeaderStrip::styleBands()
{
    const bool dark = isDarkPalette(palette());
    const auto fill = [](QLabel *label, const QColor &window, const QColor &text) {
        QPalette p = label->palette();
        p.setColor(QPalette::Window, window);
        p.setColor(QPalette::WindowText, text);
        label->setPalette(p);
    };
    const QColor fault = colourFor(Meaning::Fault, dark); // the tiles' fault chip colour
    fill(m_faults, fault, inkOn(fault));
    const QColor down = colourFor(Meaning::FailureBand, dark);
    fill(m_alert, down, inkOn(down));
    styleVersionLine(m_skewed);
}

void HeaderStrip::styleVersionLine(bool skewed)
{
    m_skewed = skewed;
    // The calm line takes the theme's own colours (a muted text colour), so it sits in the
    // header as the rest does in light and dark alike.
    const QColor window = palette().color(QPalette::Window);
    const QColor text = palette().color(QPalette::WindowText);
    const QColor muted = QColor::fromRgbF(0.7f * text.redF() + 0.3f * window.redF(), 0.7f * text.greenF() + 0.3f * window.greenF(),
                                          0.7f * text.blueF() + 0.3f * window.blueF());
    QPalette p = m_banner->palette();
    const bool dark = isDarkPalette(palette());
    p.setColor(QPalette::Window, skewed ? colourFor(Meaning::WarningBand, dark) : window);
    p.setColor(QPalette::WindowText, skewed ? colourFor(Meaning::WarningBandText, dark) : muted);
    m_banner->setPalette(p);
}

void HeaderStrip::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    // A theme switch replaces the palette: restyle the bands and redraw the chips, or they
    // keep the old theme's colours (a white strip in the dark theme).
    if (event->type() == QEvent::PaletteChange) {
        styleBands();
        refresh();
    }
}

} // namespace shardscope
