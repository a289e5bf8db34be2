#pragma once

#include <QByteArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

namespace shardscope {

// A wake-up call when keys under a prefix change: one etcd watch stream (/v3/watch,
// chunked JSON), re-opened after it ends. It carries no state: whoever listens reads
// the keys again, so a missed or broken stream only costs the poll interval. Has its
// own network manager (a stream holds a connection for as long as it lives).
class EtcdWatch : public QObject
{
    Q_OBJECT
public:
    EtcdWatch(QUrl base, QByteArray prefix, QObject *parent = nullptr);
    ~EtcdWatch() override;

    void start();
    void stop();
    bool streaming() const { return m_reply != nullptr; }

Q_SIGNALS:
    void changed();

private:
    void open();
    void onData();
    void onEnded();

    QUrl m_base;
    QByteArray m_prefix;
    QNetworkAccessManager m_manager;
    QPointer<QNetworkReply> m_reply;
    QTimer m_reopen;
    bool m_running = false;
};

} // namespace shardscope
