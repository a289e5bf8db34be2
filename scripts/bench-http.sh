#!/usr/bin/env bash
# echo through /v1/query against a bare QHttpServer route in the same process and run.
#   scripts/bench-http.sh [SHARDS] [SECONDS_PER_RUN]
# Needs wrk (apt-get install wrk). Load goes to 127.0.0.1 only and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
shards=${1:-2}; secs=${2:-10}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
build=${BUILD_DIR:-build}
cmake --build "$build" -j2 --target http_bench_server >/dev/null
out=$(mktemp); lua=$(mktemp --suffix=.lua)
printf 'wrk.method="POST"\nwrk.body=[[{"procedure":"echo","args":{"x":1}}]]\nwrk.headers["Content-Type"]="application/json"\n' >"$lua"
"./$build/tests/bench/http_bench_server" "$shards" $((secs * 4 + 20)) >"$out" &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$out" "$lua"' EXIT
for _ in $(seq 50); do grep -q baseline "$out" && break; sleep 0.1; done
ss=$(awk '/^shardscope/{print $2}' "$out"); base=$(awk '/^baseline/{print $2}' "$out")
run() { wrk -t2 -c20 -d"${secs}s" -s "$lua" "$1/v1/query" | awk '/Requests\/sec/{print $2} /Non-2xx/{print "NON2XX", $0}'; }
b1=$(run "$base"); s1=$(run "$ss"); b2=$(run "$base"); s2=$(run "$ss")
echo "wrk -t2 -c20 -d${secs}s, echo via POST /v1/query, ${shards} shards"
printf 'baseline (bare QHttpServer route): %s, %s req/s\n' "$b1" "$b2"
printf 'shardscope /v1/query:              %s, %s req/s\n' "$s1" "$s2"
awk -v b1="$b1" -v b2="$b2" -v s1="$s1" -v s2="$s2" 'BEGIN{printf "ratio shardscope/baseline: %.2f\n", (s1+s2)/(b1+b2)}'
