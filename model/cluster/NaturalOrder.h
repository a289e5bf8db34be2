#pragma once

#include <QString>

namespace shardscope {

// Node ids as an operator counts them: digit runs compare by value, so n2 < n10 < n11.
// Ties on value (n02, n2) fall back to plain text so the order stays total.
bool naturalLess(const QString &a, const QString &b);

} // namespace shardscope
