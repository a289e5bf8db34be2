#include "views/fleet/RestartHistoryDialog.h"

#include "model/client/ClusterClient.h"
#include "model/fleet/RestartHistoryModel.h"
#include "model/fleet/RestartReplay.h"
#include "views/ColourTable.h"
#include "views/fleet/FleetView.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace shardscope {
namespace {

constexpr int kPlayTickMs = 50;
constexpr int kPlaySeconds = 10; // a whole run plays in about this long, however long it took

// An outcome's colour by its meaning: completed green, a run under way blue, failed red,
// a stop on the way back amber (a selected row keeps the highlight's text colour, which reads on it).
Meaning outcomeMeaning(const QString &state)
{
    if (state == QLatin1String("completed"))
        return Meaning::GoodText;
    if (state == QLatin1String("failed"))
        return Meaning::FailureText;
    if (state == QLatin1String("pending") || state == QLatin1String("running"))
        return Meaning::Running;
    return Meaning::WarningText; // aborted, rolled back, stopped
}

class OutcomeDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const QColor ink = colourFor(outcomeMeaning(index.data(RestartHistoryModel::OutcomeRole).toString()), isDarkPalette(option->palette));
        option->palette.setColor(QPalette::Text, ink);
        option->font.setBold(true);
    }
};

QString clock(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss.zzz"));
}

// A guarded restart's verdict per node, with the figures the gate judged on.
QString gateLines(const QJsonObject &journal)
{
    QString out;
    for (const QJsonValue &v : journal.value(QStringLiteral("nodes")).toArray()) {
        const QJsonObject gate = v.toObject().value(QStringLiteral("gate")).toObject();
        const QString verdict = gate.value(QStringLiteral("verdict")).toString();
        const QString reason = gate.value(QStringLiteral("reason")).toString();
        if (!verdict.isEmpty())
            out += QStringLiteral("\ngate on %1: %2%3").arg(v.toObject().value(QStringLiteral("id")).toString(), verdict,
                                                         reason.isEmpty() ? QString() : QStringLiteral(": ") + reason);
    }
    return out;
}

} // namespace

RestartHistoryDialog::RestartHistoryDialog(ClusterClient *client, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_model(new RestartHistoryModel(this))
    , m_runs(new QTableView(this))
    , m_status(new QLabel(this))
    , m_runLine(new QLabel(this))
    , m_replayBox(new QVBoxLayout)
    , m_slider(new QSlider(Qt::Horizontal, this))
    , m_play(new QPushButton(tr("Play"), this))
    , m_time(new QLabel(this))
    , m_player(new QTimer(this))
{
    setWindowTitle(tr("Cluster restart history"));
    m_runs->setModel(m_model);
    m_runs->setItemDelegateForColumn(RestartHistoryModel::OutcomeColumn, new OutcomeDelegate(m_runs));
    m_runs->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_runs->setSelectionMode(QAbstractItemView::SingleSelection);
    m_runs->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_runs->verticalHeader()->hide();
    m_runs->horizontalHeader()->setStretchLastSection(true);
    m_runs->setMaximumHeight(180);
    m_runLine->setWordWrap(true);
    m_runLine->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_slider->setEnabled(false);
    m_play->setEnabled(false);
    m_player->setInterval(kPlayTickMs);

    auto *controls = new QHBoxLayout;
    controls->addWidget(m_play);
    controls->addWidget(m_slider, 1);
    controls->addWidget(m_time);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addWidget(m_runs);
    layout->addWidget(m_runLine);
    layout->addLayout(m_replayBox, 1);
    layout->addLayout(controls);

    connect(m_runs->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { selectRun(m_model->runId(current.row())); });
    connect(m_slider, &QSlider::valueChanged, this, [this](int offset) {
        if (m_replay && m_replay->timeMs() != m_replay->startMs() + offset)
            m_replay->setTimeMs(m_replay->startMs() + offset);
    });
    connect(m_play, &QPushButton::clicked, this, &RestartHistoryDialog::togglePlay);
    connect(m_player, &QTimer::timeout, this, [this] {
        const qint64 step = std::max<qint64>(1, (m_replay->endMs() - m_replay->startMs()) * kPlayTickMs / (kPlaySeconds * 1000));
        setReplayTimeMs(m_replay->timeMs() + step);
        if (m_replay->timeMs() >= m_replay->endMs())
            togglePlay();
    });
    if (m_client) {
        connect(m_client, &ClusterClient::historyReceived, this, [this](const QString &id, const QJsonObject &json) {
            if (id.isEmpty())
                setRuns(json);
            else if (id == m_wanted)
                setJournal(json);
        });
        connect(m_client, &ClusterClient::historyFailed, this, [this](const QString &, const QString &why) {
            m_status->setText(tr("History not read: %1").arg(why));
        });
    }
    resize(1100, 720);
}

RestartHistoryDialog::~RestartHistoryDialog() = default;

void RestartHistoryDialog::refresh()
{
    m_status->setText(tr("Reading the history…"));
    if (m_client)
        m_client->fetchHistory();
}

void RestartHistoryDialog::setRuns(const QJsonObject &list)
{
    m_model->setRuns(list);
    m_runs->resizeColumnsToContents();
    const int kept = list.value(QStringLiteral("total")).toInt(m_model->rowCount());
    m_status->setText(m_model->rowCount() ? (kept == 1 ? QStringLiteral("1 restart") : QStringLiteral("%1 restarts").arg(kept)) + QStringLiteral("; etcd keeps the newest 50") : tr("No cluster restart in the history"));
}

void RestartHistoryDialog::selectRun(const QString &id)
{
    if (id.isEmpty())
        return;
    m_wanted = id;
    if (m_client)
        m_client->fetchHistoryRun(id);
}

void RestartHistoryDialog::setJournal(const QJsonObject &journal)
{
    m_player->stop();
    m_play->setText(tr("Play"));
    m_wanted = journal.value(QStringLiteral("id")).toString();
    if (const int row = m_model->rowOf(m_wanted); row >= 0) { // the list marks the run replayed
        const QSignalBlocker quiet(m_runs->selectionModel());
        m_runs->selectionModel()->setCurrentIndex(m_model->index(row, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
    delete m_fleet;
    m_replay = std::make_unique<RestartReplay>();
    m_replay->setJournal(journal);
    m_fleet = new FleetView(m_replay->fleet(), m_replay->proxy(), this);
    m_fleet->setEmptyStripText(QStringLiteral("the history keeps steps, not shards"));
    m_replayBox->addWidget(m_fleet);
    const QString resumed = journal.value(QStringLiteral("resumed_from")).toString();
    m_runLine->setText(tr("Restart %1 (%2) to v%3, asked by %4: %5%6%7")
                           .arg(journal.value(QStringLiteral("id")).toString(), journal.value(QStringLiteral("strategy")).toString())
                           .arg(qint64(journal.value(QStringLiteral("target_version")).toDouble()))
                           .arg(journal.value(QStringLiteral("requester")).toString(),
                                journal.value(QStringLiteral("state")).toString().replace(QLatin1Char('_'), QLatin1Char(' ')),
                                resumed.isEmpty() ? QString() : tr(", resumes %1").arg(resumed),
                                journal.value(QStringLiteral("reason")).toString().isEmpty()
                                    ? QString() : QStringLiteral("\n") + journal.value(QStringLiteral("reason")).toString())
                       + gateLines(journal));
    connect(m_replay.get(), &RestartReplay::timeChanged, this, &RestartHistoryDialog::showTime);
    const QSignalBlocker quiet(m_slider);
    m_slider->setRange(0, int(m_replay->endMs() - m_replay->startMs()));
    m_slider->setSingleStep(100);
    m_slider->setPageStep(1000);
    m_slider->setEnabled(true);
    m_play->setEnabled(m_replay->endMs() > m_replay->startMs());
    showTime();
}

void RestartHistoryDialog::setReplayTimeMs(qint64 tMs)
{
    if (m_replay)
        m_replay->setTimeMs(tMs);
}

void RestartHistoryDialog::showTime()
{
    const QSignalBlocker quiet(m_slider);
    m_slider->setValue(int(m_replay->timeMs() - m_replay->startMs()));
    m_time->setText(timeText());
}

QString RestartHistoryDialog::timeText() const
{
    if (!m_replay)
        return {};
    return tr("%1 (+%2 s of %3 s)").arg(clock(m_replay->timeMs()))
        .arg((m_replay->timeMs() - m_replay->startMs()) / 1000.0, 0, 'f', 1)
        .arg((m_replay->endMs() - m_replay->startMs()) / 1000.0, 0, 'f', 1);
}

QString RestartHistoryDialog::runText() const
{
    return m_runLine->text();
}

QString RestartHistoryDialog::statusText() const
{
    return m_status->text();
}

void RestartHistoryDialog::togglePlay()
{
    if (!m_replay)
        return;
    if (m_player->isActive()) {
        m_player->stop();
        m_play->setText(tr("Play"));
        return;
    }
    if (m_replay->timeMs() >= m_replay->endMs())
        m_replay->setTimeMs(m_replay->startMs());
    m_play->setText(tr("Pause"));
    m_player->start();
}

} // namespace shardscope
