#include "views/fleet/FleetPanel.h"

#include "model/fleet/FleetFilterProxy.h"
#include "model/fleet/FleetModel.h"
#include "views/fleet/FleetView.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>
#include <QVBoxLayout>

namespace shardscope {

FleetPanel::FleetPanel(FleetModel &fleet, QWidget *parent)
    : QWidget(parent)
    , m_fleet(fleet)
    , m_proxy(new FleetFilterProxy(this))
    , m_view(nullptr)
    , m_filter(new QLineEdit(this))
    , m_unhealthy(new QCheckBox(QStringLiteral("Only &unhealthy or skewed"), this))
    , m_sort(new QComboBox(this))
    , m_count(new QLabel(this))
{
    m_proxy->setSourceModel(&fleet);
    m_proxy->sort(0);
    m_view = new FleetView(fleet, *m_proxy, this);
    m_filter->setPlaceholderText(QStringLiteral("/ filter nodes: id, state, version (v2)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->installEventFilter(this);
    m_view->installEventFilter(this);
    m_sort->addItems({QStringLiteral("Sort: node id"), QStringLiteral("Sort: severity")});
    auto *next = new QToolButton(this);
    next->setText(QStringLiteral("Next needing attention (n)"));
    next->setToolTip(QStringLiteral("Select the next node that is unhealthy or skewed (n or F8 in the fleet view)"));
    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(m_filter, 2);
    bar->addWidget(m_unhealthy);
    bar->addWidget(m_sort);
    bar->addWidget(next);
    bar->addStretch(1);
    bar->addWidget(m_count);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);

    connect(m_filter, &QLineEdit::textChanged, m_proxy, &FleetFilterProxy::setText);
    connect(m_unhealthy, &QCheckBox::toggled, m_proxy, &FleetFilterProxy::setOnlyUnhealthy);
    connect(m_sort, &QComboBox::activated, this, [this](int i) {
        if (i == 1)
            m_proxy->sortBySeverity();
        else
            m_proxy->sort(0);
    });
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, [this] {
        const QSignalBlocker quiet(m_sort); // a click on a title sorts too: the box follows
        m_sort->setCurrentIndex(m_proxy->sortedBySeverity() ? 1 : 0);
    });
    connect(next, &QToolButton::clicked, m_view, &FleetView::jumpToNextNeedingAttention);
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_proxy, signal, this, &FleetPanel::refreshCount);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &FleetPanel::refreshCount);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &FleetPanel::refreshCount);
    connect(m_proxy, &FleetFilterProxy::filterChanged, this, &FleetPanel::refreshCount);
    refreshCount();
}

QString FleetPanel::countText() const
{
    return m_count->text();
}

void FleetPanel::refreshCount()
{
    const int all = m_fleet.rowCount();
    const int shown = m_proxy->rowCount();
    m_count->setText(shown == all ? QStringLiteral("%1 nodes").arg(all) : QStringLiteral("%1 of %2 nodes shown").arg(shown).arg(all));
}

// `/` in the fleet view goes to the filter; Escape in the filter clears it and goes back.
bool FleetPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (watched == m_view && key->key() == Qt::Key_Slash) {
            m_filter->setFocus(Qt::ShortcutFocusReason);
            m_filter->selectAll();
            return true;
        }
        if (watched == m_filter && (key->key() == Qt::Key_Escape || key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter)) {
            if (key->key() == Qt::Key_Escape)
                m_filter->clear();
            m_view->setFocus(Qt::ShortcutFocusReason);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace shardscope
