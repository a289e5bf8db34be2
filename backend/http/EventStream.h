#pragma once

#include "backend/http/HttpReply.h"

#include <QObject>
#include <QTimer>

#include <vector>

namespace shardscope {

class ShardService;

// GET /v1/stream: Server-Sent Events carrying a snapshot every tick and every service
// event as it happens, so remote consoles and `shardscope ctl events --follow` see the
// service live without polling. Lives on the network thread.
class EventStream : public QObject
{
    Q_OBJECT
public:
    static constexpr std::chrono::milliseconds kTick{100};

    explicit EventStream(ShardService &service, QObject *parent = nullptr);

    // Takes over a stream whose SSE headers were written; sends events after `sinceSeq`.
    void subscribe(HttpStream stream, std::uint64_t sinceSeq, bool withSnapshots);
    std::size_t subscriberCount() const { return m_subscribers.size(); }

private:
    struct Subscriber {
        HttpStream stream;
        std::uint64_t lastSeq;
        bool withSnapshots;
    };
    void tick();

    ShardService &m_service;
    QTimer m_timer;
    std::vector<Subscriber> m_subscribers;
};

} // namespace shardscope
