#include "backend/cluster/CommitPush.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrl>

#include <spdlog/spdlog.h>

namespace shardscope {

void CommitPush::push(const QJsonObject &journal, const ClusterView &view, std::int64_t fence)
{
    const QString id = journal.value(QStringLiteral("id")).toString();
    const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("restart_id"), id},
                                                      {QStringLiteral("fence"), QString::number(fence)}})
                                .toJson(QJsonDocument::Compact);
    for (const QJsonValue &v : journal.value(QStringLiteral("nodes")).toArray()) {
        const QString node = v.toObject().value(QStringLiteral("id")).toString();
        const auto seen = view.nodes.find(node);
        if (seen == view.nodes.end() || seen->second.url.isEmpty())
            continue;
        QNetworkRequest request(QUrl(seen->second.url + QStringLiteral("/v1/cluster/commit")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        if (!m_token.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + m_token);
        request.setTransferTimeout(kTimeoutMs);
        QNetworkReply *reply = m_manager.post(request, body);
        QObject::connect(reply, &QNetworkReply::finished, reply, [reply, node, id] {
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status != 202)
                spdlog::warn("cluster: restart {}: the commit pushed to {} was not taken ({}): {}", id.toStdString(),
                             node.toStdString(), status ? std::to_string(status) : reply->errorString().toStdString(),
                             reply->readAll().toStdString());
            reply->deleteLater();
        });
    }
}

} // namespace shardscope
