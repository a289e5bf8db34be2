#include "views/ConnectionBanner.h"

#include "model/console/ConsoleModel.h"
#include "model/console/OperatorTools.h"
#include "views/ColourTable.h"

#include <QDateTime>
#include <QEvent>
#include <QPainter>

namespace shardscope {
namespace {

// Greys what lies under it and says why; lets clicks through to the tiles.
class Veil : public QWidget
{
public:
    explicit Veil(QWidget *parent)
        : QWidget(parent)
    {
        setAttribute(Qt::WA_TransparentForMouseEvents);
    }
    QString text;

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter p(this);
        p.fillRect(rect(), colourFor(Meaning::Veil, isDarkPalette(palette())));
        p.setPen(Qt::white);
        QFont f = font();
        f.setBold(true);
        f.setPointSizeF(f.pointSizeF() * 1.3);
        p.setFont(f);
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, text);
    }
};

QString bannerStyle(Meaning meaning, const QWidget &w, const char *rest)
{
    return QStringLiteral("QLabel { background: %1; %2 padding: 4px 8px; }")
        .arg(colourFor(meaning, isDarkPalette(w.palette())).name(), QString::fromLatin1(rest));
}

} // namespace

ConnectionBanner::ConnectionBanner(ConsoleModel &model, QList<QWidget *> veiled, QWidget *parent)
    : QLabel(parent)
    , m_model(model)
    , m_veiled(std::move(veiled))
{
    for (QWidget *w : m_veiled) {
        m_veils << new Veil(w);
        w->installEventFilter(this);
    }
    setWordWrap(true);
    setAccessibleName(QStringLiteral("Connection to the service"));
    m_clock.setInterval(1000);
    connect(&m_clock, &QTimer::timeout, this, &ConnectionBanner::refresh);
    connect(&m_model.tools(), &OperatorTools::liveChanged, this, &ConnectionBanner::refresh);
    refresh();
}

bool ConnectionBanner::eventFilter(QObject *watched, QEvent *event)
{
    const qsizetype i = m_veiled.indexOf(static_cast<QWidget *>(watched));
    if (i >= 0 && event->type() == QEvent::Resize)
        m_veils[i]->setGeometry(m_veiled[i]->rect());
    return QLabel::eventFilter(watched, event);
}

void ConnectionBanner::refresh()
{
    const OperatorTools &tools = m_model.tools();
    m_lost = !tools.live();
    setVisible(m_lost || tools.polling());
    for (QWidget *veil : m_veils)
        veil->setVisible(m_lost);
    if (m_lost) {
        showLoss();
        return;
    }
    m_clock.stop();
    if (tools.polling()) {
        setStyleSheet(bannerStyle(Meaning::Warning, *this, "color: black;"));
        setText(QStringLiteral("Live by polling %1 %2.").arg(m_model.endpoint(), tools.connectionDetail()));
    }
}

void ConnectionBanner::showLoss()
{
    const OperatorTools &tools = m_model.tools();
    setStyleSheet(bannerStyle(Meaning::Failure, *this, "color: white; font-weight: bold;"));
    m_clock.start();
    const qint64 seen = tools.lastSeenMs();
    const QString when = seen == 0 ? QStringLiteral("never reached")
                                   : QStringLiteral("last seen %1 (%2 s ago)")
                                         .arg(QDateTime::fromMSecsSinceEpoch(seen).toString(QStringLiteral("HH:mm:ss")))
                                         .arg((QDateTime::currentMSecsSinceEpoch() - seen) / 1000);
    const QString tiles = seen == 0 ? QStringLiteral("Nothing has been received from it yet.")
                                    : QStringLiteral("The tiles below are the last state seen, not live.");
    setText(QStringLiteral("\u26a0 Not connected to %1: %2. %3 %4").arg(m_model.endpoint(), when, tiles, tools.connectionDetail()));
    for (qsizetype i = 0; i < m_veils.size(); ++i) {
        // The large text goes on the biggest veil only (the grid); the others just grey.
        static_cast<Veil *>(m_veils[i])->text = i == m_veils.size() - 1 ? QStringLiteral("Disconnected \u2014 %1").arg(when) : QString();
        m_veils[i]->setGeometry(m_veiled[i]->rect());
        m_veils[i]->raise();
        m_veils[i]->update();
    }
}

} // namespace shardscope
