#include "backend/cluster/EtcdWatch.h"

#include "backend/cluster/EtcdCodec.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>

#include <algorithm>

namespace shardscope {

namespace {
constexpr int kFirstBackoffMs = 250;
constexpr int kMaxBackoffMs = 5000;
} // namespace

EtcdWatch::EtcdWatch(QUrl base, QByteArray prefix, QObject *parent, int idleMs)
    : QObject(parent)
    , m_base(std::move(base))
    , m_prefix(std::move(prefix))
{
    m_reopen.setSingleShot(true);
    connect(&m_reopen, &QTimer::timeout, this, &EtcdWatch::open);
    m_idle.setSingleShot(true);
    m_idle.setInterval(idleMs);
    connect(&m_idle, &QTimer::timeout, this, [this] {
        if (m_reply)
            m_reply->abort(); // silent for too long: treat the link as dead (finished follows)
    });
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
    m_idle.stop();
    if (QNetworkReply *reply = m_reply) {
        m_reply = nullptr;
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
    setUp(false);
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
                             {QStringLiteral("range_end"), etcd::b64(etcd::prefixEnd(m_prefix))},
                             {QStringLiteral("progress_notify"), true}};
    m_partial.clear();
    m_reply = m_manager.post(request, QJsonDocument(QJsonObject{{QStringLiteral("create_request"), create}}).toJson(QJsonDocument::Compact));
    connect(m_reply, &QNetworkReply::readyRead, this, &EtcdWatch::onData);
    connect(m_reply, &QNetworkReply::finished, this, &EtcdWatch::onEnded);
    m_idle.start();
}

void EtcdWatch::onData()
{
    if (!m_reply)
        return;
    m_idle.start();
    m_partial += m_reply->readAll();
    qsizetype end;
    while ((end = m_partial.indexOf('\n')) >= 0) {
        const QByteArray line = m_partial.left(end).trimmed();
        m_partial.remove(0, end + 1);
        if (!line.isEmpty())
            onLine(line);
        if (!m_reply)
            return; // the line ended the stream
    }
}

void EtcdWatch::onLine(const QByteArray &line)
{
    const QJsonObject message = QJsonDocument::fromJson(line).object();
    const QJsonObject result = message.value(QStringLiteral("result")).toObject();
    if (message.contains(QStringLiteral("error")) || result.value(QStringLiteral("canceled")).toBool()) {
        // etcd dropped the watcher (compaction, leader loss) but may keep the stream open.
        if (m_reply)
            m_reply->abort();
        return;
    }
    if (result.value(QStringLiteral("created")).toBool()) {
        m_backoffMs = 0;
        setUp(true);
        Q_EMIT changed(); // anything may have changed while no watch was there
    }
    if (result.contains(QStringLiteral("events")))
        Q_EMIT changed();
}

void EtcdWatch::onEnded()
{
    if (QNetworkReply *reply = m_reply) {
        m_reply = nullptr;
        reply->deleteLater();
    }
    m_idle.stop();
    setUp(false);
    if (m_running)
        reopenLater();
}

void EtcdWatch::reopenLater()
{
    m_backoffMs = m_backoffMs ? std::min(m_backoffMs * 2, kMaxBackoffMs) : kFirstBackoffMs;
    ++m_reopens;
    m_reopen.start(m_backoffMs);
}

void EtcdWatch::setUp(bool up)
{
    if (up == m_up)
        return;
    m_up = up;
    Q_EMIT upChanged(up);
}

} // namespace shardscope
