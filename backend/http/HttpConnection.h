#pragma once

#include "backend/http/HttpMessage.h"
#include "backend/http/RequestParser.h"

#include <QHostAddress>
#include <QObject>
#include <QSocketNotifier>
#include <QTimer>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>

namespace shardscope {

class HttpReply;

// One client connection on the network thread, over a non-blocking socket the edge
// owns outright (not a QTcpSocket: a client that half-closes after sending still gets
// its replies, and reading stops exactly when the edge says so).
//
// Requests are parsed one at a time and handed on; their replies may finish in any
// order but go out in request order (RFC 9112 9.3.2). Memory per connection is
// bounded: at most `pipelineDepth` requests are read ahead of their replies, and
// reading stops while more than `outputHighWater` bytes wait for the client, so a
// client that sends without reading is throttled by TCP, not buffered.
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    struct Limits {
        int pipelineDepth = 16;
        qsizetype outputHighWater = 256 * 1024;
        qsizetype outputLimit = 16 * 1024 * 1024; // a stream nobody reads is closed here
        RequestParser::Limits request;
    };
    using Dispatch = std::function<void(HttpRequest &&, HttpReply)>;

    HttpConnection(qintptr fd, Limits limits, Dispatch dispatch, QObject *parent = nullptr);
    ~HttpConnection() override;

    QHostAddress peerAddress() const { return m_peer; }
    QString peer() const; // "127.0.0.1:53122"
    // Raised once the connection is gone, for work still queued on its behalf.
    std::shared_ptr<const std::atomic<bool>> goneFlag() const { return m_gone; }

    // For ConnectionGuard: epoch ms, 0 for "none".
    qint64 lastActivityMs() const { return m_lastActivity; }
    qint64 partialRequestSinceMs() const { return m_partialSince; }
    qint64 writeStalledSinceMs() const { return unsent() > 0 ? m_lastWrite : 0; }
    qint64 lingeringSinceMs() const { return m_lingerSince; }
    bool awaitingReply() const { return !m_slots.empty(); }
    qsizetype unsent() const { return m_out.size() - m_outOffset; }
    // Nothing owed either way: closing it loses no request.
    bool idle() const { return m_slots.empty() && unsent() == 0; }

    // Closes at once; queued work for it is discarded. `why` goes to the log.
    void abort(const char *why);
    // Called when the connection closes with replies still owed, after goneFlag() is
    // raised: the service then refuses that work at once instead of at its end.
    void setAbandonHandler(std::function<void()> handler) { m_onAbandoned = std::move(handler); }

private:
    friend class HttpReply;
    friend class HttpStream;
    struct Slot {
        quint64 seq;
        QByteArray data;
        bool done = false;
        bool streaming = false;
        bool http11 = false; // an interim 1xx reply may precede its answer
    };

    void onReadable();
    void onWritable();
    void readInput();
    void processInput();
    void flushSlots();
    void writeOut();
    void updateNotifiers();
    void closeGracefully();
    void finish();
    // The client sent its end while replies are owed: it half-closed (and still reads) or
    // closed. TCP cannot tell which until bytes reach it, so an interim 102 goes out and
    // a closed client's reset then ends the connection (checkGone).
    void probeGone();
    void checkGone();
    Slot *slot(quint64 seq);

    // HttpReply and HttpStream, on this thread.
    void complete(quint64 seq, QByteArray bytes, bool closeAfter);
    void beginStream(quint64 seq, QByteArray head);
    bool streamWrite(quint64 seq, const QByteArray &bytes);

    qintptr m_fd;
    Limits m_limits;
    Dispatch m_dispatch;
    QHostAddress m_peer;
    quint16 m_peerPort = 0;
    QSocketNotifier m_readNotifier;
    QSocketNotifier m_writeNotifier;
    RequestParser m_parser;
    std::deque<Slot> m_slots;
    quint64 m_nextSeq = 1;
    QByteArray m_out;
    qsizetype m_outOffset = 0;
    std::shared_ptr<std::atomic<bool>> m_gone = std::make_shared<std::atomic<bool>>(false);
    qint64 m_lastActivity = 0;
    qint64 m_lastWrite = 0;
    qint64 m_partialSince = 0;
    qint64 m_lingerSince = 0;
    bool m_readEof = false;
    bool m_stopParsing = false;  // after Connection: close, an error, or a stream
    bool m_closeAfterFlush = false;
    bool m_processing = false;
    bool m_finished = false;
    std::function<void()> m_onAbandoned;
    QTimer m_goneCheck; // after probeGone(): looks for the client's reset
};

} // namespace shardscope
