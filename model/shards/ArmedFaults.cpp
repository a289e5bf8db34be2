#include "model/shards/ArmedFaults.h"

#include <QStringList>

#include <bit>

namespace shardscope {

QString armedFaultWord(int bit)
{
    switch (bit) {
    case 0: return QStringLiteral("crash next");
    case 1: return QStringLiteral("stuck next");
    case kSlowFaultBit: return QStringLiteral("slow");
    case 3: return QStringLiteral("fail next create");
    default: return {};
    }
}

QString armedFaultsText(quint8 bits, quint32 slowMs)
{
    QStringList words;
    for (int bit = 0; bit < kArmedFaultKinds; ++bit) {
        if (!(bits & (1u << bit)))
            continue;
        words << (bit == kSlowFaultBit ? QStringLiteral("slow %1 ms").arg(slowMs) : armedFaultWord(bit));
    }
    return words.join(QStringLiteral(", "));
}

QString armedFaultChip(quint8 bits, quint32 slowMs)
{
    bits &= (1u << kArmedFaultKinds) - 1;
    if (bits == 0)
        return {};
    if (std::popcount(unsigned(bits)) > 1)
        return QStringLiteral("%1 faults").arg(std::popcount(unsigned(bits)));
    const int bit = std::countr_zero(unsigned(bits));
    switch (bit) {
    case 0: return QStringLiteral("crash");
    case 1: return QStringLiteral("stuck");
    case kSlowFaultBit: return QStringLiteral("slow %1 ms").arg(slowMs);
    default: return QStringLiteral("no create");
    }
}

} // namespace shardscope
