#pragma once

// A one-request-per-connection HTTP proxy in front of a real etcd's JSON gateway that
// mangles the answers the way a gateway stream or a broken link can: an answer cut
// short, two JSON objects in one body, a 200 carrying {"error"}, or no answer at all
// (the request still reaches etcd, so its effect is applied but never confirmed).
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>

namespace shardscope::test {

class EtcdFaultProxy : public QTcpServer
{
public:
    enum class Mode { Pass, CutShort, TwoObjects, ErrorIn200, NoAnswer };

    explicit EtcdFaultProxy(QUrl etcd)
        : m_etcd(std::move(etcd))
    {
        listen(QHostAddress::LocalHost, 0);
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *c = nextPendingConnection())
                connect(c, &QTcpSocket::readyRead, this, [this, c] { onData(c); });
        });
    }

    void setMode(Mode mode) { m_mode = mode; }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(serverPort())); }

private:
    void onData(QTcpSocket *c)
    {
        QByteArray &buffer = m_buffers[c];
        buffer += c->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        qsizetype length = 0;
        for (const QByteArray &l : lines) {
            if (l.toLower().startsWith("content-length:"))
                length = l.mid(15).trimmed().toLongLong();
        }
        if (buffer.size() < end + 4 + length)
            return;
        const QByteArray path = lines.first().split(' ').value(1);
        const QByteArray body = buffer.mid(end + 4, length);
        buffer.clear();
        QUrl url = m_etcd;
        url.setPath(QString::fromLatin1(path));
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        QNetworkReply *reply = m_manager.post(request, body);
        const Mode mode = m_mode;
        connect(reply, &QNetworkReply::finished, this, [reply, mode, client = QPointer<QTcpSocket>(c)] {
            reply->deleteLater();
            if (client)
                answer(*client, mode, reply->readAll());
        });
    }

    static void answer(QTcpSocket &c, Mode mode, QByteArray body)
    {
        if (mode == Mode::NoAnswer)
            return; // etcd applied it; the caller never hears
        if (mode == Mode::TwoObjects)
            body = body + '\n' + body;
        if (mode == Mode::ErrorIn200)
            body = R"({"error":{"grpc_code":14,"http_code":503,"message":"transport is closing","http_status":"Service Unavailable"}})";
        const qsizetype announced = body.size();
        if (mode == Mode::CutShort)
            body = body.left(body.size() / 2);
        c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: "
                + QByteArray::number(announced) + "\r\n\r\n" + body);
        c.flush();
        c.disconnectFromHost();
    }

    QUrl m_etcd;
    Mode m_mode = Mode::Pass;
    QNetworkAccessManager m_manager;
    std::map<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace shardscope::test
