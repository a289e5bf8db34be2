#!/usr/bin/env bash
# Installs what is missing, builds ShardScope and starts the console with its embedded
# service. Arguments go to shardscope (e.g. --shards 64, or --headless).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "${JOBS:-2}" --target shardscope
exec ./build/app/shardscope "$@"
