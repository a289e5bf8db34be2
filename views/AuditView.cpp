#include "views/AuditView.h"
#include "views/ColourTable.h"

#include "model/console/ConsoleModel.h"
#include "model/console/OperatorTools.h"

#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace shardscope {

AuditView::AuditView(ConsoleModel &model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_table(new QTreeWidget(this))
{
    m_table->setHeaderLabels({QStringLiteral("Time"), QStringLiteral("Command"), QStringLiteral("Client"),
                              QStringLiteral("Outcome"), QStringLiteral("Duration"), QStringLiteral("Details")});
    m_table->setRootIsDecorated(false);
    m_table->setAlternatingRowColors(true);
    m_table->header()->setStretchLastSection(true);
    m_table->setAccessibleName(QStringLiteral("Audit of restarts, stops and starts"));
    auto *refresh = new QPushButton(QStringLiteral("&Refresh"), this);
    connect(refresh, &QPushButton::clicked, &m_model.tools(), &OperatorTools::refreshAudit);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(QStringLiteral("Every restart, stop and start, refused ones too (also in the audit file "
                                             "and at /v1/service/audit)."), this), 1);
    top->addWidget(refresh);
    layout->addLayout(top);
    layout->addWidget(m_table, 1);
    connect(&m_model.tools(), &OperatorTools::auditChanged, this, &AuditView::fill);
    m_refresh.setInterval(3000);
    connect(&m_refresh, &QTimer::timeout, &m_model.tools(), &OperatorTools::refreshAudit);
}

void AuditView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_model.tools().refreshAudit();
    m_refresh.start();
}

void AuditView::hideEvent(QHideEvent *event)
{
    m_refresh.stop();
    QWidget::hideEvent(event);
}

void AuditView::fill()
{
    m_table->clear();
    for (const AuditRow &row : m_model.tools().audit()) {
        auto *item = new QTreeWidgetItem(m_table, {row.time, row.command, row.client, row.outcome, row.duration, row.detail});
        item->setToolTip(5, row.detail);
        if (row.outcome != QLatin1String("completed"))
            item->setForeground(3, colourFor(Meaning::FailureText, isDarkPalette(palette())));
    }
    for (int c = 0; c < 5; ++c)
        m_table->resizeColumnToContents(c);
}

} // namespace shardscope
