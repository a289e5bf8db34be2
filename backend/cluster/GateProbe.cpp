#include "backend/cluster/GateProbe.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QUrl>
#include <QUrlQuery>

namespace shardscope {

GateProbe::GateProbe() = default;
GateProbe::~GateProbe() = default;

const GateProbe::Answer *GateProbe::figures(const QString &url, std::int64_t fromMs, std::int64_t toMs)
{
    const Key key{url, fromMs, toMs};
    const auto it = m_answers.find(key);
    if (it != m_answers.end())
        return &it->second;
    ask(key);
    return nullptr;
}

void GateProbe::forgetBefore(std::int64_t beforeMs)
{
    for (auto it = m_answers.begin(); it != m_answers.end();)
        it = std::get<2>(it->first) < beforeMs ? m_answers.erase(it) : std::next(it);
}

void GateProbe::ask(const Key &key)
{
    const auto &[url, fromMs, toMs] = key;
    if (m_asking.count(key) || url.isEmpty())
        return;
    if (!m_manager)
        m_manager = std::make_unique<QNetworkAccessManager>();
    QUrl target(url + QStringLiteral("/v1/service/quality"));
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("from_ms"), QString::number(fromMs));
    query.addQueryItem(QStringLiteral("to_ms"), QString::number(toMs));
    target.setQuery(query);
    QNetworkRequest request(target);
    request.setTransferTimeout(kTimeoutMs);
    m_asking.insert(key);
    QNetworkReply *reply = m_manager->get(request);
    QObject::connect(reply, &QNetworkReply::finished, reply, [this, reply, key] {
        reply->deleteLater();
        m_asking.erase(key);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        Answer a;
        QJsonParseError pe{};
        const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
        if (reply->error() == QNetworkReply::OperationCanceledError || (reply->error() != QNetworkReply::NoError && status == 0))
            a.error = QStringLiteral("no answer from %1 within %2 ms (%3)").arg(std::get<0>(key)).arg(kTimeoutMs).arg(reply->errorString());
        else if (status != 200)
            a.error = QStringLiteral("%1 answered %2 to /v1/service/quality").arg(std::get<0>(key)).arg(status);
        else if (!doc.isObject())
            a.error = QStringLiteral("%1 sent an unreadable quality reply").arg(std::get<0>(key));
        else
            a = {true, GateFigures::fromQuality(doc.object()), {}};
        m_answers[key] = a;
    });
}

} // namespace shardscope
