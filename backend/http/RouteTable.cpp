#include "backend/http/RouteTable.h"

namespace shardscope {

void RouteTable::add(Method method, const QString &path, Access access, Handler handler)
{
    Q_ASSERT_X(!find(method, path).route, "RouteTable::add", "a (method, path) is added twice");
    m_byPath[path].push_back(m_routes.size());
    m_routes.push_back(Route{method, path, access, std::move(handler)});
}

RouteTable::Match RouteTable::find(Method method, const QString &path) const
{
    const auto it = m_byPath.constFind(path);
    if (it == m_byPath.cend())
        return {};
    for (const std::size_t i : *it) {
        if (m_routes[i].method == method)
            return {&m_routes[i], true};
    }
    return {nullptr, true};
}

QStringList RouteTable::methodsOf(const QString &path) const
{
    QStringList out;
    for (const std::size_t i : m_byPath.value(path))
        out.append(methodName(m_routes[i].method));
    return out;
}

QString methodName(QHttpServerRequest::Method method)
{
    using M = QHttpServerRequest::Method;
    switch (method) {
    case M::Get: return QStringLiteral("GET");
    case M::Put: return QStringLiteral("PUT");
    case M::Delete: return QStringLiteral("DELETE");
    case M::Post: return QStringLiteral("POST");
    case M::Head: return QStringLiteral("HEAD");
    case M::Options: return QStringLiteral("OPTIONS");
    case M::Patch: return QStringLiteral("PATCH");
    case M::Connect: return QStringLiteral("CONNECT");
    case M::Trace: return QStringLiteral("TRACE");
    default: return QStringLiteral("UNKNOWN");
    }
}

} // namespace shardscope
