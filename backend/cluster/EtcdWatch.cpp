#include "backend/cluster/EtcdWatch.h"

#include "backend/cluster/EtcdCodec.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>

namespace shardscope {

namespace {
constexpr int kReopenMs = 500;
}

EtcdWatch::EtcdWatch(QUrl base, QByteArray prefix, QObject *parent)
    : QObject(parent)
    , m_base(std::move(base))
    , m_prefix(std::move(prefix))
{
    m_reopen.setSingleShot(true);
    m_reopen.setInterval(kReopenMs);
    connect(&m_reopen, &QTimer::timeout, this, &EtcdWatch::open);
}

EtcdWatch::~EtcdWatch()
{
    stop();
}

void EtcdWatch::start()
{
    m_running = true;
    if (!m_reply)
        open();
}

void EtcdWatch::stop()
{
    m_running = false;
    m_reopen.stop();
    if (QNetworkReply *reply = m_reply) {
        m_reply = nullptr;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

void EtcdWatch::open()
{
    if (!m_running || m_reply)
        return;
    QUrl url = m_base;
    url.setPath(QStringLiteral("/v3/watch"));
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    const QJsonObject create{{QStringLiteral("key"), etcd::b64(m_prefix)},
                             {QStringLiteral("range_end"), etcd::b64(etcd::prefixEnd(m_prefix))}};
    m_reply = m_manager.post(request, QJsonDocument(QJsonObject{{QStringLiteral("create_request"), create}}).toJson(QJsonDocument::Compact));
    connect(m_reply, &QNetworkReply::readyRead, this, &EtcdWatch::onData);
    connect(m_reply, &QNetworkReply::finished, this, &EtcdWatch::onEnded);
}

void EtcdWatch::onData()
{
    // One JSON object per line: "created" first, then batches of events. Any batch is a
    // change; a partial line only delays the wake-up to the next chunk.
    if (m_reply && m_reply->readAll().contains("\"events\""))
        Q_EMIT changed();
}

void EtcdWatch::onEnded()
{
    if (QNetworkReply *reply = m_reply) {
        m_reply = nullptr;
        reply->deleteLater();
    }
    if (m_running)
        m_reopen.start(); // etcd restarted or compacted: listen again; polls cover the gap
}

} // namespace shardscope
