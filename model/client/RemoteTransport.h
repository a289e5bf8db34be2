#pragma once

#include <QString>

namespace shardscope {

// How a remote console follows the service. Auto holds GET /v1/stream open and falls
// back to polling when the stream fails before its first frame while plain requests
// still answer (a proxy that buffers or refuses event streams); it keeps trying the
// stream and switches back when it flows.
enum class RemoteTransport { Auto, Stream, Poll };

inline bool parseRemoteTransport(const QString &name, RemoteTransport &out)
{
    if (name == QLatin1String("auto"))
        out = RemoteTransport::Auto;
    else if (name == QLatin1String("stream"))
        out = RemoteTransport::Stream;
    else if (name == QLatin1String("poll"))
        out = RemoteTransport::Poll;
    else
        return false;
    return true;
}

} // namespace shardscope
