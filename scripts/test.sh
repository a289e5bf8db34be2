#!/usr/bin/env bash
# Installs what is missing, builds ShardScope and runs every test with CTest.
#   scripts/test.sh                 # build/ , RelWithDebInfo
#   BUILD_DIR=build-asan CMAKE_ARGS=-DSHARDSCOPE_SANITIZE=ON scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo ${CMAKE_ARGS:-}
cmake --build "$build" -j "${JOBS:-2}"
cd "$build"
ctest --output-on-failure -j "${TEST_JOBS:-1}" ${CTEST_ARGS:-}
