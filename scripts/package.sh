#!/usr/bin/env bash
# Builds ShardScope (RelWithDebInfo) and its Debian package with CPack:
#   scripts/package.sh                  -> build/shardscope_<version>_<arch>.deb
#   scripts/package.sh --install-check  also installs it system-wide (root), runs the
#                                       installed binary, then removes and purges it and
#                                       checks what each step leaves behind
# BUILD_DIR picks another build dir; JOBS the parallel compile jobs (2).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo ${CMAKE_ARGS:-}
# shardscope_docs: the man pages (help2man runs the binary) and the changelog.
cmake --build "$build" -j "${JOBS:-2}" --target shardscope shardscope_docs
rm -f "$build"/shardscope_*.deb
(cd "$build" && cpack -G DEB)
deb=$(ls "$build"/shardscope_*.deb)
echo "package: $deb"
[ "${1:-}" = "--install-check" ] || exit 0

# A failed check leaves nothing installed behind it.
fail() {
  echo "install check: $*" >&2
  DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq -o DPkg::Lock::Timeout=300 shardscope >/dev/null 2>&1 || true
  exit 1
}
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 "./$deb" >/dev/null
shardscope --version
for f in /usr/bin/shardscope /usr/lib/systemd/system/shardscope@.service /usr/share/applications/shardscope.desktop \
         /usr/share/icons/hicolor/256x256/apps/shardscope.png /etc/shardscope/example.conf \
         /usr/share/man/man1/shardscope.1.gz /usr/share/man/man1/shardscope-ctl.1.gz \
         /usr/share/bash-completion/completions/shardscope /usr/share/metainfo/org.shardscope.shardscope.metainfo.xml \
         /usr/share/doc/shardscope/copyright /usr/share/doc/shardscope/changelog.gz \
         /usr/share/doc/shardscope/openapi.json; do
  dpkg -L shardscope | grep -qx "$f" || fail "dpkg -L shardscope does not list $f"
done
getent passwd shardscope >/dev/null || fail "the service user was not created"
man -w shardscope-ctl >/dev/null || fail "man does not find shardscope-ctl(1)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && exec env HOME="$tmp" timeout 20 shardscope --headless --shards 2 --listen 127.0.0.1:0 >"$tmp/out" 2>&1) &
pid=$!
for _ in $(seq 100); do grep -q "listening on" "$tmp/out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$tmp/out" | head -1)
[ -n "$url" ] || fail "the installed binary did not start: $(cat "$tmp/out")"
curl -fsS "$url/v1/service/ready" >/dev/null || { kill -TERM "$pid"; fail "$url/v1/service/ready did not answer 200"; }
kill -TERM "$pid"
wait "$pid" || fail "the installed binary did not exit 0 on SIGTERM"
DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq -o DPkg::Lock::Timeout=300 shardscope >/dev/null
[ ! -e /usr/bin/shardscope ] || fail "remove left /usr/bin/shardscope"
[ -e /etc/shardscope/example.conf ] || fail "remove took the config"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq -o DPkg::Lock::Timeout=300 shardscope >/dev/null
[ ! -e /etc/shardscope ] || fail "purge left /etc/shardscope"
! getent passwd shardscope >/dev/null || fail "purge left the shardscope user"
echo "install check: installed, ran, removed (config kept) and purged"
