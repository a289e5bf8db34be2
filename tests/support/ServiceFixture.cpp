#include "tests/support/ServiceFixture.h"

#include "backend/actors/Graph.h"

#include <QTest>

namespace shardscope::test {

ServiceFixture::ServiceFixture(ServiceConfig config, QByteArray accessToken, ConnectionGuard::Limits limits)
    : m_service(std::make_unique<ShardService>(std::move(config)))
{
    if (!m_service->start(&m_error))
        return;
    m_http = std::make_unique<HttpServerHost>(*m_service);
    m_http->setAccessToken(std::move(accessToken));
    m_http->setConnectionLimits(limits);
    m_port = m_http->start(QHostAddress(QHostAddress::LocalHost), 0, &m_error);
}

ServiceFixture::~ServiceFixture()
{
    m_service->shutdown(std::chrono::seconds(5));
    if (m_http)
        m_http->stop();
}

std::unique_ptr<HttpTestClient> ServiceFixture::client(int timeoutMs) const
{
    return std::make_unique<HttpTestClient>("127.0.0.1", m_port, timeoutMs);
}

bool ServiceFixture::waitIdle(int timeoutMs)
{
    return QTest::qWaitFor([this] { return !m_service->restartRunning(); }, timeoutMs);
}

bool ServiceFixture::waitRestartFinished(std::uint64_t restartId, ServiceEvent *out, int timeoutMs)
{
    return QTest::qWaitFor([&] {
        for (const ServiceEvent &e : m_service->events().since(0, 100000)) {
            if (e.restartId == restartId && e.kind == EventKind::RestartFinished) {
                *out = e;
                return true;
            }
        }
        return false;
    }, timeoutMs);
}

bool ServiceFixture::ledgerBalances(int timeoutMs)
{
    return QTest::qWaitFor([this] {
        const auto c = m_service->ledger();
        return c.accepted == c.answered + c.refused && c.duplicateReplies == 0;
    }, timeoutMs);
}

ServiceConfig ServiceFixture::smallConfig(int shards)
{
    ServiceConfig config;
    config.shards = shards;
    config.graphLoader = [](Version, QString *) { return Graph::generate(1000, 7); };
    return config;
}

} // namespace shardscope::test
