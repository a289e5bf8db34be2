#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

namespace shardscope {

using HeaderPairs = QList<QPair<QByteArray, QByteArray>>;

// One request as the edge parsed it. The target is kept as sent: routing never
// percent-decodes the path, so "/v1/service%2Frestart" is not "/v1/service/restart".
struct HttpRequest {
    QByteArray method;  // "GET", as sent (methods are case-sensitive)
    QByteArray path;    // the target before '?', as sent
    QByteArray query;   // after '?', as sent, without the '?'
    int minorVersion = 1; // HTTP/1.<minor>
    HeaderPairs headers;  // names lower-cased, values trimmed
    QByteArray body;      // decoded (de-chunked) body
    bool keepAlive = true; // false: answer, then close (Connection: close, or 1.0 without keep-alive)

    // The first value of `lowerName`, or empty.
    QByteArray header(const QByteArray &lowerName) const
    {
        for (const auto &h : headers) {
            if (h.first == lowerName)
                return h.second;
        }
        return {};
    }
};

// "Not Found" for 404; "" for a code the edge does not send.
const char *reasonPhrase(int status);

// A whole response: status line, Content-Length, `extra` headers, body. With
// `headOnly` the body is left out but Content-Length still gives its size (HEAD).
QByteArray serializeResponse(int status, const QByteArray &contentType, const QByteArray &body,
                             const HeaderPairs &extra, bool keepAlive, bool http10KeepAlive, bool headOnly);

} // namespace shardscope
