#include "app/BuildInfo.h"

#include "BuildCommit.h" // generated at every build by cmake/BuildCommit.cmake

namespace shardscope {

const char *versionLine()
{
    return "shardscope " SHARDSCOPE_VERSION " (commit " SHARDSCOPE_COMMIT ")";
}

} // namespace shardscope
