#include "views/EventLogView.h"

#include "model/console/ConsoleModel.h"
#include "model/events/EventFilterProxy.h"
#include "model/events/EventListModel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>

namespace shardscope {

EventLogView::EventLogView(ConsoleModel &model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_level(new QComboBox(this))
    , m_shard(new QSpinBox(this))
    , m_text(new QLineEdit(this))
    , m_follow(new QCheckBox(QStringLiteral("Follow"), this))
    , m_table(new QTableView(this))
{
    m_level->addItems({QStringLiteral("debug and above"), QStringLiteral("info and above"),
                       QStringLiteral("warnings and errors"), QStringLiteral("errors only")});
    m_level->setAccessibleName(QStringLiteral("Minimum level"));
    m_shard->setRange(-1, 65535);
    m_shard->setValue(-1);
    m_shard->setSpecialValueText(QStringLiteral("all shards"));
    m_shard->setPrefix(QStringLiteral("shard "));
    m_shard->setAccessibleName(QStringLiteral("Shard filter"));
    m_text->setPlaceholderText(QStringLiteral("Filter text"));
    m_text->setClearButtonEnabled(true);
    m_follow->setChecked(true);

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(QStringLiteral("Level:"), this));
    bar->addWidget(m_level);
    bar->addWidget(m_shard);
    bar->addWidget(m_text, 1);
    bar->addWidget(m_follow);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);

    m_table->setModel(&m_model.eventProxy());
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(20);
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    // Fixed widths: ResizeToContents over 20000 rows would cost a frame each time.
    m_table->setColumnWidth(EventListModel::TimeColumn, 96);
    m_table->setColumnWidth(EventListModel::LevelColumn, 64);
    m_table->setColumnWidth(EventListModel::SourceColumn, 80);
    m_table->setColumnWidth(EventListModel::ShardColumn, 48);

    connect(m_level, &QComboBox::currentIndexChanged, this, [this](int i) { m_model.eventProxy().setMinimumLevel(i); });
    connect(m_shard, &QSpinBox::valueChanged, this, [this](int s) { m_model.eventProxy().setShard(s); });
    connect(m_text, &QLineEdit::textChanged, this, [this](const QString &t) { m_model.eventProxy().setFilterFixedString(t); });
    connect(&m_model.eventProxy(), &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_follow->isChecked())
            m_table->scrollToBottom();
    });
    m_level->setCurrentIndex(1);
}

} // namespace shardscope
