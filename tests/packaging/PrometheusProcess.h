#pragma once

#include <QJsonObject>
#include <QProcess>
#include <QString>

namespace shardscope::test {

// Debian's `prometheus` on 127.0.0.1 (a free port), its data in a temp dir, scraping one
// ShardScope service every 250 ms under job="shardscope" with the shipped alert rules.
class PrometheusProcess
{
public:
    ~PrometheusProcess();
    // Starts it and waits (bounded) until /-/ready answers 200.
    bool start(const QString &dir, quint16 targetPort, QString *error);
    void stop();
    // GET /api/v1/query: the answer's "data" object, or an empty one when the query failed.
    QJsonObject query(const QString &expr);
    quint16 port() const { return m_port; }

private:
    QByteArray get(const QString &pathAndQuery, int *status);

    QProcess m_process;
    quint16 m_port = 0;
};

} // namespace shardscope::test
