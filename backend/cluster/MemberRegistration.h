#pragma once

#include "backend/cluster/ClusterConfig.h"
#include "backend/cluster/EtcdClient.h"

#include <functional>

namespace shardscope {

// Who holds members/<id> when it is not this run.
struct MemberHolder {
    QString url;
    QString run;
    std::int64_t lease = 0;
};

struct RegisterOutcome {
    enum class Kind { Registered, HeldByAnotherRun, Failed };
    Kind kind = Kind::Failed;
    MemberHolder holder; // for HeldByAnotherRun
    EtcdReply reply;     // for Failed: why (ok with no error when the key changed under us)
};

// Writes members/<id> (and clears left/<id>) only if the key is absent or written by this
// run, in compare-and-set txns: a second process with a live node's id never overwrites
// it (V9). A key of another run is reported, not touched.
void registerMember(EtcdClient &etcd, const ClusterConfig &config, const QByteArray &value, std::int64_t lease,
                    std::function<void(const RegisterOutcome &)> done);

// What members/<id> carries of the bearer token: the first 16 hex digits of its SHA-256,
// empty without a token. Enough to tell tokens apart, useless to recover one.
QString tokenDigest(const QByteArray &token);

} // namespace shardscope
