#include "backend/wire/ServiceHttp.h"

namespace shardscope {

QNetworkRequest serviceRequest(const QUrl &base, const QString &path, const QByteArray &token)
{
    QUrl url = base;
    const qsizetype q = path.indexOf(QLatin1Char('?'));
    url.setPath(q < 0 ? path : path.left(q));
    url.setQuery(q < 0 ? QString() : path.mid(q + 1));
    QNetworkRequest r(url);
    r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!token.isEmpty())
        r.setRawHeader("Authorization", "Bearer " + token);
    return r;
}

bool SseParser::feed(const QByteArray &bytes, const Frame &onFrame)
{
    m_buffer += bytes;
    qsizetype end;
    while ((end = m_buffer.indexOf("\n\n")) >= 0) {
        QByteArray event = "message";
        QByteArray data;
        for (const QByteArray &line : m_buffer.left(end).split('\n')) {
            if (line.startsWith("event: "))
                event = line.mid(7);
            else if (line.startsWith("data: "))
                data += line.mid(6);
        }
        m_buffer.remove(0, end + 2);
        if (!data.isEmpty() && !onFrame(event, data))
            return false;
    }
    return true;
}

} // namespace shardscope
