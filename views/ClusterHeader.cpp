#include "views/ClusterHeader.h"

#include "model/cluster/ClusterModel.h"
#include "views/ColourTable.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace shardscope {
namespace {

void paint(QLabel *label, const QColor &background, const QColor &text = Qt::black)
{
    label->setAutoFillBackground(background.isValid());
    QPalette p = label->palette();
    if (background.isValid())
        p.setColor(QPalette::Window, background);
    p.setColor(QPalette::WindowText, background.isValid() ? text : label->parentWidget()->palette().color(QPalette::WindowText));
    label->setPalette(p);
}

QString versionsLine(const std::map<std::int64_t, int> &versions)
{
    if (versions.empty())
        return QStringLiteral("no node up");
    QStringList parts;
    for (auto it = versions.rbegin(); it != versions.rend(); ++it)
        parts << QStringLiteral("v%1: %2 node%3").arg(it->first).arg(it->second).arg(QLatin1String(it->second == 1 ? "" : "s"));
    return parts.join(QStringLiteral(", "));
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

} // namespace

ClusterHeader::ClusterHeader(ClusterModel &model, QWidget *parent)
    : QFrame(parent)
    , m_model(model)
    , m_title(new QLabel(this))
    , m_versions(new QLabel(this))
    , m_etcd(new QLabel(this))
    , m_coordinator(new QLabel(this))
    , m_restart(new QLabel(this))
    , m_gone(new QLabel(this))
{
    setFrameShape(QFrame::StyledPanel);
    QFont big = font();
    big.setPixelSize(15);
    big.setBold(true);
    for (QLabel *l : {m_title, m_versions, m_etcd, m_coordinator, m_gone})
        l->setFont(big);
    for (QLabel *l : {m_versions, m_etcd, m_gone})
        l->setContentsMargins(6, 1, 6, 1);
    auto *top = new QHBoxLayout;
    for (QLabel *l : {m_title, m_versions, m_etcd, m_coordinator}) {
        top->addWidget(l);
        top->addSpacing(16);
    }
    top->addStretch(1);
    auto *second = new QHBoxLayout;
    second->addWidget(m_restart, 1);
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
QString ClusterHeader::versionsText() const { return m_versions->text(); }
QString ClusterHeader::etcdText() const { return m_etcd->text(); }
QString ClusterHeader::coordinatorText() const { return m_coordinator->text(); }
QString ClusterHeader::restartText() const { return m_restart->text(); }
QString ClusterHeader::goneText() const { return m_gone->text(); }

void ClusterHeader::refresh()
{
    m_title->setText(QStringLiteral("Cluster %1").arg(m_model.clusterName()));
    const auto versions = m_model.versions();
    m_versions->setText(versionsLine(versions));
    const bool dark = isDarkPalette(palette());
    paint(m_versions, versions.size() > 1 ? colourFor(Meaning::Warning, dark) : QColor());
    m_etcd->setText(m_model.etcdText());
    paint(m_etcd, m_model.etcdOk() ? QColor() : colourFor(Meaning::Failure, dark), Qt::white);
    m_coordinator->setText(m_model.coordinator().isEmpty() ? QStringLiteral("no coordinator elected")
                                                           : QStringLiteral("\u2605 %1 coordinates").arg(m_model.coordinator()));
    m_restart->setText(restartLine(m_model) + (m_model.statusProblem().isEmpty() ? QString() : QStringLiteral("; ") + m_model.statusProblem()));
    int lost = 0, left = 0;
    for (const ClusterNodeRow &r : m_model.nodes()) {
        lost += r.state == QLatin1String("lost");
        left += r.state == QLatin1String("left");
    }
    QStringList gone;
    if (lost)
        gone << QStringLiteral("%1 lost").arg(lost);
    if (left)
        gone << QStringLiteral("%1 left").arg(left);
    m_gone->setText(gone.isEmpty() ? QString() : QStringLiteral("nodes: %1").arg(gone.join(QStringLiteral(", "))));
    m_gone->setVisible(!gone.isEmpty());
    paint(m_gone, colourFor(Meaning::Failure, dark), Qt::white);
}

} // namespace shardscope
