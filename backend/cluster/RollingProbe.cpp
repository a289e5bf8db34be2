#include "backend/cluster/RollingProbe.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QUrl>

namespace shardscope {

RollingProbe::RollingProbe()
{
    m_clock.start();
}

RollingProbe::~RollingProbe() = default;

bool RollingProbe::fresh(const std::set<QString> &urls)
{
    bool all = true;
    for (const QString &url : urls) {
        const auto it = m_answers.find(url);
        const std::int64_t age = it == m_answers.end() || it->second.atMs < 0 ? -1 : m_clock.elapsed() - it->second.atMs;
        if (age < 0 || age >= kFreshMs)
            all = false;
        if (age < 0 || age >= kFreshMs / 2)
            ask(url); // ahead of need, so a fresh answer is at hand when a node's turn comes
    }
    return all;
}

bool RollingProbe::ready(const QString &url, std::int64_t forMs) const
{
    const auto it = m_answers.find(url);
    return it != m_answers.end() && it->second.ready && m_clock.elapsed() - it->second.readySinceMs >= forMs;
}

void RollingProbe::ask(const QString &url)
{
    if (m_asking.count(url) || url.isEmpty())
        return;
    if (!m_manager)
        m_manager = std::make_unique<QNetworkAccessManager>();
    QNetworkRequest request(QUrl(url + QStringLiteral("/v1/service/ready")));
    request.setTransferTimeout(kTimeoutMs);
    m_asking.insert(url);
    QNetworkReply *reply = m_manager->get(request);
    QObject::connect(reply, &QNetworkReply::finished, reply, [this, reply, url] {
        reply->deleteLater();
        m_asking.erase(url);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        Answer &a = m_answers[url];
        const bool ready = reply->error() == QNetworkReply::NoError && status == 200;
        a.readySinceMs = !ready ? -1 : a.ready ? a.readySinceMs : m_clock.elapsed();
        a.ready = ready;
        a.atMs = m_clock.elapsed();
    });
}

} // namespace shardscope
