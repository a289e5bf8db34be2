#pragma once

#include "backend/http/HttpServerHost.h"
#include "backend/ShardService.h"
#include "tests/support/HttpTestClient.h"
#include "tests/support/TestPrinters.h"

#include <memory>

namespace shardscope::test {

// A real service with its HTTP API on a free loopback port, for end-to-end tests.
class ServiceFixture
{
public:
    explicit ServiceFixture(ServiceConfig config, QByteArray accessToken = {}, ConnectionGuard::Limits limits = {});
    ~ServiceFixture();

    bool ok() const { return m_port != 0; }
    QString error() const { return m_error; }
    quint16 port() const { return m_port; }
    ShardService &service() { return *m_service; }
    std::unique_ptr<HttpTestClient> client(int timeoutMs = 15000) const;

    // Waits (bounded) until no restart/stop/start runs; false on timeout.
    bool waitIdle(int timeoutMs = 15000);
    // The RestartFinished event of a restart id, once it has arrived (bounded wait).
    bool waitRestartFinished(std::uint64_t restartId, ServiceEvent *out, int timeoutMs = 15000);

    // True once accepted = answered + refused and no request was answered twice (bounded wait).
    bool ledgerBalances(int timeoutMs = 10000);

    // A small generated graph so that each version loads in well under a millisecond.
    static ServiceConfig smallConfig(int shards);

private:
    std::unique_ptr<ShardService> m_service;
    std::unique_ptr<HttpServerHost> m_http;
    quint16 m_port = 0;
    QString m_error;
};

} // namespace shardscope::test
