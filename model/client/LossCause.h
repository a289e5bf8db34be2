#pragma once

#include "model/client/BackendClient.h"

#include <QNetworkReply>

namespace shardscope {

// What a failed request to a node says about it: refused means nothing listens;
// cancelled is a watchdog's abort after no frame came in time.
inline LossCause lossCauseOf(QNetworkReply::NetworkError error)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::HostNotFoundError: return LossCause::Refused;
    case QNetworkReply::OperationCanceledError:
    case QNetworkReply::TimeoutError: return LossCause::Timeout;
    case QNetworkReply::NoError:
    case QNetworkReply::RemoteHostClosedError: return LossCause::Closed;
    default: return LossCause::Other;
    }
}

} // namespace shardscope
