#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

namespace shardscope {

// A wake-up call when keys under a prefix change: one etcd watch stream (/v3/watch,
// chunked JSON, one object per line), re-opened with backoff after it ends, errs, is
// canceled by etcd, or stays silent past `idleMs` (a half-open link never ends by itself;
// progress_notify makes a live stream speak at etcd's progress interval). It carries no
// state: whoever listens reads the keys again, so a missed event only costs the poll
// interval. Has its own network manager (a stream holds a connection while it lives).
class EtcdWatch : public QObject
{
    Q_OBJECT
public:
    // etcd's default progress interval is 10 min; scripts/cluster.sh runs it with 5 s.
    static constexpr int kDefaultIdleMs = 60000;

    EtcdWatch(QUrl base, QByteArray prefix, QObject *parent = nullptr, int idleMs = kDefaultIdleMs);
    ~EtcdWatch() override;

    void start();
    void stop();
    bool streaming() const { return m_reply != nullptr; }
    // etcd confirmed the watch ("created") and the stream has not ended since.
    bool up() const { return m_up; }
    int reopens() const { return m_reopens; }

Q_SIGNALS:
    void changed();
    void upChanged(bool up);

private:
    void open();
    void onData();
    void onLine(const QByteArray &line);
    void onEnded();
    void reopenLater();
    void setUp(bool up);

    QUrl m_base;
    QByteArray m_prefix;
    QNetworkAccessManager m_manager;
    QPointer<QNetworkReply> m_reply;
    QByteArray m_partial; // a line split across readyRead chunks
    QTimer m_reopen;
    QTimer m_idle;
    int m_backoffMs = 0;
    int m_reopens = 0;
    bool m_running = false;
    bool m_up = false;
};

} // namespace shardscope
