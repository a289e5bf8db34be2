#pragma once

#include <QAbstractHttpServer>
#include <QHttpServerResponder>
#include <QJsonValue>
#include <QPointer>
#include <QTcpSocket>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

// The reference for part 3 of the benchmarks: the bare route's work, except that the
// echo is computed on a worker thread and answered back on the network thread. It is the
// least any design that hands queries to a shard thread pays, written the plain way: the
// worker is woken only when it sleeps, and replies are posted back once per batch.
// Lives on the thread that calls listen(); stops its worker when destroyed.
// Only POST /v1/query with the bench's body shape; anything else gets 404.
class HopServer : public QAbstractHttpServer
{
public:
    HopServer();
    ~HopServer() override;

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    struct Job {
        std::uint64_t id;
        QJsonValue args;
    };
    struct Pending {
        QHttpServerResponder responder;
        QPointer<QTcpSocket> socket; // a client that went away is not answered
    };
    void work();
    void answerReplies();

    std::unordered_map<std::uint64_t, Pending> m_pending;
    std::uint64_t m_nextId = 0;

    std::mutex m_jobsMutex;
    std::condition_variable m_jobsReady;
    std::deque<Job> m_jobs;
    bool m_workerWaiting = false;
    bool m_stopping = false;

    std::mutex m_repliesMutex;
    std::vector<Job> m_replies;

    std::thread m_worker;
};
