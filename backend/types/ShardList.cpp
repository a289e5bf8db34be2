#include "backend/types/ShardList.h"

#include <QStringList>

namespace shardscope {

QString shardList(const std::vector<ShardId> &ids, int limit)
{
    if (ids.empty())
        return {};
    const bool contiguous = ids.back() - ids.front() + 1 == ShardId(ids.size());
    if (contiguous && ids.size() > 2)
        return QStringLiteral("%1-%2").arg(ids.front()).arg(ids.back());
    QStringList parts;
    for (std::size_t i = 0; i < ids.size() && int(i) < limit; ++i)
        parts << QString::number(ids[i]);
    if (int(ids.size()) > limit)
        parts << QStringLiteral("+%1 more").arg(ids.size() - std::size_t(limit));
    return parts.join(QStringLiteral(", "));
}

} // namespace shardscope
