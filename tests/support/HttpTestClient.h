#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>

#include <cstdint>

namespace shardscope::test {

// A small blocking HTTP/1.1 client over one keep-alive connection, usable from any thread
// (each thread its own client). Tests and benchmarks talk to the real server through it.
class HttpTestClient
{
public:
    struct Response {
        int status = 0; // 0: transport failure
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body;
        QByteArray header(const QByteArray &name) const;
        QJsonObject json() const;
    };

    HttpTestClient(QByteArray host, std::uint16_t port, int timeoutMs = 15000);
    ~HttpTestClient();
    HttpTestClient(const HttpTestClient &) = delete;
    HttpTestClient &operator=(const HttpTestClient &) = delete;

    Response request(const QByteArray &method, const QByteArray &path, const QByteArray &body = {},
                     const QList<QPair<QByteArray, QByteArray>> &extraHeaders = {});
    Response get(const QByteArray &path) { return request("GET", path); }
    Response post(const QByteArray &path, const QByteArray &body = {}) { return request("POST", path, body); }
    Response postJson(const QByteArray &path, const QJsonObject &body);

    // Sends raw bytes and reads one response (for malformed requests).
    Response raw(const QByteArray &bytes);

private:
    bool ensureConnected();
    void disconnect();
    bool sendAll(const QByteArray &bytes);
    Response readResponse();
    bool fill();

    QByteArray m_host;
    std::uint16_t m_port;
    int m_timeoutMs;
    int m_fd = -1;
    QByteArray m_buffer;
};

} // namespace shardscope::test
