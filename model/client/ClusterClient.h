#pragma once

#include "model/client/ClusterEventPage.h"
#include "model/client/ClusterStatus.h"

#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

class QNetworkReply;

namespace shardscope {

// The console's way to a cluster (DESIGN.md layers: the HTTP stays in model/client).
//
// Discovery: the console is given etcd and the cluster's name only, so every round asks
// etcd's JSON gateway for the members/ prefix: those keys live on the nodes' leases, so
// the range lists exactly the nodes alive now, with their URLs, whichever node is up.
// Everything else (lost and left nodes, versions, the coordinator, the restart journal)
// is the public GET /v1/cluster/status of one of those nodes rather than re-derived from
// etcd's key layout here: the nodes own that layout and already fold it into one
// document. The status is asked of the node that answered last, else of the next one.
class ClusterClient : public QObject
{
    Q_OBJECT
public:
    static constexpr int kDefaultIntervalMs = 500;

    ClusterClient(QUrl etcd, QString cluster, QByteArray token, QObject *parent = nullptr);

    void setIntervalMs(int ms) { m_timer.setInterval(ms); }
    void start();
    void stop() { m_timer.stop(); }
    QUrl etcd() const { return m_etcd; }
    QString cluster() const { return m_cluster; }
    QByteArray token() const { return m_token; }
    // Whether etcd answered the last discovery round, and why not, in words: "etcd at URL
    // does not answer: 503 Service Unavailable" (or: connection refused, no reply within 2 s).
    bool etcdReachable() const { return m_etcdOk; }
    QString etcdError() const { return m_etcdError; }

    // POST /v1/cluster/restart {"strategy", "grace_ms", "settle_ms"} and .../abort, sent to
    // a node that answered; each answers through commandFinished(). A negative grace or
    // settle is left out of the body (the rolling strategy's own fields).
    void requestRestart(const QString &strategy, int graceMs, int settleMs);
    // The same with a whole body (a gate, canaries), as the restart dialog makes it.
    void requestRestart(const QJsonObject &body);
    void abortRestart();

    // The node whose status came last (the one the console talks to), empty before any.
    QString answeringUrl() const { return m_answering; }
    // GET /v1/cluster/events?since=N of `nodeUrl`, one request at a time (a call while one
    // is out is dropped: the next round asks again). Answers through eventsReceived() with
    // the URL and `since` asked, so a reader can tell whose numbering the page is in.
    void fetchEvents(const QString &nodeUrl, std::uint64_t since);
    // GET /v1/cluster/history?limit=N (the newest runs), or ?id=ID (one run's journal), of
    // the node that answered last. Answers through historyReceived() or historyFailed().
    void fetchHistory(int limit = 50);
    void fetchHistoryRun(const QString &id);

Q_SIGNALS:
    void membersDiscovered(const std::vector<shardscope::ClusterMember> &members);
    void statusReceived(const shardscope::ClusterStatus &status);
    // No node answered the status request (every URL known was tried once).
    void statusFailed(const QString &why);
    void etcdChanged(bool reachable); // reachable or not, or why not, changed
    void commandFinished(const QString &command, bool ok, const QString &message);
    void eventsReceived(const QString &nodeUrl, quint64 since, const shardscope::ClusterEventPage &page);
    // `id` empty: the list ({"runs": [...]}); else that run's journal.
    void historyReceived(const QString &id, const QJsonObject &json);
    void historyFailed(const QString &id, const QString &why);

private:
    void round();
    void discover();
    void askStatus();
    void command(const QString &name, const QString &path, const QJsonObject &body);
    QString commandNode() const;
    void getHistory(const QString &id, const QString &path);

    QUrl m_etcd;
    QString m_cluster;
    QByteArray m_token;
    QByteArray m_prefix;
    QNetworkAccessManager m_manager;
    QTimer m_timer;
    QPointer<QNetworkReply> m_discovery;
    QPointer<QNetworkReply> m_status;
    QPointer<QNetworkReply> m_events;
    QStringList m_urls;   // nodes known to etcd, in id order
    QString m_answering;  // the node whose status came last
    int m_misses = 0;     // status requests failed in a row
    bool m_etcdOk = false;
    QString m_etcdError;
};

} // namespace shardscope
