#pragma once

namespace shardscope {

// What `shardscope --version` prints: "shardscope 0.1.0 (commit 0123456789ab)".
const char *versionLine();

} // namespace shardscope
