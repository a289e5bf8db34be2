#pragma once

#include "backend/http/HttpMessage.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

namespace shardscope {

class HttpReply;

// Whether a route answers anyone or only a client with the access token.
enum class Access {
    Open,       // reading and querying
    NeedsToken, // changes the service: restart, stop, start, abort, inject a fault
};

// Every (method, path) the HTTP API answers, with its access rule and handler. Only
// looks routes up; HttpApi::handleRequest answers 404, 405, 401 and 403 from what it
// finds. Built once before the server listens and read-only after, on the network thread.
class RouteTable
{
public:
    using Method = QByteArray; // "GET", "POST"
    // May move the reply out to answer later.
    using Handler = std::function<void(const HttpRequest &, HttpReply &)>;

    struct Route {
        Method method;
        QString path;
        Access access;
        Handler handler;
        QString command; // the audit's name for a route that changes the service ("restart")
    };

    // What a request's method and path lead to.
    struct Match {
        const Route *route = nullptr; // set when both the path and the method match
        bool pathKnown = false;       // the path exists (for some method)
    };

    // Adds a route; each (method, path) at most once.
    void add(const Method &method, const QString &path, Access access, Handler handler, const QString &command = {});

    // HEAD finds a path's GET route (answered without its body).
    Match find(const Method &method, const QString &path) const;
    // The methods `path` accepts, in the order they were added, HEAD after GET.
    QStringList methodsOf(const QString &path) const;
    const std::vector<Route> &routes() const { return m_routes; }

private:
    std::vector<Route> m_routes;
    QHash<QString, std::vector<std::size_t>> m_byPath; // path -> indices into m_routes
};

} // namespace shardscope
