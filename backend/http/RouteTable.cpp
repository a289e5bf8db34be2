#include "backend/http/RouteTable.h"

namespace shardscope {

void RouteTable::add(const Method &method, const QString &path, Access access, Handler handler, const QString &command)
{
    Q_ASSERT_X(!find(method, path).route, "RouteTable::add", "a (method, path) is added twice");
    m_byPath[path].push_back(m_routes.size());
    m_routes.push_back(Route{method, path, access, std::move(handler), command});
}

RouteTable::Match RouteTable::find(const Method &method, const QString &path) const
{
    const auto it = m_byPath.constFind(path);
    if (it == m_byPath.cend())
        return {};
    const QByteArray wanted = method == "HEAD" ? QByteArray("GET") : method;
    for (const std::size_t i : *it) {
        if (m_routes[i].method == wanted)
            return {&m_routes[i], true};
    }
    return {nullptr, true};
}

QStringList RouteTable::methodsOf(const QString &path) const
{
    QStringList out;
    for (const std::size_t i : m_byPath.value(path)) {
        out.append(QString::fromLatin1(m_routes[i].method));
        if (m_routes[i].method == "GET")
            out.append(QStringLiteral("HEAD"));
    }
    return out;
}

} // namespace shardscope
