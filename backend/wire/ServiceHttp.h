#pragma once

#include <QByteArray>
#include <QNetworkRequest>
#include <QUrl>

#include <functional>

namespace shardscope {

// A request to the service's HTTP API at `path` (which may carry a query string), with
// the bearer token when there is one. Shared by the remote console and `shardscope ctl`.
QNetworkRequest serviceRequest(const QUrl &base, const QString &path, const QByteArray &token);

// Splits a Server-Sent Events byte stream into (event, data) frames.
class SseParser
{
public:
    using Frame = std::function<bool(const QByteArray &event, const QByteArray &data)>;
    // Appends bytes and hands each complete frame to `onFrame`; stops early (and returns
    // false) when `onFrame` returns false.
    bool feed(const QByteArray &bytes, const Frame &onFrame);
    void clear() { m_buffer.clear(); }

private:
    QByteArray m_buffer;
};

} // namespace shardscope
