#include "backend/cluster/LockstepOutcome.h"

#include <QJsonDocument>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrl>

#include <spdlog/spdlog.h>

namespace shardscope {
namespace {

constexpr std::size_t kRemembered = 64; // restarts whose outcome a peer may still ask for
constexpr int kPeerTimeoutMs = 1000;

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

} // namespace

LockstepOutcome::LockstepOutcome(ClusterContext context, Learned learned)
    : m_node(std::move(context))
    , m_learned(std::move(learned))
{
}

QString LockstepOutcome::text(Known outcome)
{
    switch (outcome) {
    case Known::Committed:
        return QStringLiteral("committed");
    case Known::RolledBack:
        return QStringLiteral("rolled_back");
    case Known::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

// A commit mark, once written, stays in the journal through every later state; a journal
// that left restart/current without one can never get one.
LockstepOutcome::Known LockstepOutcome::fromJournal(const QJsonObject &journal)
{
    const QString state = str(journal, "state");
    if (state == QLatin1String("committed") || journal.contains(QStringLiteral("commit")))
        return Known::Committed;
    if (state == QLatin1String("rolling_back") || state == QLatin1String("rolled_back") || state == QLatin1String("failed")
        || state == QLatin1String("aborted"))
        return Known::RolledBack;
    return Known::Unknown;
}

LockstepOutcome::Known LockstepOutcome::known(const QString &id) const
{
    for (const Entry &e : m_known) {
        if (e.id == id)
            return e.outcome;
    }
    return Known::Unknown;
}

QString LockstepOutcome::how(const QString &id) const
{
    for (const Entry &e : m_known) {
        if (e.id == id)
            return e.how;
    }
    return {};
}

void LockstepOutcome::learn(const QString &id, Known outcome, const QString &how)
{
    if (outcome == Known::Unknown || id.isEmpty())
        return;
    const Known before = known(id);
    if (before == outcome)
        return;
    if (before != Known::Unknown) {
        // Two proofs that disagree: a broken invariant, never papered over.
        spdlog::critical("cluster: lockstep restart {}: {} contradicts the known outcome {}", id.toStdString(),
                         how.toStdString(), text(before).toStdString());
        return;
    }
    m_known.push_back({id, outcome, how});
    if (m_known.size() > kRemembered)
        m_known.pop_front();
    if (m_learned)
        m_learned(id, outcome, how);
}

void LockstepOutcome::noteView(const ClusterView &view)
{
    for (const QJsonObject *journal : {&view.restart, &view.lastRestart}) {
        if (str(*journal, "strategy") == QLatin1String("lockstep"))
            learn(str(*journal, "id"), fromJournal(*journal), QStringLiteral("etcd's journal says %1").arg(str(*journal, "state")));
    }
}

void LockstepOutcome::seek(const QString &id, const QStringList &peerUrls, bool uncertain)
{
    askEtcd(id);
    for (const QString &url : peerUrls)
        askPeer(id, url, uncertain);
}

void LockstepOutcome::askEtcd(const QString &id)
{
    const ClusterConfig &c = m_node.config;
    const QByteArray current = c.key(QStringLiteral("restart/current"));
    const QByteArray history = c.key(QStringLiteral("restart/history/") + id);
    m_node.etcd.txn(etcd::txn({}, {etcd::requestRange(current), etcd::requestRange(history)}), [this, id](const EtcdReply &r) {
        if (!r.ok)
            return;
        for (int i = 0; i < 2; ++i) {
            for (const etcd::KeyValue &kv : etcd::txnRange(r.json, i)) {
                const QJsonObject journal = QJsonDocument::fromJson(kv.value).object();
                if (str(journal, "id") == id)
                    learn(id, fromJournal(journal), QStringLiteral("etcd's journal says %1").arg(str(journal, "state")));
            }
        }
    });
}

void LockstepOutcome::askPeer(const QString &id, const QString &url, bool uncertain)
{
    QNetworkRequest request(QUrl(url + QStringLiteral("/v1/cluster/lockstep/outcome")));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!m_node.config.token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_node.config.token);
    request.setTransferTimeout(kPeerTimeoutMs);
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("restart_id"), id}, {QStringLiteral("uncertain"), uncertain}})
                                .toJson(QJsonDocument::Compact);
    QNetworkReply *reply = m_peers.post(request, body);
    QObject::connect(reply, &QNetworkReply::finished, reply, [this, reply, id, url] {
        reply->deleteLater();
        if (reply->error() != QNetworkReply::NoError)
            return;
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        if (str(answer, "restart_id") != id)
            return;
        const QString outcome = str(answer, "outcome");
        const Known k = outcome == QLatin1String("committed")     ? Known::Committed
                      : outcome == QLatin1String("rolled_back") ? Known::RolledBack
                                                                  : Known::Unknown;
        learn(id, k, QStringLiteral("peer %1 knows it (%2)").arg(url, str(answer, "how")));
    });
}

} // namespace shardscope
