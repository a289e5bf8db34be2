#!/usr/bin/env bash
# Context switches and process CPU per request of one side of http_bench_server under
# wrk (used for the before/after of the per-loop-pass shard wake-ups, ANALYSIS.md part 3).
#   tests/bench/http_context_switches.sh SERVER_BINARY [shardscope|baseline] [SECONDS=5]
# Loopback only; the server exits by itself after 30 s at the latest.
set -euo pipefail
server=$1; side=${2:-shardscope}; secs=${3:-5}
out=$(mktemp); lua=$(mktemp --suffix=.lua)
printf 'wrk.method="POST"\nwrk.body=[[{"procedure":"echo","args":{"x":1}}]]\nwrk.headers["Content-Type"]="application/json"\n' >"$lua"
"$server" 2 30 >"$out" & pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -f "$out" "$lua"' EXIT
for _ in $(seq 100); do grep -q baseline "$out" && break; sleep 0.1; done
url=$(awk -v s="^$side" '$0 ~ s {print $2}' "$out")
csw() { cat /proc/$pid/task/*/status | awk '/ctxt_switches/ {s += $2} END {print s}'; }
cpu() { awk '{print $14 + $15}' /proc/$pid/stat; }
c0=$(csw); p0=$(cpu)
n=$(wrk -t2 -c20 -d"${secs}s" -s "$lua" "$url/v1/query" | awk '/requests in/ {print $1}')
c1=$(csw); p1=$(cpu)
awk -v n="$n" -v c=$((c1 - c0)) -v p=$((p1 - p0)) -v s="$secs" -v hz="$(getconf CLK_TCK)" 'BEGIN {
  printf "%s: %d requests, %.0f req/s, %.2f context switches and %.1f us CPU per request\n", "'"$side"'", n, n / s, c / n, p * 1e6 / hz / n }'
