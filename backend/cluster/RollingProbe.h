#pragma once

#include <QElapsedTimer>
#include <QString>

#include <cstdint>
#include <map>
#include <memory>
#include <set>

class QNetworkAccessManager;

namespace shardscope {

// What clients can reach, as the coordinator of a rolling restart sees it: GET
// <url>/v1/service/ready on each node, asynchronously on the cluster thread with a short
// timeout. A node that does not answer 200 in time is unavailable, whatever etcd says.
class RollingProbe
{
public:
    RollingProbe();
    ~RollingProbe();

    // Asks each url whose answer is older than the refresh interval (one request at a
    // time per url); true when every url has an answer younger than kFreshMs.
    bool fresh(const std::set<QString> &urls);
    // The newest answer for `url` is 200 within the timeout, and so was every answer for
    // at least `forMs` (a balancer sends to a node only some checks after it came back).
    bool ready(const QString &url, std::int64_t forMs = 0) const;

    static constexpr int kTimeoutMs = 500;
    static constexpr int kFreshMs = 1000;

private:
    void ask(const QString &url);

    struct Answer {
        bool ready = false;
        std::int64_t atMs = -1;
        std::int64_t readySinceMs = -1; // the first 200 of the current run of them
    };
    std::map<QString, Answer> m_answers;
    std::set<QString> m_asking;
    QElapsedTimer m_clock;
    // Made on first use, on the cluster thread; last, so its replies go before the maps.
    std::unique_ptr<QNetworkAccessManager> m_manager;
};

} // namespace shardscope
