#pragma once

#include "backend/cluster/GateFigures.h"

#include <QString>

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <tuple>

class QNetworkAccessManager;

namespace shardscope {

// The figures a gate judges, as the coordinator asks them: GET
// <url>/v1/service/quality?from_ms=E1&to_ms=E2 on a node, asynchronously on the cluster
// thread with a bounded timeout (like RollingProbe). Each (url, window) is asked once; its
// answer is kept until forgotten, so a level-triggered caller asks again at every read and
// gets it once it came.
class GateProbe
{
public:
    GateProbe();
    ~GateProbe();

    struct Answer {
        bool ok = false;
        GateFigures figures;
        QString error; // why there are no figures: no answer, a status, an unreadable body
    };
    // The answer for this node and window, or nullptr while it is being asked (asked now
    // if it was not yet).
    const Answer *figures(const QString &url, std::int64_t fromMs, std::int64_t toMs);
    // Drops kept answers for windows that ended before `beforeMs` (epoch ms).
    void forgetBefore(std::int64_t beforeMs);

    static constexpr int kTimeoutMs = 2000;

private:
    using Key = std::tuple<QString, std::int64_t, std::int64_t>;
    void ask(const Key &key);

    std::map<Key, Answer> m_answers;
    std::set<Key> m_asking;
    // Made on first use, on the cluster thread; last, so its replies go before the maps.
    std::unique_ptr<QNetworkAccessManager> m_manager;
};

} // namespace shardscope
