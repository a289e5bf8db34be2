#!/usr/bin/env bash
# Runs every ShardScope benchmark (issue 5) at full size and writes BENCHMARKS.md.
#
#   scripts/bench.sh                      # build dir build/
#   BUILD_DIR=build-bench scripts/bench.sh
#   BEFORE_BUILD=../old/build scripts/bench.sh  # parts 2, 3 and 6 also on an earlier commit's build dir
#
# Installs what is missing (scripts/install-deps.sh: includes libcaf-dev and wrk), builds
# RelWithDebInfo with Ninja (-j2), runs each benchmark under `timeout` (the whole run takes
# about 17 minutes on 2 cores after the build; every step is bounded), and writes BENCHMARKS.md at the repository root with the figures, the machine,
# the date and this exact command. Raw outputs stay in $BUILD_DIR/bench-results/.
# Every figure that has a target is a ratio or a difference to a baseline measured in
# the same run, because these machines are shared and noisy. All traffic is 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
command_line="${BUILD_DIR:+BUILD_DIR=$BUILD_DIR }${BEFORE_BUILD:+BEFORE_BUILD=$BEFORE_BUILD }scripts/bench.sh${*:+ $*}"
build=${BUILD_DIR:-build}
results="$build/bench-results"
started=$(date +%s)

[ "${SKIP_DEPS:-0}" = 1 ] || scripts/install-deps.sh
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target bench_restart bench_actor http_bench_server bench_console bench_cluster bench_fairness bench_fleet shardscope
built=$(date +%s)
mkdir -p "$results"
export XDG_RUNTIME_DIR="$PWD/$build/xdg-runtime"; mkdir -p "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
export LC_ALL=C.UTF-8

# Runs one benchmark with a time bound; its output goes to the terminal and to a file.
run_bench() { # name seconds command...
  local name=$1 limit=$2; shift 2
  echo "== $name: $*"
  if ! timeout --kill-after=10 "$limit" "$@" 2>&1 | tee "$results/$name.txt"; then
    echo "(exit status ${PIPESTATUS[0]})" | tee -a "$results/$name.txt"
  fi
}

# --- Part 1: restart under load -------------------------------------------------------
restart_args=(--shards 4,16,64 --clients 8 --restarts 30 --legacy-restarts 5 --baseline-ms 2000 --gap-ms 150
              --idle-shards 64,1024 --idle-restarts 30 --max-seconds 150)
run_bench restart 270 "$build/tests/bench/bench_restart" "${restart_args[@]}"

# A headless service with 1024 shards at rest: its threads and resident memory, read from
# /proc 3 s after it says it listens (nothing is sent to it).
headless_at_rest() {
  local out="$results/headless-1024.log" pid rss threads
  "$build/app/shardscope" --headless --shards 1024 --listen 127.0.0.1:0 --audit-file "$results/headless-audit.jsonl" >"$out" 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -q 'listening on' "$out" && break; sleep 0.1; done
  sleep 3
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
  rss=$(awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status" 2>/dev/null)
  kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
  echo "JSON {\"bench\":\"headless\",\"shards\":1024,\"cores\":$(nproc),\"threads\":${threads:-null},\"rss_mb\":${rss:-null}}"
}
echo "== headless-1024"
headless_at_rest | tee "$results/headless.txt"

# --- Part 2: actor request-reply against CAF ------------------------------------------
actor_args=(--shards 1,2,4,8,16,64,256,1024 --seconds 2 --repeats 3 --senders 2 --window 16)
run_bench actor 420 "$build/tests/bench/bench_actor" "${actor_args[@]}"
# Before and after a change in one run (BEFORE_BUILD: an earlier commit's build dir).
before=${BEFORE_BUILD:-}
if [ -n "$before" ]; then
  run_bench actor-before 420 "$before/tests/bench/bench_actor" "${actor_args[@]}"
fi
# Before the worker pool: the same run on a thread per shard (--threads per-shard).
actor_ps_args=(--shards 1,2,16,64,256,1024 --seconds 2 --repeats 2 --senders 2 --window 16)
run_bench actor-per-shard 300 env SHARDSCOPE_THREADS=per-shard "$build/tests/bench/bench_actor" "${actor_ps_args[@]}"
# Diagnostic, no target: the same at 64 shards with 16x deeper windows, which shows how
# much of the gap at 64 shards is one thread wake-up (context switch) per message.
actor_deep_args=(--shards 1,2,4,8,16,64,256,1024 --seconds 2 --repeats 2 --senders 2 --window 256)
run_bench actor-deep 300 "$build/tests/bench/bench_actor" "${actor_deep_args[@]}"

# --- Part 3: HTTP query path against a bare QHttpServer route -------------------------
http_args=(2 5 6) # shards, seconds per wrk run, rounds per side (alternating)
run_bench http 180 env HTTP_BENCH_SERVER="$build/tests/bench/http_bench_server" bash scripts/bench-http.sh "${http_args[@]}"
if [ -n "$before" ]; then
  run_bench http-before 180 env HTTP_BENCH_SERVER="$before/tests/bench/http_bench_server" bash scripts/bench-http.sh "${http_args[@]}"
fi

# --- Part 4: console at scale ---------------------------------------------------------
# The real window over the embedded service, offscreen; one child process per shard count
# (about 70 s in all). Its own bound is --max-seconds per shard count.
console_args=(--shards 64,256,1024 --seconds 10 --warmup 2 --restarts 20 --max-seconds 120)
run_bench console 400 "$build/tests/bench/bench_console" "${console_args[@]}"

# --- Part 5: cluster restarts ----------------------------------------------------------
# Real etcd, HAProxy and node processes on 127.0.0.1 (about 60 s; bounded by --max-seconds).
cluster_args=(--nodes 4 --shards 8 --clients 4 --strategies rolling,lockstep,lockstep_drain2s --baseline-ms 2000 --idle-restarts 5
              --takeover 1 --lease-ttl 2 --scale-nodes 16 --scale-shards 2 --rest-seconds 3 --max-seconds 300)
run_bench cluster 360 "$build/tests/bench/bench_cluster" "${cluster_args[@]}"

# --- Part 5b: from a healed partition to one version ------------------------------------
# The partition suite's scenarios (network namespaces, so root only), each timed from the
# heal until every node is ready on one version with the journal saying so.
heal_scenarios=(lockstep_node_isolated_after_verified lockstep_coordinator_isolated_after_mark
                rolling_etcd_isolated rolling_node_cut_from_etcd)
if [ "$(id -u)" = 0 ]; then
  for sc in "${heal_scenarios[@]}"; do
    run_bench "heal-$sc" 150 python3 tests/partition/partition.py --binary "$build/app/shardscope" --scenario "$sc" --time-limit 100
  done
fi
heal_s() { grep -o 'outcome matching: [0-9.]* s after the heal' "$results/heal-$1.txt" 2>/dev/null | grep -o '[0-9.]*' | head -1; }

# --- Part 6: short queries while long ones run ---------------------------------------
# Echo latency on idle shards of a headless service while N spins run (issue 22), about 20 s.
fair_args=(--spins 2,6,32 --idle-shards 8 --spin-ms 10000 --seconds 5)
run_bench fairness 120 "$build/tests/bench/bench_fairness" "${fair_args[@]}"
if [ -n "$before" ]; then
  run_bench fairness-before 300 env SHARDSCOPE_TEST_BINARY="$before/app/shardscope" "$build/tests/bench/bench_fairness" "${fair_args[@]}"
fi

# --- Part 7: the cluster console following a fleet -----------------------------------
# Real etcd and 16, then 32, then 64 nodes of 64 shards; the console's model at rest and
# during a rolling restart, following every node in full (before) and by summaries (after),
# then the cluster window itself (offscreen, 1360x880) at rest, through a lockstep and a
# rolling restart, each node's restart timed to the painted frame showing it; one run
# (about 6 minutes on a loaded machine; bounded by --max-seconds).
fleet_args=(--nodes 16,32,64 --shards 64 --rest-seconds 5 --restart-seconds 20 --modes summary,full,window --max-txn-ops 256 --max-seconds 560)
run_bench fleet 600 "$build/tests/bench/bench_fleet" "${fleet_args[@]}"

# --- BENCHMARKS.md --------------------------------------------------------------------
json() { grep -h '^JSON ' "$results/$1.txt" 2>/dev/null | tail -1 | sed 's/^JSON //'; }
# First value of a key in a JSON line (flat grep: keys chosen to be unambiguous).
val() { grep -o "\"$2\":[^,}]*" <<<"$1" | head -1 | cut -d: -f2 | tr -d '"'; }
vals() { grep -o "\"$2\":[^,}]*" <<<"$1" | cut -d: -f2 | tr -d '"' | paste -sd' ' -; }
verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN { if (v !~ /^-?[0-9.]+$/) { print "not measured"; exit }
  ok = (op == "<=") ? (v + 0 <= t + 0) : (v + 0 >= t + 0); print ok ? "met" : "**missed**" }'; }

rj=$(json restart); aj=$(json actor); hj=$(json http); cj=$(json console)
phased_failed=$(grep -o '"phased":{"restarts":[0-9]*,"not_completed":[0-9]*,"requests":[0-9]*,"failed":[0-9]*' <<<"$rj" \
                | awk -F'"failed":' '{s += $2} END {print s + 0}')
not_completed=$(grep -o '"phased":{"restarts":[0-9]*,"not_completed":[0-9]*' <<<"$rj" | awk -F'"not_completed":' '{s += $2} END {print s + 0}')
worst_p99=$(val "$rj" worst_added_p99_ms)
legacy_rates=$(vals "$rj" failure_rate)
min_ratio=$(val "$aj" min_ratio)
min_plain_ratio=$(val "$aj" min_plain_ratio)
actor_shards=$(vals "$aj" shards); actor_ratios=$(vals "$aj" ratio); plain_ratios=$(vals "$aj" plain_ratio)
http_ratio=$(val "$hj" ratio)
http_median=$(val "$hj" median_round_ratio)
http_eff=$(val "$hj" cpu_efficiency_ratio)
http_cpu_b=$(grep -o '"baseline":{[^}]*}' <<<"$hj" | grep -o '"process_cpu_us_per_req":[0-9.]*' | cut -d: -f2)
http_cpu_s=$(grep -o '"shardscope":{[^}]*}' <<<"$hj" | grep -o '"process_cpu_us_per_req":[0-9.]*' | cut -d: -f2)
http_cpu_h=$(grep -o '"hop":{[^}]*}' <<<"$hj" | grep -o '"process_cpu_us_per_req":[0-9.]*' | cut -d: -f2)
http_hop_eff=$(val "$hj" hop_cpu_efficiency_ratio)
http_own_eff=$(val "$hj" shardscope_to_hop_cpu_efficiency_ratio)
console_n=$(val "$cj" console_shards)
console_cpu=$(val "$cj" console_gui_cpu_pct)
console_p99=$(val "$cj" console_state_to_pixel_p99_ms)
console_missed=$(val "$cj" console_missed_transitions)
console_rss=$(val "$cj" console_rss_peak_mb)
console_frame=$(val "$cj" console_frame_p99_ms)
console_p99_verdict=$(verdict "$console_p99" 100 '<=')
[ "${console_missed:-0}" = 0 ] || console_p99_verdict='**missed**'
# A field of a nested record (python3): `json_field restart rows.shards=64.added_ms.p99`;
# `key=value` picks the list item whose key has that value. "?" when it is missing.
json_field() { json "$1" | python3 -c 'import json, sys
try:
    r = json.loads(sys.stdin.read() or "{}")
    for k in sys.argv[1].split("."):
        if "=" in k:
            key, want = k.split("=")
            r = next(i for i in r if str(i[key]) == want)
        else:
            r = r[int(k)] if isinstance(r, list) else r[k]
    print("?" if r is None else r)
except (KeyError, IndexError, ValueError, TypeError, StopIteration):
    print("?")' "$2"; }
cluster_field() { json_field cluster "$1"; }
# Issue 15's figures: restart at 64 shards, idle restarts at 64 and 1024, a resting 1024-shard service.
idle_p50=$(json_field restart idle.e2e_ms.p50); idle_max=$(json_field restart idle.e2e_ms.max)
p64_added=$(json_field restart rows.shards=64.phased.added_ms.p99)
p64_requests=$(json_field restart rows.shards=64.phased.requests_during_restart)
idle64_p50=$(json_field restart idle_rows.shards=64.e2e_ms.p50)
idle1k_p50=$(json_field restart idle_rows.shards=1024.e2e_ms.p50); idle1k_max=$(json_field restart idle_rows.shards=1024.e2e_ms.max)
hl_threads=$(json_field headless threads); hl_rss=$(json_field headless rss_mb); hl_cores=$(json_field headless cores)
hl_thread_limit=$(awk -v c="$hl_cores" 'BEGIN { if (c ~ /^[0-9]+$/) print c + 8; else print "?" }')
cl_roll_failed=$(cluster_field load.rolling.failed); cl_lock_failed=$(cluster_field load.lockstep.failed)
cl_held_failed=$(cluster_field load.lockstep_drain2s.failed); cl_held_ms=$(cluster_field load.lockstep_drain2s.e2e_ms)
cl_roll_p99=$(cluster_field load.rolling.added_p99_ms); cl_lock_p99=$(cluster_field load.lockstep.added_p99_ms)
cl_lock_idle=$(cluster_field idle.lockstep.max_ms); cl_roll_idle=$(cluster_field idle.rolling.p50_ms)
cl_takeover=$(cluster_field takeover.takeover_ms); cl_ttl=$(cluster_field takeover.ttl_s)
cl_takeover_target=$(awk -v t="$cl_ttl" 'BEGIN { if (t ~ /^[0-9]+$/) print t * 1000 + 1000; else print "?" }')
fair_p99() { json_field fairness "rows.spins=$1.p99_ms"; }
fair_p50() { json_field fairness "rows.spins=$1.p50_ms"; }
fleet() { json_field fleet "rows.nodes=64.modes.$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b + 0 > 0) printf "%.1fx", a / b; else print "?" }'; }
fl_rest=$(fleet window.rest.gui_cpu_pct); fl_rest_m=$(fleet summary.rest.gui_cpu_pct); fl_rest_b=$(fleet full.rest.gui_cpu_pct)
fl_roll=$(fleet window.restart.gui_cpu_pct); fl_roll_m=$(fleet summary.restart.gui_cpu_pct); fl_roll_b=$(fleet full.restart.gui_cpu_pct)
fl_lock=$(fleet window.lockstep.gui_cpu_pct); fl_lock_s=$(fleet window.lockstep_s)
fl_rss=$(fleet window.rss_peak_mb); fl_rss_m=$(fleet summary.rss_peak_mb); fl_rss_b=$(fleet full.rss_peak_mb)
# State change to pixel per node count and restart (lockstep, rolling): p99, misses, and where the time went.
px() { json_field fleet "rows.nodes=$1.modes.window.pixels.$2.$3"; }
px_verdict() { if [ "$(px "$1" "$2" missed)" != 0 ]; then zero_verdict "$(px "$1" "$2" missed)"; else verdict "$(px "$1" "$2" p99_ms)" 250 '<='; fi; }
fl_bytes=$(fleet summary.rest.bytes_other_node_per_s); fl_bytes_b=$(fleet full.rest.bytes_other_node_per_s)
fl_bytes_view=$(fleet summary.rest.bytes_in_view_per_s)
fl_node=$(fleet summary.node_serving_cpu_pct); fl_node_b=$(fleet full.node_serving_cpu_pct)
fl_proc=$(fleet summary.rest.process_cpu_pct); fl_proc_b=$(fleet full.rest.process_cpu_pct)
fl_seen=$(fleet summary.seen_p99_ms); fl_seen_b=$(fleet full.seen_p99_ms); fl_seen_n=$(fleet summary.seen_nodes)
zero_verdict() { case "$1" in 0) echo met ;; ''|'?') echo 'not measured' ;; *) echo '**missed**' ;; esac; }
elapsed=$(( $(date +%s) - built ))
build_seconds=$(( built - started ))

mem_total=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
cpu_model=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- . ':!BENCHMARKS.md' 2>/dev/null || commit="$commit (working tree has uncommitted changes)"

{
  echo "# ShardScope benchmarks"
  echo
  echo "Written by \`scripts/bench.sh\` (issue 5). Re-run with the command below; it builds,"
  echo "runs every benchmark within a bounded time and rewrites this file. Figures with a"
  echo "target in parts 1-3 are compared with a baseline measured in the same run, because the"
  echo "machine is shared and noisy; part 4's targets are absolute (a share of one core,"
  echo "milliseconds, megabytes). Expect a few percent of run-to-run variation, more for the"
  echo "console's latency p99 when other jobs load the machine."
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| command | \`$command_line\` |"
  echo "| date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
  echo "| machine | $(nproc) cores, $cpu_model, $mem_total RAM, $(uname -sr) |"
  echo "| load average at the end | $(cut -d' ' -f1-3 /proc/loadavg) (other builds share this machine) |"
  echo "| build | $build, RelWithDebInfo, commit $commit |"
  echo "| wall time | ${build_seconds} s to install and build, ${elapsed} s for the benchmarks |"
  echo
  echo "## Targets"
  echo
  echo "| part | figure | value | target | result |"
  echo "|---|---|---|---|---|"
  echo "| 1 restart under load | failed requests, phased (all shard counts) | $phased_failed (restarts not completed: $not_completed) | 0 | $( [ -n "$rj" ] && { [ "$phased_failed" = 0 ] && [ "$not_completed" = 0 ] && echo met || echo '**missed**'; } || echo 'not measured') |"
  echo "| 1 restart under load | worst added p99 latency of requests sent during a restart | ${worst_p99:-?} ms | <= 20 ms | $(verdict "$worst_p99" 20 '<=') |"
  echo "| 1 restart under load | legacy failure rate after a legacy restart (N = 4, 16, 64) | ${legacy_rates:-?} | shows the seed's (N-1)/N | $( [ -n "$legacy_rates" ] && echo shown || echo 'not measured') |"
  echo "| 1 restart, idle | 64 idle shards, phased restart end to end (p50 / max) | ${idle_p50:-?} / ${idle_max:-?} ms | <= 50 ms | $(verdict "$idle_max" 50 '<=') |"
  echo "| 1 restart under load | added p99 at 64 shards on the worker pool ($p64_requests requests sent during restarts) | $p64_added ms | <= 5 ms | $(verdict "$p64_added" 5 '<=') |"
  echo "| 1 restart, idle | 64 idle shards, p50 end to end | $idle64_p50 ms | <= 2 ms | $(verdict "$idle64_p50" 2 '<=') |"
  echo "| 1 restart, idle | 1024 idle shards, p50 end to end (max $idle1k_max ms) | $idle1k_p50 ms | <= 30 ms | $(verdict "$idle1k_p50" 30 '<=') |"
  echo "| 1 at rest | headless service with 1024 shards: threads on $hl_cores cores | $hl_threads | <= $hl_thread_limit | $(verdict "$hl_threads" "$hl_thread_limit" '<=') |"
  echo "| 1 at rest | same, resident memory (VmRSS) | $hl_rss MB | < 60 MB | $(verdict "$hl_rss" 59.99 '<=') |"
  echo "| 2 actor request-reply | lowest ShardScope/CAF throughput ratio over 1..1024 shards, window 16 (by shard count ${actor_shards:-?}: ${actor_ratios:-?}) | ${min_ratio:-?}x | >= 1.0x | $(verdict "$min_ratio" 1.0 '>=') |"
  echo "| 2 actor request-reply | reference, no target: lowest ratio of a bare thread per shard (PlainShards: condition-variable queue, nothing else) to CAF (by shard count: ${plain_ratios:-?}) | ${min_plain_ratio:-?}x | (none) | shown |"
  echo "| 3 HTTP query path | /v1/query echo vs bare QHttpServer route, throughput ratio (median of rounds ${http_median:-?}x; unreliable here, see below) | ${http_ratio:-?}x | >= 0.9x | $(verdict "$http_ratio" 0.9 '>=') |"
  echo "| 3 HTTP query path | same, CPU efficiency: bare route's process CPU per request / ShardScope's (${http_cpu_b:-?} / ${http_cpu_s:-?} us) | ${http_eff:-?}x | >= 0.9x | $(verdict "$http_eff" 0.9 '>=') |"
  echo "| 3 HTTP query path | reference, no target: the least a hand-off to another thread costs, bare route's CPU per request / a plain worker-thread hop's (${http_cpu_b:-?} / ${http_cpu_h:-?} us) | ${http_hop_eff:-?}x | (none) | shown |"
  echo "| 3 HTTP query path | what ShardScope adds to that hop: the hop's CPU per request / ShardScope's | ${http_own_eff:-?}x | (none) | shown |"
  echo "| 4 console at scale | GUI-thread CPU, ${console_n:-?} shards, every shard's counters changing each frame | ${console_cpu:-?}% of one core | <= 15% | $(verdict "$console_cpu" 15 '<=') |"
  echo "| 4 console at scale | state change to pixel p99, ${console_n:-?} shards, 20 phased restarts (transitions missed: ${console_missed:-?}) | ${console_p99:-?} ms | <= 100 ms, none missed | $console_p99_verdict |"
  echo "| 4 console at scale | peak resident memory (VmHWM), ${console_n:-?} shards | ${console_rss:-?} MB | <= 200 MB | $(verdict "$console_rss" 200 '<=') |"
  echo "| 4 console at scale | frame time p99 (snapshot to window painted), ${console_n:-?} shards, steady | ${console_frame:-?} ms | (none) | shown |"
  echo "| 6 long queries | echo p99 on idle shards while 6 spins run (p50 $(fair_p50 6) ms) | $(fair_p99 6) ms | <= 10 ms | $(verdict "$(fair_p99 6)" 10 '<=') |"
  echo "| 6 long queries | echo p99 on idle shards while 32 spins run (p50 $(fair_p50 32) ms) | $(fair_p99 32) ms | <= 25 ms | $(verdict "$(fair_p99 32)" 25 '<=') |"
  echo "| 7 fleet console | GUI-thread CPU at rest, 64 nodes x 64 shards, the cluster window painting, n0 drilled into (its model alone: $fl_rest_m%; the model following every node in full, before: $fl_rest_b%, $(ratio "$fl_rest_b" "$fl_rest_m") the model's) | $fl_rest% of one core | <= 15% | $(verdict "$fl_rest" 15 '<=') |"
  echo "| 7 fleet console | GUI-thread CPU during a rolling restart of the 64 nodes, the window (its model alone: $fl_roll_m%; before: $fl_roll_b%) | $fl_roll% of one core | <= 25% | $(verdict "$fl_roll" 25 '<=') |"
  echo "| 7 fleet console | GUI-thread CPU during a lockstep restart of the 64 nodes ($fl_lock_s s), the window | $fl_lock% of one core | <= 25% | $(verdict "$fl_lock" 25 '<=') |"
  for n in 16 32 64; do
    for r in rolling lockstep; do
      echo "| 7 fleet console | a node's $r restart (its last shard serving again, its clock) to the first painted frame of the fleet view showing it, p99, $n nodes ($(px "$n" $r timed) nodes, missed: $(px "$n" $r missed); to the model p99 $(px "$n" $r model_p99_ms) ms, the model to the frame p99 $(px "$n" $r model_to_frame_p99_ms) ms) | $(px "$n" $r p99_ms) ms | <= 250 ms, none missed | $(px_verdict "$n" $r) |"
    done
  done
  echo "| 7 fleet console | console peak RSS (VmHWM), 64 nodes, the window (its model alone: $fl_rss_m MB; before: $fl_rss_b MB) | $fl_rss MB | <= 300 MB | $(verdict "$fl_rss" 300 '<=') |"
  echo "| 7 fleet console | console process CPU at rest, all threads (before: $fl_proc_b%, $(ratio "$fl_proc_b" "$fl_proc")) | $fl_proc% of one core | (none) | shown |"
  echo "| 7 fleet console | what serving the console costs each node not in view, at rest: stream bytes/s (before: $fl_bytes_b, $(ratio "$fl_bytes_b" "$fl_bytes"); the node in view: $fl_bytes_view) | $fl_bytes B/s | (none) | shown |"
  echo "| 7 fleet console | same, the node's CPU above its CPU with no console (before: $fl_node_b%) | $fl_node% of one core | (none) | shown |"
  echo "| 7 fleet console | a node's restart (its last shard serving again, its clock) to the model showing it, p99 over the $fl_seen_n nodes not in view restarted in the window (before: $fl_seen_b ms); the painted frame is timed above | $fl_seen ms | (none) | shown |"
  if [ -n "$before" ]; then
    abj=$(json actor-before); hbj=$(json http-before)
    echo "| 2 before | the same lowest ratio on BEFORE_BUILD, this run (by shard count: $(vals "$abj" ratio)) | $(val "$abj" min_ratio)x | (none) | shown |"
    echo "| 3 before | throughput ratio and CPU efficiency on BEFORE_BUILD, this run | $(val "$hbj" ratio)x, $(val "$hbj" cpu_efficiency_ratio)x | (none) | shown |"
    echo "| 6 before | echo p99 with 6 and 32 spins on BEFORE_BUILD's service, this run | $(json_field fairness-before 'rows.spins=6.p99_ms') ms, $(json_field fairness-before 'rows.spins=32.p99_ms') ms | (none) | shown |"
  fi
  echo "| 5 cluster | failed requests through HAProxy, rolling restart of 4 nodes x 8 shards under load | $cl_roll_failed | 0 | $(zero_verdict "$cl_roll_failed") |"
  echo "| 5 cluster | failed requests through HAProxy, lockstep restart of 4 nodes x 8 shards under load | $cl_lock_failed | 0 | $(zero_verdict "$cl_lock_failed") |"
  echo "| 5 cluster | failed requests through HAProxy, lockstep restart held $cl_held_ms ms by a 2 s drain on every node | $cl_held_failed | 0 | $(zero_verdict "$cl_held_failed") |"
  for sc in "${heal_scenarios[@]}"; do
    echo "| 5b partition | heal to one version, every node ready and the journal matching: $sc | $(heal_s "$sc") s | <= 8 s (TTL 2 s + 6) | $(verdict "$(heal_s "$sc")" 8 '<=') |"
  done
  echo "| 5 cluster | added p99 during the restart, rolling / lockstep | $cl_roll_p99 / $cl_lock_p99 ms | (none) | shown |"
  echo "| 5 cluster | lockstep end to end on idle nodes (max of 5; rolling p50 $cl_roll_idle ms) | $cl_lock_idle ms | <= 250 ms | $(verdict "$cl_lock_idle" 250 '<=') |"
  echo "| 5 cluster | coordinator takeover after SIGKILL (lease TTL $cl_ttl s) | $cl_takeover ms | <= $cl_takeover_target ms | $(verdict "$cl_takeover" "$cl_takeover_target" '<=') |"
  echo
  echo "## 1. Restart under load"
  echo
  echo "Closed-loop HTTP clients (one thread and one keep-alive connection each, on 127.0.0.1)"
  echo "send echo and degree queries as fast as they are answered. Per shard count: a 2 s"
  echo "no-restart baseline, then 30 phased restarts (admission policy hold) 150 ms apart, then"
  echo "5 legacy restarts with 150 ms of traffic after each. \"During restart\" means sent"
  echo "between the restart request and its RestartFinished event; \"added\" is that minus the"
  echo "baseline percentile of the same run. Phase durations are the PhaseEnded events'"
  echo "duration_us (microseconds; the whole-millisecond duration_ms rounds most to 0). Then 64, and"
  echo "then 1024, idle shards are restarted 30 times each; end to end is timed from requestRestart()"
  echo "to the RestartFinished event (seen by polling the event log every 100 us). Last, a headless"
  echo "service with 1024 shards rests for 3 s and its threads and VmRSS are read from /proc:"
  echo "\`$(cat "$results/headless.txt" 2>/dev/null | sed 's/^JSON //')\`."
  echo
  echo "Command: \`$build/tests/bench/bench_restart ${restart_args[*]}\`"
  echo
  echo '```'; grep -v '^JSON ' "$results/restart.txt" || true; echo '```'
  echo
  echo "## 2. Actor request-reply against CAF"
  echo
  echo "In-process echo request-reply through \`ShardService::submitQuery\` (admission gate,"
  echo "router, shard mailbox, query actor, reply callback) against CAF 0.17 (Debian"
  echo "libcaf-dev): N echo actors and the same senders, each keeping the same number of"
  echo "requests outstanding (\`request(...).then(...)\`), in the same process and run; the"
  echo "sides rotate from run to run. Ratio = ShardScope throughput / CAF throughput. The third"
  echo "side, \`plain\` (tests/bench/PlainShards.cpp), runs the same echo on one bare OS thread per"
  echo "shard (a mutex, a condition variable and a queue, woken only when asleep): what any"
  echo "design with a thread per shard, as DESIGN.md has it, pays at least. pl/caf is its ratio."
  echo
  echo "Command: \`$build/tests/bench/bench_actor ${actor_args[*]}\`"
  echo
  echo '```'; grep -v '^JSON ' "$results/actor.txt" || true; echo '```'
  echo
  echo "Before the worker pool, same run (\`SHARDSCOPE_THREADS=per-shard\`: a thread per shard):"
  echo
  echo "Command: \`SHARDSCOPE_THREADS=per-shard $build/tests/bench/bench_actor ${actor_ps_args[*]}\`"
  echo
  echo '```'; grep -v '^JSON ' "$results/actor-per-shard.txt" || true; echo '```'
  echo
  echo "Window 256 (the issue's second window): 256 outstanding requests per sender instead of 16."
  echo "Deeper windows keep shard mailboxes non-empty, so workers sleep and wake less."
  echo
  echo "Command: \`$build/tests/bench/bench_actor ${actor_deep_args[*]}\`"
  echo
  echo '```'; grep -v '^JSON ' "$results/actor-deep.txt" || true; echo '```'
  echo
  echo "## 3. HTTP query path"
  echo
  echo "\`POST /v1/query\` echo through ShardScope's HTTP API against a bare QHttpServer route"
  echo "that parses and echoes the same body, both in one process (\`http_bench_server\`),"
  echo "driven alternately by wrk on 127.0.0.1. The throughput ratio depends on what else"
  echo "runs: when other jobs load the 2 cores, the scheduler shares CPU per thread, and"
  echo "ShardScope (network thread + shard threads) gets more of it than the bare route's"
  echo "single thread, so the same code has measured 0.72x to 1.15x on the same day. CPU per"
  echo "request (from /proc, per thread and per process) does not depend on that share, so"
  echo "the CPU efficiency ratio is reported next to it and is the figure to act on."
  echo
  echo "A third side, \`hop\`, does the bare route's echo on a worker thread and answers it back"
  echo "on its network thread (tests/bench/HopServer.cpp: the worker woken only when it sleeps,"
  echo "replies posted back once per batch). It is what any design that answers queries on"
  echo "another thread pays at least, so it splits ShardScope's gap to the bare route into the"
  echo "hop itself and ShardScope's own work (routing, ledger, metrics, actor dispatch)."
  echo
  echo "Command: \`HTTP_BENCH_SERVER=$build/tests/bench/http_bench_server scripts/bench-http.sh ${http_args[*]}\`"
  echo
  echo '```'; grep -v '^JSON ' "$results/http.txt" || true; echo '```'
  echo
  echo "## 4. Console at scale"
  echo
  echo "The real \`MainWindow\` over the real embedded service (\`EmbeddedBackendClient\`, HTTP"
  echo "API on a free loopback port, as \`shardscope\` wires it), offscreen at the console's"
  echo "default size 1360x880, one child process per shard count. A load thread sends an echo"
  echo "pinned to every shard every 25 ms, so every shard's counters change on every 50 ms"
  echo "frame (\"rows changed\" checks it); tile 0 is selected, so the detail panel and its"
  echo "sparkline follow it live. Steady window (10 s, nothing grabbed): GUI-thread CPU"
  echo "(CLOCK_THREAD_CPUTIME_ID) as % of one core; frame time from the pump's timer event"
  echo "(snapshot arrival) to the end of the window's repaint, with that frame's GUI CPU next"
  echo "to it (the status bar's \"worst frame\" shows the same span); tick = snapshot arrival to"
  echo "models and view slots updated. Then 20 phased restarts, each with a 300 ms \`sleep\` in flight on"
  echo "every shard so the drain is visible, started at a random point of the frame period:"
  echo "after every paint of the grid, its region of the window's backing store is read back"
  echo "and each wholly visible tile's colour is matched to the service's ShardStateChanged"
  echo "events (epoch ms). Latency = paint time - event time, split at the snapshot that"
  echo "carried the change. \"Brief\" states lasted under 100 ms and were gone before a frame"
  echo "could show them (not a fault); \"missed\" ones lasted longer and were never drawn. All"
  echo "tiles change within a millisecond of each other, so p99 is in effect the worst of"
  echo "about two frames per restart. RSS from /proc/self/status: the whole process, service"
  echo "included, as \`shardscope\` runs."
  echo
  echo "Command: \`$build/tests/bench/bench_console ${console_args[*]}\`"
  echo
  echo '```'; grep -v '^JSON ' "$results/console.txt" || true; echo '```'
  echo
  echo "## 5. Cluster restarts"
  echo
  echo "Real processes on 127.0.0.1: one etcd 3.4 (Debian), 4 headless nodes of 8 shards each"
  echo "(\`--etcd --cluster\`), and HAProxy in front of them with its health check on"
  echo "\`/v1/service/ready\` every 100 ms. Four closed-loop clients send echo queries through"
  echo "HAProxy for the whole run; each strategy's window (restart request to the journal's end"
  echo "as a node reports it) is compared with the 2 s just before it. Rolling uses grace 400 ms,"
  echo "settle 200 ms and admission \`reject\`, so a request the balancer still sent to a"
  echo "restarting node would fail and be counted. Idle end to end is the journal's own clock"
  echo "(created to last write). Takeover: a rolling restart is started with a long grace, its"
  echo "coordinator is killed with SIGKILL, and a surviving node is asked every 5 ms who"
  echo "coordinates (the answer comes from that node's view of etcd, refreshed every 250 ms)."
  echo "Then the 4-node cluster is stopped and 16 nodes of 2 shards are started on the same"
  echo "etcd: etcd's own operation counters over 3 s at rest, and the size of the status"
  echo "documents a console reads (per node: the cluster status entry, and the node's own"
  echo "service status that a console follows)."
  echo
  echo "Command: \`$build/tests/bench/bench_cluster ${cluster_args[*]}\`"
  echo
  echo '```'; grep -v '^JSON ' "$results/cluster.txt" || true; echo '```'
  echo
  echo "## 5b. From a healed partition to one version"
  echo
  echo "Each node in its own network namespace, on two bridges (etcd and clients), lease TTL 2 s;"
  echo "a link taken down at a protocol step and brought back (tests/partition/README.md). The"
  echo "figure is the time from the heal until every node is ready on one version and the"
  echo "journal's outcome matches them. Commands: \`python3 tests/partition/partition.py --binary"
  echo "$build/app/shardscope --scenario NAME --time-limit 100\` (as root)."
  echo
  for sc in "${heal_scenarios[@]}"; do
    echo "$sc:"; echo '```'; grep -E '^(P[0-9]|===|    )' "$results/heal-$sc.txt" 2>/dev/null | grep -v '^      ' || echo "(not run: needs root)"; echo '```'
  done
  echo
  echo "## 6. Short queries while long ones run"
  echo
  echo "A headless \`shardscope\` (\`--shards max(16, N + 8)\`, pool workers one per core) with N"
  echo "\`spin\` queries of 10 s running, each pinned to a shard of its own and sent on its own"
  echo "connection; one keep-alive client then sends echo queries one after another, round-robin"
  echo "over the 8 idle shards, for 5 s. Long work runs in 0.5 ms slices and waits behind"
  echo "ready shards between them, so an echo waits for about one slice however many spins run."
  echo
  echo "Command: \`$build/tests/bench/bench_fairness ${fair_args[*]}\`"
  echo
  echo '```'; grep -v '^JSON ' "$results/fairness.txt" || true; echo '```'
  if [ -f "$results/fairness-before.txt" ]; then
    echo
    echo "The same on \`$before/app/shardscope\` (BEFORE_BUILD):"
    echo
    echo '```'; grep -v '^JSON ' "$results/fairness-before.txt" || true; echo '```'
  fi
  echo
  echo "## 7. The cluster console following a fleet"
  echo
  echo "Real processes on 127.0.0.1: one etcd 3.4 and headless nodes of 64 shards (\`--etcd --cluster\`),"
  echo "16, then 32, then 64 of them in one growing cluster. For each count, the nodes' CPU is read"
  echo "from /proc with no console attached; then, per mode, the cluster console's model"
  echo "(\`ClusterClient\` + \`ClusterModel\`, as the cluster window drives it, without the window) runs"
  echo "in the benchmark's main thread: until every node is followed, 1 s to settle, 5 s at rest, then"
  echo "a rolling restart of every node (grace 0, settle 0) until the model reads it finished, or its"
  echo "first 20 s when it takes longer (it is then aborted, so that the next window starts at rest)."
  echo "\`full\` is the console before issue 24: every node's full snapshot stream (every shard, 10"
  echo "times a second). \`summary\` follows every node's summary stream (\`GET /v1/stream?view=summary\`:"
  echo "shard states and versions packed, totals; a frame when a state changes, else about once a"
  echo "second) and one node, n0, in full, as a fleet view with one node open would. GUI thread ="
  echo "the main thread's CLOCK_THREAD_CPUTIME_ID; process = all the console's threads (each stream's"
  echo "network thread included); peak RSS = VmHWM, reset (clear_refs) before each mode; bytes = stream"
  echo "bodies the console read, per node; node CPU = the node's utime + stime in the window minus"
  echo "its CPU with no console. Last, for each node the restart reached in the window: from its last"
  echo "shard_state event to serving on the new version (the node's own time_ms) to the moment the model"
  echo "first showed every shard of it serving on that version (nodes not in view; n0 apart)."
  echo
  echo "\`window\` is the console itself: the cluster window (1360x880, offscreen platform, shown) over"
  echo "the same model, n0 drilled into as the window opens it (its own console model and stream), so"
  echo "the GUI thread's figures include layout and paint of the fleet view, header, node console,"
  echo "timeline and charts. After 5 s at rest it runs a lockstep restart (every node changes at"
  echo "once), then the rolling one. State change to pixel: for each node that says it restarted"
  echo "(\`/v1/service/ready\`: one version, above the one before), from its last shard_state event to"
  echo "serving on the new version (its time_ms) to the end of the first window update in which the"
  echo "fleet view painted a region covering the node's row while the model held every shard of it"
  echo "serving on the new version (QApplication::notify sees the update; its end is when the backing"
  echo "store holds the pixels). A node no frame shows within 3 s after the restart's window is missed;"
  echo "\"out of view\" counts rows that were scrolled or filtered away (all 64 rows fit, so 0). etcd and"
  echo "the nodes run with \`--max-txn-ops 256\` (\`--etcd-max-txn-ops 256\`): with etcd's default of 128 a"
  echo "lockstep restart of 64 nodes is refused at the start (its commit needs 2 x 64 + 2 operations)."
  echo
  echo "Command: \`$build/tests/bench/bench_fleet ${fleet_args[*]}\`"
  echo
  echo '```'; grep -v '^JSON ' "$results/fleet.txt" || true; echo '```'
  echo
  if [ -f tests/bench/CLUSTER-SCALE.md ]; then cat tests/bench/CLUSTER-SCALE.md; echo; fi
  if [ -f tests/bench/ANALYSIS.md ]; then cat tests/bench/ANALYSIS.md; echo; fi
  echo "## Raw records"
  echo
  echo "One JSON line per benchmark, as printed (prefix \`JSON \`)."
  echo
  echo '```'
  for b in restart actor actor-per-shard actor-deep http console cluster fairness fleet; do grep -h '^JSON ' "$results/$b.txt" 2>/dev/null | tail -1 || echo "JSON (none from $b)"; done
  echo '```'
} >BENCHMARKS.md.tmp
mv BENCHMARKS.md.tmp BENCHMARKS.md
echo "wrote BENCHMARKS.md (${elapsed} s of benchmarks)"
