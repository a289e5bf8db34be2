#include "views/ShardGridPanel.h"

#include "model/console/ConsoleModel.h"
#include "model/console/OperatorTools.h"
#include "model/shards/ShardFilterProxy.h"
#include "model/shards/ShardTableModel.h"
#include "views/ShardGridView.h"

#include <QCheckBox>
#include <QClipboard>
#include <QGuiApplication>
#include <QComboBox>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QSettings>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

namespace shardscope {

ShardGridPanel::ShardGridPanel(ConsoleModel &model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_view(new ShardGridView(this))
    , m_unhealthy(new QCheckBox(QStringLiteral("Only &unhealthy or skewed"), this))
    , m_sort(new QComboBox(this))
    , m_size(new QComboBox(this))
    , m_latency(new QComboBox(this))
    , m_stall(new QSpinBox(this))
    , m_count(new QLabel(this))
{
    for (int v = 0; v < kLatencyViewCount; ++v)
        m_latency->addItem(QStringLiteral("p99: ") + (v == 0 ? QStringLiteral("work") : ShardTableModel::latencyViewName(v)));
    m_latency->setAccessibleName(QStringLiteral("Latency shown on tiles"));
    m_latency->setToolTip(QStringLiteral("What the tiles' p99 and the selected shard's latency are over: the shard's "
                                         "work (every procedure but sleep, a deliberate wait) or one procedure"));
    m_stall->setRange(1, 600);
    m_stall->setPrefix(QStringLiteral("stall \u2265 "));
    m_stall->setSuffix(QStringLiteral(" s"));
    m_stall->setValue(int(m_model.shards().stallThresholdMs() / 1000));
    m_stall->setAccessibleName(QStringLiteral("Stall threshold"));
    m_stall->setToolTip(QStringLiteral("A shard whose oldest request in flight is older than this is drawn stalled"));
    m_sort->addItems({QStringLiteral("Sort by id"), QStringLiteral("Sort by queue depth"), QStringLiteral("Sort by version"),
                      QStringLiteral("Sort by severity"), QStringLiteral("Sort by in flight"),
                      QStringLiteral("Sort by oldest request"), QStringLiteral("Sort by failed requests")});
    m_sort->setAccessibleName(QStringLiteral("Sort shards"));
    m_size->addItems({QStringLiteral("Tiles: auto"), QStringLiteral("Tiles: large"), QStringLiteral("Tiles: medium"), QStringLiteral("Tiles: small"),
                      QStringLiteral("Tiles: heat map")});
    m_size->setAccessibleName(QStringLiteral("Tile size"));

    auto *controls = new QHBoxLayout;
    m_controls = controls;
    controls->addWidget(m_unhealthy);
    controls->addWidget(m_sort);
    controls->addWidget(m_size);
    controls->addWidget(m_latency);
    controls->addWidget(m_stall);
    controls->addStretch(1);
    controls->addWidget(m_count);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(controls);
    layout->addWidget(m_view, 1);

    m_view->setModel(&m_model.shardProxy());
    connect(m_unhealthy, &QCheckBox::toggled, this, [this](bool on) {
        m_model.shardProxy().setUnhealthyOnly(on);
        updateCount();
    });
    connect(m_sort, &QComboBox::currentIndexChanged, this, &ShardGridPanel::applySort);
    connect(m_latency, &QComboBox::currentIndexChanged, this, [this](int v) { m_model.shards().setLatencyView(v); });
    connect(m_stall, &QSpinBox::valueChanged, this, [this](int s) { m_model.shards().setStallThresholdMs(quint32(s) * 1000); });
    connect(m_size, &QComboBox::currentIndexChanged, this, [this](int i) {
        m_view->setTileSize(ShardGridView::TileSize(i));
        QSettings().setValue(m_group + QStringLiteral("/tileSize"), i);
    });
    m_size->setCurrentIndex(std::clamp(QSettings().value(m_group + QStringLiteral("/tileSize"), 0).toInt(), 0, m_size->count() - 1));
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex &current) {
        m_model.setSelectedShard(current.isValid() ? current.data(ShardTableModel::IdRole).toInt() : -1);
    });
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QModelIndex index = m_view->indexAt(pos);
        if (!index.isValid())
            return;
        QMenu *menu = contextMenuFor(index.data(ShardTableModel::IdRole).toInt());
        menu->popup(m_view->viewport()->mapToGlobal(pos));
    });
    QAbstractItemModel *proxy = &m_model.shardProxy();
    connect(proxy, &QAbstractItemModel::modelReset, this, &ShardGridPanel::updateCount);
    connect(proxy, &QAbstractItemModel::rowsInserted, this, &ShardGridPanel::updateCount);
    connect(proxy, &QAbstractItemModel::rowsRemoved, this, &ShardGridPanel::updateCount);
    connect(proxy, &QAbstractItemModel::layoutChanged, this, &ShardGridPanel::updateCount);
    updateCount();
}

QMenu *ShardGridPanel::contextMenuFor(int shard)
{
    auto *menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addAction(QStringLiteral("Select shard %1").arg(shard), this, [this, shard] { selectShard(shard); });
    menu->addAction(QStringLiteral("Copy shard id"), this,
                    [shard] { QGuiApplication::clipboard()->setText(QString::number(shard)); });
    menu->addAction(QStringLiteral("Send a probe query to shard %1").arg(shard), this,
                    [this, shard] { m_model.tools().probeShard(shard); });
    menu->addAction(QStringLiteral("Show events for shard %1").arg(shard), this,
                    [this, shard] { Q_EMIT showEventsRequested(shard); });
    return menu;
}

void ShardGridPanel::setSettingsGroup(const QString &group)
{
    m_group = group;
    const QSignalBlocker quiet(m_size); // reading the group's choice does not write it back
    m_size->setCurrentIndex(std::clamp(QSettings().value(m_group + QStringLiteral("/tileSize"), 0).toInt(), 0, m_size->count() - 1));
    m_view->setTileSize(ShardGridView::TileSize(m_size->currentIndex()));
}

void ShardGridPanel::wrapControls()
{
    auto *second = new QHBoxLayout;
    for (QWidget *w : std::initializer_list<QWidget *>{m_latency, m_stall}) {
        m_controls->removeWidget(w);
        second->addWidget(w);
    }
    m_controls->removeWidget(m_count);
    second->addStretch(1);
    second->addWidget(m_count);
    static_cast<QBoxLayout *>(layout())->insertLayout(1, second);
}

void ShardGridPanel::selectShard(int shard)
{
    for (int attempt = 0; attempt < 2; ++attempt) {
        const QAbstractItemModel &proxy = m_model.shardProxy();
        for (int row = 0; row < proxy.rowCount(); ++row) {
            const QModelIndex index = proxy.index(row, 0);
            if (index.data(ShardTableModel::IdRole).toInt() == shard) {
                m_view->setCurrentIndex(index);
                m_view->scrollTo(index);
                return;
            }
        }
        m_unhealthy->setChecked(false); // the filter hid it: show every shard and look again
    }
}

void ShardGridPanel::applySort(int index)
{
    // Deepest queues and newest versions first: what an operator looks for.
    switch (index) {
    case 1: m_model.shardProxy().setSortKey(ShardFilterProxy::SortKey::QueueDepth, Qt::DescendingOrder); break;
    case 2: m_model.shardProxy().setSortKey(ShardFilterProxy::SortKey::Version, Qt::DescendingOrder); break;
    case 3: m_model.shardProxy().setSortKey(ShardFilterProxy::SortKey::Severity, Qt::DescendingOrder); break;
    case 4: m_model.shardProxy().setSortKey(ShardFilterProxy::SortKey::InFlight, Qt::DescendingOrder); break;
    case 5: m_model.shardProxy().setSortKey(ShardFilterProxy::SortKey::OldestRequest, Qt::DescendingOrder); break;
    case 6: m_model.shardProxy().setSortKey(ShardFilterProxy::SortKey::Failed, Qt::DescendingOrder); break;
    default: m_model.shardProxy().setSortKey(ShardFilterProxy::SortKey::Id, Qt::AscendingOrder); break;
    }
}

void ShardGridPanel::updateCount()
{
    const int total = m_model.shards().rowCount();
    const int shown = m_model.shardProxy().rowCount();
    // Tiles sized for the shards shown: a filter that leaves a few of 1024 shows them as
    // labelled tiles, not as unlabelled heat-map cells.
    m_view->updateTileSize(std::max(shown, 1));
    // A service has 1..1024 shards: none means none known yet, which is no count at all.
    m_count->setText(total == 0        ? QString()
                         : shown == total ? QStringLiteral("%1 shards").arg(total)
                                          : QStringLiteral("%1 of %2 shards").arg(shown).arg(total));
    m_view->setEmptyText(shown == 0 && total > 0
                             ? QStringLiteral("No shard matches the filter: all %1 shards are serving, or where a running restart "
                                              "expects them. Clear \u201cOnly unhealthy or skewed\u201d to see them.")
                                   .arg(total)
                             : QString());
}

} // namespace shardscope
