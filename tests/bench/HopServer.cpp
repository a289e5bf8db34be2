#include "HopServer.h"

#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QJsonObject>

#include <pthread.h>

HopServer::HopServer()
    : m_worker([this] { work(); })
{
}

HopServer::~HopServer()
{
    {
        std::lock_guard lock(m_jobsMutex);
        m_stopping = true;
    }
    m_jobsReady.notify_one();
    m_worker.join();
}

void HopServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    makeResponder(request, socket).write(QHttpServerResponder::StatusCode::NotFound);
}

bool HopServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (request.url().path() != QLatin1String("/v1/query"))
        return false;
    const QJsonObject body = QJsonDocument::fromJson(request.body()).object();
    const std::uint64_t id = m_nextId++;
    m_pending.emplace(id, Pending{makeResponder(request, socket), QPointer<QTcpSocket>(socket)});
    bool wake = false;
    {
        std::lock_guard lock(m_jobsMutex);
        m_jobs.push_back({id, body.value(QStringLiteral("args"))});
        wake = m_workerWaiting;
    }
    if (wake)
        m_jobsReady.notify_one();
    return true;
}

void HopServer::work()
{
    pthread_setname_np(pthread_self(), "hop-worker");
    std::vector<Job> batch;
    for (;;) {
        {
            std::unique_lock lock(m_jobsMutex);
            m_workerWaiting = true;
            m_jobsReady.wait(lock, [this] { return m_stopping || !m_jobs.empty(); });
            m_workerWaiting = false;
            if (m_stopping)
                return;
            batch.assign(std::make_move_iterator(m_jobs.begin()), std::make_move_iterator(m_jobs.end()));
            m_jobs.clear();
        }
        // The echo's "work" is the hand-off itself; post back once when the reply queue fills.
        bool post = false;
        {
            std::lock_guard lock(m_repliesMutex);
            post = m_replies.empty();
            for (Job &job : batch)
                m_replies.push_back(std::move(job));
        }
        batch.clear();
        if (post)
            QMetaObject::invokeMethod(this, [this] { answerReplies(); }, Qt::QueuedConnection);
    }
}

void HopServer::answerReplies()
{
    std::vector<Job> replies;
    {
        std::lock_guard lock(m_repliesMutex);
        replies.swap(m_replies);
    }
    for (Job &reply : replies) {
        auto it = m_pending.find(reply.id);
        if (it == m_pending.end())
            continue;
        if (it->second.socket) {
            const QJsonObject answer{{QStringLiteral("result"), reply.args},
                                     {QStringLiteral("shard"), 0},
                                     {QStringLiteral("version"), 1}};
            it->second.responder.write(QJsonDocument(answer).toJson(QJsonDocument::Compact), "application/json");
        }
        m_pending.erase(it);
    }
}
