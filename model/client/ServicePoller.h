#pragma once

#include "backend/types/ServiceEvent.h"
#include "backend/types/ServiceSnapshot.h"

#include <QNetworkRequest>
#include <QObject>
#include <QPointer>

#include <functional>
#include <vector>

class QNetworkAccessManager;
class QNetworkReply;

namespace shardscope {

// What one polling round brought: the service's snapshot and the events after `sinceSeq`.
struct PollResult {
    ServiceSnapshot snapshot;
    std::vector<ServiceEvent> events;
    bool moreEvents = false; // the page was full: poll again at once
};

// The remote console's fallback when GET /v1/stream cannot be held open (a proxy that
// buffers or refuses it): one round is GET /v1/service/shards plus
// GET /v1/service/events?since=N, sent together and reported once.
class ServicePoller : public QObject
{
    Q_OBJECT
public:
    using RequestFn = std::function<QNetworkRequest(const QString &path)>;
    static constexpr int kEventsPerPage = 2000;

    ServicePoller(QNetworkAccessManager &manager, RequestFn request, QObject *parent = nullptr);
    ~ServicePoller() override;

    // Starts a round unless one is in flight (returns false then).
    bool poll(std::uint64_t sinceSeq);
    // Drops the round in flight; it reports nothing.
    void cancel();

Q_SIGNALS:
    void polled(const shardscope::PollResult &result);
    void failed(const QString &why);

private:
    void onReplyFinished(QNetworkReply *reply);
    void finishRound();

    QNetworkAccessManager &m_manager;
    RequestFn m_request;
    QPointer<QNetworkReply> m_shards;
    QPointer<QNetworkReply> m_events;
    int m_pending = 0;
    PollResult m_result;
    QString m_error;
};

} // namespace shardscope
