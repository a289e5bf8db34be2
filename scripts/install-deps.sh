#!/usr/bin/env bash
# Installs the Debian 12 packages ShardScope builds, runs and tests with. Idempotent:
# does nothing when every package is already there.
#   scripts/install-deps.sh           # build, run, test (etcd and HAProxy for the cluster tests)
#   scripts/install-deps.sh --extra   # also what scripts/ci-extra.sh needs (clang's fuzzer runtime)
# prometheus (with promtool) and python3-yaml run the monitoring tests; dpkg-dev and file
# let CPack find the package's shared-library dependencies (scripts/package.sh); help2man
# makes the man pages; lintian, appstream, desktop-file-utils, man-db, bash-completion and
# python3-jsonschema are what `ctest -L packaging` checks the package and the OpenAPI file with.
set -euo pipefail
packages=(
  cmake ninja-build g++ qt6-base-dev qt6-charts-dev qt6-httpserver-dev qt6-websockets-dev
  libqt6opengl6-dev libspdlog-dev libfmt-dev xvfb xauth fonts-dejavu-core curl
  qt6-qpa-plugins
  libcaf-dev wrk python3 ccache
  prometheus python3-yaml dpkg-dev file help2man
  lintian appstream desktop-file-utils man-db bash-completion python3-jsonschema
  etcd-server etcd-client haproxy iproute2
)
if [ "${1:-}" = "--extra" ]; then
  packages+=(clang-14 libclang-rt-14-dev)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
