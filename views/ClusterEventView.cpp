#include "views/ClusterEventView.h"

#include "model/cluster/ClusterEventLog.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace shardscope {

ClusterEventView::ClusterEventView(ClusterEventLog &log, QWidget *parent)
    : QWidget(parent)
    , m_log(log)
    , m_proxy(new QSortFilterProxyModel(this))
    , m_source(new QLabel(this))
    , m_text(new QLineEdit(this))
    , m_follow(new QCheckBox(QStringLiteral("Follow"), this))
    , m_table(new QTableView(this))
{
    auto *title = new QLabel(QStringLiteral("Cluster events"), this);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    m_source->setForegroundRole(QPalette::PlaceholderText);
    m_text->setPlaceholderText(QStringLiteral("Filter text, node or restart id"));
    m_text->setClearButtonEnabled(true);
    m_text->setMaximumWidth(320);
    m_follow->setChecked(true);
    auto *bar = new QHBoxLayout;
    bar->addWidget(title);
    bar->addSpacing(8);
    bar->addWidget(m_source, 1);
    bar->addWidget(m_text, 1);
    bar->addWidget(m_follow);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);

    m_proxy->setSourceModel(&m_log);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(20);
    m_table->setWordWrap(false);
    m_table->setShowGrid(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    // Fixed widths, as the single-node log: no ResizeToContents over thousands of rows.
    m_table->setColumnWidth(ClusterEventLog::TimeColumn, 96);
    m_table->setColumnWidth(ClusterEventLog::KindColumn, 150);
    m_table->setColumnWidth(ClusterEventLog::NodeColumn, 60);
    m_table->setColumnWidth(ClusterEventLog::RestartColumn, 120);

    connect(m_text, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_follow->isChecked())
            m_table->scrollToBottom();
    });
    // A node's cell is a link; Enter or a double click on any row goes to the node it names.
    m_table->setMouseTracking(true);
    connect(m_table, &QAbstractItemView::clicked, this, [this](const QModelIndex &index) {
        if (index.column() == ClusterEventLog::NodeColumn)
            activate(index);
    });
    connect(m_table, &QAbstractItemView::activated, this, &ClusterEventView::activate);
    connect(m_table, &QAbstractItemView::entered, this, [this](const QModelIndex &index) {
        const bool link = index.column() == ClusterEventLog::NodeColumn && !index.data(ClusterEventLog::NodeRole).toString().isEmpty();
        m_table->viewport()->setCursor(link ? Qt::PointingHandCursor : Qt::ArrowCursor);
    });
    connect(&m_log, &ClusterEventLog::sourceChanged, this, &ClusterEventView::showSource);
    showSource(m_log.sourceNode());
}

QString ClusterEventView::sourceText() const
{
    return m_source->text();
}

void ClusterEventView::activate(const QModelIndex &index)
{
    const QString node = index.data(ClusterEventLog::NodeRole).toString();
    if (!node.isEmpty())
        Q_EMIT nodeActivated(node);
}

void ClusterEventView::showSource(const QString &nodeId)
{
    m_source->setText(nodeId.isEmpty() ? QStringLiteral("waiting for a node to answer")
                                       : QStringLiteral("as %1 saw them (each node logs its own)").arg(nodeId));
}

} // namespace shardscope
