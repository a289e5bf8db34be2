#!/usr/bin/env bash
# Part 3 of issue 5: echo through POST /v1/query against a bare QHttpServer route that
# echoes the same body, both served by one process (tests/bench/http_bench_server) in
# the same run, driven alternately by wrk (baseline, hop, shardscope, then the reverse).
# "hop" is the bare route's echo handed to a worker thread and back: the least a design
# that answers on another thread pays, so the gap splits into the hop and ShardScope's own.
#   scripts/bench-http.sh [SHARDS=2] [SECONDS_PER_RUN=10] [ROUNDS=2]
# Prints a table and one line "JSON {...}". Needs wrk (apt-get install wrk). Load goes
# to 127.0.0.1 only and stops by itself (wrk -d; the server also exits on its own).
# HTTP_BENCH_SERVER=path skips the build and uses that binary (CTest does this).
set -euo pipefail
cd "$(dirname "$0")/.."
shards=${1:-2}; secs=${2:-10}; rounds=${3:-2}
threads=${WRK_THREADS:-2}; conns=${WRK_CONNECTIONS:-20}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
server=${HTTP_BENCH_SERVER:-}
if [ -z "$server" ]; then
  build=${BUILD_DIR:-build}
  cmake --build "$build" -j2 --target http_bench_server >/dev/null
  server="./$build/tests/bench/http_bench_server"
fi
out=$(mktemp); lua=$(mktemp --suffix=.lua)
printf 'wrk.method="POST"\nwrk.body=[[{"procedure":"echo","args":{"x":1}}]]\nwrk.headers["Content-Type"]="application/json"\n' >"$lua"
# The server quits by itself after this many seconds, whatever happens to this script.
"$server" "$shards" $((secs * rounds * 3 + 20)) >"$out" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -f "$out" "$lua"' EXIT
for _ in $(seq 100); do grep -q baseline "$out" && break; sleep 0.1; done
for _ in $(seq 100); do grep -q '^hop' "$out" && break; sleep 0.1; done
ss=$(awk '/^shardscope/{print $2}' "$out"); base=$(awk '/^baseline/{print $2}' "$out"); hop=$(awk '/^hop/{print $2}' "$out")
case "$ss$base$hop" in *127.0.0.1*127.0.0.1*127.0.0.1*) ;; *) echo "http_bench_server did not report its loopback ports"; exit 1;; esac

# CPU ticks (utime+stime) of the server thread named $1, or of the whole process if $1 is "all".
ticks() {
  if [ "$1" = all ]; then awk '{print $14 + $15}' "/proc/$pid/stat"; return; fi
  local t
  for t in /proc/$pid/task/*; do
    if [ "$(cat "$t/comm" 2>/dev/null)" = "$1" ]; then awk '{print $14 + $15}' "$t/stat"; return; fi
  done
  echo 0
}
hz=$(getconf CLK_TCK)
# One wrk run against side $1 (url) whose serving thread is named $2: prints
# "rps p50_ms p99_ms non2xx errors thread_cpu_us_per_req process_cpu_us_per_req".
run() {
  local t0 p0 t1 p1 line
  t0=$(ticks "$2"); p0=$(ticks all)
  line=$(wrk -t"$threads" -c"$conns" -d"${secs}s" --latency -s "$lua" "$1/v1/query" | awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec/ {rps=$2}
    /requests in/ {n=$1}
    /^ +50%/ {p50=ms($2)} /^ +99%/ {p99=ms($2)}
    /Non-2xx/ {non2xx=$NF}
    /Socket errors/ {gsub(",", ""); err=$4+$6+$8+$10}
    END {printf "%s %.3f %.3f %d %d %d\n", rps, p50, p99, non2xx+0, err+0, n}')
  t1=$(ticks "$2"); p1=$(ticks all)
  awk -v l="$line" -v t=$((t1 - t0)) -v p=$((p1 - p0)) -v hz="$hz" 'BEGIN { split(l, f, " ");
    n = f[6] > 0 ? f[6] : 1; printf "%s %s %s %s %s %.2f %.2f\n", f[1], f[2], f[3], f[4], f[5], t * 1e6 / hz / n, p * 1e6 / hz / n }'
}
b_all=(); s_all=(); h_all=()
for r in $(seq "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then
    b_all+=("$(run "$base" baseline)"); h_all+=("$(run "$hop" hop)"); s_all+=("$(run "$ss" network)")
  else
    s_all+=("$(run "$ss" network)"); h_all+=("$(run "$hop" hop)"); b_all+=("$(run "$base" baseline)")
  fi
done
printf '%s\n' "${b_all[@]}" >"$out.b"; printf '%s\n' "${s_all[@]}" >"$out.s"; printf '%s\n' "${h_all[@]}" >"$out.h"
echo "HTTP query path: wrk -t$threads -c$conns -d${secs}s --latency, POST /v1/query echo, $shards shards, $rounds round(s) per side"
echo "CPU us/req: CPU time of the serving thread (bare: its own thread; shardscope: the"
echo "'network' thread) and of the whole process, per request; less sensitive to other load."
printf '%-34s %9s %8s %8s %7s %6s %11s %11s\n' side "req/s" "p50 ms" "p99 ms" non2xx errors "thread us/r" "process us/r"
awk '{printf "%-34s %9.0f %8.3f %8.3f %7d %6d %11.2f %11.2f\n", "baseline (bare QHttpServer route)", $1, $2, $3, $4, $5, $6, $7}' "$out.b"
awk '{printf "%-34s %9.0f %8.3f %8.3f %7d %6d %11.2f %11.2f\n", "hop (bare + worker thread, ref.)", $1, $2, $3, $4, $5, $6, $7}' "$out.h"
awk '{printf "%-34s %9.0f %8.3f %8.3f %7d %6d %11.2f %11.2f\n", "shardscope /v1/query", $1, $2, $3, $4, $5, $6, $7}' "$out.s"
# The hop side's means: rps p50 p99 non2xx+errors thread_cpu process_cpu.
read -r h_rps h_p50 h_p99 h_bad h_thread h_proc < <(awk '{r+=$1; a+=$2; b+=$3; e+=$4+$5; t+=$6; p+=$7; n++}
  END {if (n == 0) n = 1; printf "%.0f %.3f %.3f %d %.2f %.2f\n", r/n, a/n, b/n, e, t/n, p/n}' "$out.h")
# Median of the per-round ratios: one noisy round (other jobs on the machine) moves it less.
median=$(paste -d' ' "$out.b" "$out.s" | awk '$1 > 0 {print $8 / $1}' | sort -g | awk '{v[NR]=$1} END {
  if (NR == 0) print 0; else if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2] + v[NR/2+1]) / 2}')
paste -d' ' "$out.b" "$out.s" | awk -v median="$median" -v shards="$shards" -v secs="$secs" -v rounds="$rounds" -v t="$threads" -v c="$conns" \
  -v h_rps="$h_rps" -v h_p50="$h_p50" -v h_p99="$h_p99" -v h_bad="$h_bad" -v h_thread="$h_thread" -v h_proc="$h_proc" '
  { b+=$1; s+=$8; bp50+=$2; bp99+=$3; sp50+=$9; sp99+=$10; bn+=$4+$5; sn+=$11+$12; bt+=$6; bp+=$7; st+=$13; sp+=$14; n++ }
  END {
    ratio = b > 0 ? s/b : 0
    printf "ratio shardscope/baseline: %.2f over all rounds, median of rounds %.2f (target >= 0.90)\n", ratio, median
    printf "CPU efficiency ratio (bare process CPU per request / shardscope): %.2f\n", (sp > 0 ? bp/sp : 0)
    printf "serving-thread CPU per request: shardscope %.2f us, baseline %.2f us (%.2fx); whole process %.2f vs %.2f us\n", st/n, bt/n, (bt > 0 ? st/bt : 0), sp/n, bp/n
    printf "hop reference: process CPU per request %.2f us; CPU efficiency bare/hop %.2f (what the hop itself costs), hop/shardscope %.2f (what ShardScope adds to it)\n", h_proc, (h_proc > 0 ? (bp/n)/h_proc : 0), (sp > 0 ? h_proc/(sp/n) : 0)
    printf "JSON {\"bench\":\"http\",\"shards\":%d,\"seconds_per_run\":%d,\"rounds\":%d,\"wrk_threads\":%d,\"wrk_connections\":%d,", shards, secs, rounds, t, c
    printf "\"baseline\":{\"rps\":%.0f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"non2xx_or_errors\":%d,\"thread_cpu_us_per_req\":%.2f,\"process_cpu_us_per_req\":%.2f},", b/n, bp50/n, bp99/n, bn, bt/n, bp/n
    printf "\"shardscope\":{\"rps\":%.0f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"non2xx_or_errors\":%d,\"thread_cpu_us_per_req\":%.2f,\"process_cpu_us_per_req\":%.2f},", s/n, sp50/n, sp99/n, sn, st/n, sp/n
    printf "\"hop\":{\"rps\":%.0f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"non2xx_or_errors\":%d,\"thread_cpu_us_per_req\":%.2f,\"process_cpu_us_per_req\":%.2f},", h_rps, h_p50, h_p99, h_bad, h_thread, h_proc
    printf "\"ratio\":%.3f,\"median_round_ratio\":%.3f,\"cpu_efficiency_ratio\":%.3f,\"target_ratio\":0.9,", ratio, median, (sp > 0 ? bp/sp : 0)
    printf "\"hop_cpu_efficiency_ratio\":%.3f,\"shardscope_to_hop_cpu_efficiency_ratio\":%.3f}\n", (h_proc > 0 ? (bp/n)/h_proc : 0), (sp > 0 ? h_proc/(sp/n) : 0)
  }'
rm -f "$out.b" "$out.s" "$out.h"
