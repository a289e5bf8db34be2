#include "backend/http/HttpStatus.h"

namespace shardscope {

int httpStatus(QueryStatus status)
{
    switch (status) {
    case QueryStatus::Ok: return 200;
    case QueryStatus::BadRequest: return 400;
    case QueryStatus::NotFound: return 404;
    case QueryStatus::Unavailable: return 503;
    case QueryStatus::Internal: return 500;
    case QueryStatus::DeadlineExceeded: return 504; // the shard behind the edge did not answer in time
    }
    return 500;
}

int httpStatus(Refusal refusal)
{
    switch (refusal) {
    case Refusal::None: return 202;
    case Refusal::Busy:
    case Refusal::AlreadyRunning:
    case Refusal::ServiceStopped:
    case Refusal::NothingToAbort: return 409; // conflicts with the service's current state
    case Refusal::ShuttingDown: return 503;
    case Refusal::BadRequest: return 400;
    case Refusal::FaultsDisabled: return 404; // the drill endpoint does not exist here
    case Refusal::CoordinationUnavailable: return 503; // etcd or a node cannot be reached
    case Refusal::VersionSkew: return 409;
    case Refusal::Stale: return 409;
    }
    return 500;
}

} // namespace shardscope
