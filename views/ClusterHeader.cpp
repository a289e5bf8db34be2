#include "views/ClusterHeader.h"

#include "model/cluster/ClusterModel.h"
#include "model/cluster/ClusterProgress.h"
#include "views/ClusterStepper.h"
#include "views/ColourTable.h"
#include "views/ElidedLabel.h"
#include "views/NodeLinks.h"

#include <QDateTime>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QTextDocument>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace shardscope {
namespace {

constexpr int kNamesShown = 6; // per version; the tooltip names them all
constexpr int kLineMinWidth = ElidedLabel::kMinWidth;
constexpr const char *kPlain = "plainText"; // a line's text as shown, without markup

// A rich-text line as wide as its text on one line while there is room, wrapping (links
// whole) when there is not: a word-wrapped QLabel alone asks for a narrow column.
class WrappingLabel : public QLabel
{
public:
    explicit WrappingLabel(QWidget *parent)
        : QLabel(parent)
    {
        setTextFormat(Qt::RichText);
        setWordWrap(true);
    }
    QSize sizeHint() const override
    {
        QTextDocument doc;
        doc.setDefaultFont(font());
        doc.setDocumentMargin(0);
        doc.setHtml(text());
        const QMargins m = contentsMargins();
        const int w = int(std::ceil(doc.idealWidth())) + m.left() + m.right() + 2 * margin() + 2;
        return {w, heightForWidth(w)};
    }
    QSize minimumSizeHint() const override { return {kLineMinWidth, QLabel::minimumSizeHint().height()}; }
};

void paint(QLabel *label, const QColor &background, const QColor &text = Qt::black)
{
    label->setAutoFillBackground(background.isValid());
    QPalette p = label->palette();
    if (background.isValid())
        p.setColor(QPalette::Window, background);
    const QColor ink = background.isValid() ? text : label->parentWidget()->palette().color(QPalette::WindowText);
    p.setColor(QPalette::WindowText, ink);
    p.setColor(QPalette::Link, background.isValid() ? text : label->parentWidget()->palette().color(QPalette::Link));
    label->setPalette(p);
}

QString plural(int n, const char *one, const char *many)
{
    return QStringLiteral("%1 %2").arg(n).arg(QLatin1String(n == 1 ? one : many));
}

// Names, the first few as links and the rest counted ("n3, n4 and 9 more").
QString names(const QStringList &ids, bool html, const QString &linkColour = {})
{
    QStringList shown;
    for (const QString &id : ids.mid(0, kNamesShown))
        shown << (html ? nodeLink(id, linkColour) : id);
    const qsizetype more = ids.size() - shown.size();
    return shown.join(QStringLiteral(", ")) + (more > 0 ? QStringLiteral(" and %1 more").arg(more) : QString());
}

// "v2: 11 nodes; v1: n9 (lost, last seen)": the newest version's nodes counted, the nodes
// behind it named, a lost node under the version it last reported.
QString tally(const std::vector<VersionGroup> &groups, bool html, bool full, const QString &linkColour = {})
{
    if (groups.empty())
        return QStringLiteral("no node up");
    QStringList parts;
    for (std::size_t i = 0; i < groups.size(); ++i) {
        const VersionGroup &g = groups[i];
        QStringList who;
        if (!g.up.isEmpty())
            who << (i == 0 && !full ? plural(int(g.up.size()), "node", "nodes") : full ? g.up.join(QStringLiteral(", ")) : names(g.up, html, linkColour));
        for (const QString &id : g.lastSeen)
            who << QStringLiteral("%1 (lost, last seen)").arg(html ? nodeLink(id, linkColour) : id);
        parts << QStringLiteral("v%1: %2").arg(g.version).arg(who.join(QStringLiteral(", ")));
    }
    return parts.join(QStringLiteral("; "));
}

QString restartLine(const ClusterModel &m)
{
    const ClusterRestartStatus *r = m.restart();
    if (!r)
        return QStringLiteral("no cluster restart yet");
    QString head = QStringLiteral("%1 restart %2").arg(r->strategy, r->id);
    if (r->createdMs > 0)
        head += QStringLiteral(" (requested %1 through %2)")
                    .arg(QDateTime::fromMSecsSinceEpoch(r->createdMs).toString(QStringLiteral("HH:mm:ss")), r->acceptedBy);
    if (r->running)
        return QStringLiteral("%1: %2").arg(head, r->state);
    return QStringLiteral("last %1: %2%3").arg(head, r->state, r->reason.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(r->reason));
}

QStringList idsIn(const std::vector<ClusterNodeRow> &rows, const char *state = nullptr)
{
    QStringList ids;
    for (const ClusterNodeRow &r : rows) {
        if (!state || r.state == QLatin1String(state))
            ids << r.id;
    }
    std::sort(ids.begin(), ids.end(), naturalLess);
    return ids;
}

} // namespace

ClusterHeader::ClusterHeader(ClusterModel &model, QWidget *parent)
    : QFrame(parent)
    , m_model(model)
    , m_title(new QLabel(this))
    , m_versions(new WrappingLabel(this))
    , m_etcd(new ElidedLabel(this))
    , m_coordinator(new WrappingLabel(this))
    , m_restart(new WrappingLabel(this))
    , m_gone(new WrappingLabel(this))
    , m_stepper(new ClusterStepper(this))
{
    setFrameShape(QFrame::StyledPanel);
    QFont big = font();
    big.setPixelSize(15);
    big.setBold(true);
    for (QLabel *l : {m_title, m_versions, m_etcd, m_coordinator, m_gone})
        l->setFont(big);
    for (QLabel *l : {m_versions, m_etcd, m_gone})
        l->setContentsMargins(6, 1, 6, 1);
    // Lines that can be long wrap (their links stay whole) within the width they are given.
    for (QLabel *l : {m_versions, m_coordinator, m_restart, m_gone}) {
        l->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
        connect(l, &QLabel::linkActivated, this, [this](const QString &href) {
            const QString id = nodeOfLink(href);
            if (!id.isEmpty())
                Q_EMIT nodeActivated(id);
        });
    }
    m_title->setTextFormat(Qt::PlainText);
    // Each line as wide as its text while the window has room; past that they shrink
    // (wrap or elide) rather than widen the window.
    auto *top = new QHBoxLayout;
    for (QLabel *l : {m_title, m_versions, m_etcd, m_coordinator}) {
        top->addWidget(l);
        top->addSpacing(16);
    }
    top->addStretch(1);
    auto *second = new QHBoxLayout;
    second->addWidget(m_restart, 1);
    second->addWidget(m_stepper);
    second->addWidget(m_gone);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->setSpacing(4);
    layout->addLayout(top);
    layout->addLayout(second);
    connect(&m_model, &ClusterModel::changed, this, &ClusterHeader::refresh);
    refresh();
}

QString ClusterHeader::titleText() const { return m_title->text(); }
QString ClusterHeader::versionsText() const { return m_versions->property(kPlain).toString(); }
QString ClusterHeader::etcdText() const { return m_etcd->toolTip(); }
QString ClusterHeader::coordinatorText() const { return m_coordinator->property(kPlain).toString(); }
QString ClusterHeader::restartText() const { return m_restart->property(kPlain).toString(); }
QString ClusterHeader::goneText() const { return m_gone->property(kPlain).toString(); }

void ClusterHeader::changeEvent(QEvent *event)
{
    QFrame::changeEvent(event);
    if (event->type() != QEvent::PaletteChange || m_repainting)
        return;
    // A label's rich text keeps the link colour it was laid out with: lay it out again.
    m_repainting = true;
    for (QLabel *l : {m_versions, m_coordinator, m_restart, m_gone})
        l->clear();
    refresh();
    m_repainting = false;
}

void ClusterHeader::setLine(QLabel *label, const QString &html, const QString &plain, const QString &tip)
{
    if (label->text() != html)
        label->setText(html);
    label->setProperty(kPlain, plain);
    label->setToolTip(tip.isEmpty() ? plain : tip);
}

void ClusterHeader::refresh()
{
    const auto &rows = m_model.nodes();
    m_title->setText(QStringLiteral("Cluster %1").arg(m_model.clusterName()));
    const auto groups = versionTally(rows);
    const bool dark = isDarkPalette(palette());
    const bool apart = m_model.versions().size() > 1;
    paint(m_versions, apart ? colourFor(Meaning::Warning, dark) : QColor());
    // On the amber chip the links take its ink: the theme's link blue does not read there.
    setLine(m_versions, tally(groups, true, false, apart ? QStringLiteral("black") : QString()), tally(groups, false, false),
            tally(groups, false, true)); // the tip names all
    static_cast<ElidedLabel *>(m_etcd)->setFullText(m_model.etcdText());
    paint(m_etcd, m_model.etcdOk() ? QColor() : colourFor(Meaning::Failure, dark), Qt::white);
    const QString coordinator = m_model.coordinator();
    setLine(m_coordinator,
            coordinator.isEmpty() ? QStringLiteral("no coordinator elected") : QStringLiteral("\u2605 %1 coordinates").arg(nodeLink(coordinator)),
            coordinator.isEmpty() ? QStringLiteral("no coordinator elected") : QStringLiteral("\u2605 %1 coordinates").arg(coordinator));
    const ClusterProgress progress = clusterProgress(rows, m_model.restart());
    m_stepper->setProgress(progress);
    const QString detail = progress.running ? progress.detail() : QString();
    const QString restart = restartLine(m_model) + (detail.isEmpty() ? QString() : QStringLiteral("; ") + detail)
        + (m_model.statusProblem().isEmpty() ? QString() : QStringLiteral("; ") + m_model.statusProblem());
    setLine(m_restart, linkNodes(restart, idsIn(rows)), restart);
    QStringList gone, goneHtml;
    // Up to etcd but out of the console's reach (stopped, cut off, killed within its lease):
    // named at once, before etcd's lease runs out.
    QStringList unreachable;
    for (const ClusterNodeRow &r : rows) {
        if (r.up() && !unreachableText(m_model.linkOf(r.id)).isEmpty())
            unreachable << r.id;
    }
    std::sort(unreachable.begin(), unreachable.end(), naturalLess);
    const std::pair<const char *, QStringList> groupsGone[] = {
        {"not reachable", unreachable}, {"lost", idsIn(rows, "lost")}, {"left", idsIn(rows, "left")}};
    for (const auto &[state, ids] : groupsGone) {
        if (ids.isEmpty())
            continue;
        gone << QStringLiteral("%1 %2 (%3)").arg(ids.size()).arg(QLatin1String(state), names(ids, false));
        goneHtml << QStringLiteral("%1 %2 (%3)").arg(ids.size()).arg(QLatin1String(state), names(ids, true, QStringLiteral("white")));
    }
    const auto nodes = [](const QStringList &parts) { return parts.isEmpty() ? QString() : QStringLiteral("nodes: ") + parts.join(QStringLiteral(", ")); };
    paint(m_gone, colourFor(Meaning::Failure, dark), Qt::white);
    setLine(m_gone, nodes(goneHtml), nodes(gone));
    m_gone->setVisible(!gone.isEmpty());
    const QString blocker = restartRefusal(rows, m_model.etcdOk(), m_model.etcdText(), m_model.restartRunning());
    if (blocker != m_blocker) {
        m_blocker = blocker;
        Q_EMIT restartBlockerChanged(blocker);
    }
}

} // namespace shardscope
