#!/usr/bin/env bash
# Soak: phased restarts every few seconds under wrk load, sampling RSS (issue 4).
#   scripts/soak.sh [SECONDS]        # default 60; traffic to 127.0.0.1 only
# Starts build/app/shardscope --headless --shards 8 --listen 127.0.0.1:0, drives
# POST /v1/query echo with wrk for SECONDS, asks for a phased restart every
# SOAK_RESTART_EVERY seconds (default 3) and samples VmRSS every second. Then reports:
#   wrk requests vs the service's ledger, lost requests (accepted - answered - refused after
#   settling, plus wrk socket errors and timeouts; target 0), non-2xx answers (target 0: the
#   default admission policy holds requests during a restart), failed restarts (outcome
#   other than completed; target 0) and RSS growth after warm-up (target < 5%).
# Exits 1 if a target is missed, 2 if the soak could not run.
# Environment: SHARDSCOPE_BIN (default build/app/shardscope), SOAK_SHARDS (8),
#   SOAK_THREADS (2), SOAK_CONNECTIONS (16), SOAK_RESTART_EVERY (3), SOAK_WARMUP (seconds,
#   default a quarter of the run, at least 10), SOAK_MAX_RSS_GROWTH_PCT (5), SOAK_OUT (a
#   folder for the logs; default a temporary one).
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-60}
[[ $duration =~ ^[0-9]+$ && $duration -ge 10 ]] || { echo "usage: $0 [SECONDS >= 10]" >&2; exit 2; }
bin=${SHARDSCOPE_BIN:-build/app/shardscope}
shards=${SOAK_SHARDS:-8}
threads=${SOAK_THREADS:-2}
connections=${SOAK_CONNECTIONS:-16}
every=${SOAK_RESTART_EVERY:-3}
warmup=${SOAK_WARMUP:-$(( duration / 4 > 10 ? duration / 4 : 10 ))}
max_growth=${SOAK_MAX_RSS_GROWTH_PCT:-5}
out=${SOAK_OUT:-$(mktemp -d /tmp/shardscope-soak.XXXXXX)}
mkdir -p "$out"

[[ -x $bin ]] || { echo "soak: $bin not found; build it first (scripts/test.sh or cmake --build build --target shardscope)" >&2; exit 2; }
command -v wrk >/dev/null || { echo "soak: wrk is missing: apt-get install -y wrk" >&2; exit 2; }
command -v curl >/dev/null || { echo "soak: curl is missing: apt-get install -y curl" >&2; exit 2; }
command -v python3 >/dev/null || { echo "soak: python3 is missing" >&2; exit 2; }

json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

extra=()
# Keep the audit trail out of the user's data folder when the binary supports it.
if "$bin" --help 2>/dev/null | grep -q -- '--audit-file'; then extra+=(--audit-file "$out/audit.jsonl"); fi

svc_pid=""
wrk_pid=""
cleanup() {
  [[ -n $wrk_pid ]] && kill "$wrk_pid" 2>/dev/null || true
  if [[ -n $svc_pid ]] && kill -0 "$svc_pid" 2>/dev/null; then
    kill -TERM "$svc_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$svc_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$svc_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

"$bin" --headless --shards "$shards" --listen 127.0.0.1:0 "${extra[@]}" >"$out/service.out" 2>"$out/service.err" &
svc_pid=$!
url=""
for _ in $(seq 100); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$out/service.out" 2>/dev/null | head -1 || true)
  [[ -n $url ]] && break
  kill -0 "$svc_pid" 2>/dev/null || { echo "soak: the service exited:" >&2; cat "$out/service.err" >&2; exit 2; }
  sleep 0.1
done
[[ -n $url ]] || { echo "soak: the service did not report its address" >&2; exit 2; }
case $url in http://127.0.0.1:*) ;; *) echo "soak: refusing non-loopback $url" >&2; exit 2 ;; esac
echo "soak: $bin pid $svc_pid on $url, $shards shards, ${duration}s, restart every ${every}s, warm-up ${warmup}s, logs in $out"

cat >"$out/post.lua" <<'EOF'
wrk.method = "POST"
wrk.body = '{"procedure": "echo", "args": {"soak": 1}}'
wrk.headers["Content-Type"] = "application/json"
EOF

rss() { awk '/^VmRSS:/ {print $2}' "/proc/$svc_pid/status"; }
wrk -t "$threads" -c "$connections" -d "${duration}s" --timeout 10s -s "$out/post.lua" "$url/v1/query" >"$out/wrk.out" 2>&1 &
wrk_pid=$!

start=$(date +%s)
: >"$out/rss.tsv"
: >"$out/restarts.tsv"
next_restart=$(( start + every ))
requested=0; conflicts=0; refused_cmds=0
while kill -0 "$wrk_pid" 2>/dev/null; do
  now=$(date +%s)
  echo -e "$(( now - start ))\t$(rss)" >>"$out/rss.tsv"
  if (( now >= next_restart && now < start + duration - 1 )); then
    code=$(curl -s -o "$out/restart.json" -w '%{http_code}' -X POST --max-time 5 "$url/v1/service/restart" || echo 000)
    case $code in
      202) requested=$(( requested + 1 )); echo -e "$(( now - start ))\t$(json 'd.get("restart_id", "?")' <"$out/restart.json")" >>"$out/restarts.tsv" ;;
      409) conflicts=$(( conflicts + 1 )) ;;
      *) refused_cmds=$(( refused_cmds + 1 )); echo "soak: restart request answered $code: $(cat "$out/restart.json" 2>/dev/null)" >&2 ;;
    esac
    next_restart=$(( now + every ))
  fi
  sleep 1
done
wait "$wrk_pid" || true
wrk_pid=""

# Settle: no restart running and nothing in flight (bounded).
settled=0
for _ in $(seq 100); do
  curl -s --max-time 5 "$url/v1/service/status" >"$out/status.json" || true
  if [[ $(json 'int(not d["restart_running"] and d["ledger"]["in_flight"] == 0)' <"$out/status.json" 2>/dev/null || echo 0) == 1 ]]; then
    settled=1; break
  fi
  sleep 0.1
done
echo -e "end\t$(rss)" >>"$out/rss.tsv"

# Every restart's outcome, from the event log (paged).
since=0; : >"$out/finished.tsv"; : >"$out/slow-phases.tsv"
for _ in $(seq 1000); do
  curl -s --max-time 5 "$url/v1/service/events?since=$since&limit=10000" >"$out/events.json"
  n=$(python3 - "$out/events.json" "$out/finished.tsv" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
with open(sys.argv[2], "a") as f:
    for e in d["events"]:
        if e["kind"] == "restart_finished":
            f.write("%s\t%s\t%s\t%s\n" % (e.get("restart_id"), e.get("outcome"), e.get("duration_ms"), e.get("message", "")))
        elif e["kind"] == "phase_ended" and e.get("duration_ms", 0) >= 1000:
            with open(sys.argv[2].replace("finished.tsv", "slow-phases.tsv"), "a") as g:
                g.write("%s\t%s\t%s\t%s\t%s\n" % (e.get("restart_id"), e.get("phase"), e.get("outcome"), e.get("duration_ms"), e.get("message", "")))
print(len(d["events"]), d["events"][-1]["seq"] if d["events"] else 0)
EOF
)
  read -r count last <<<"$n"
  (( count == 0 )) && break
  since=$last
done

python3 - "$out" "$duration" "$warmup" "$max_growth" "$settled" "$requested" "$conflicts" "$refused_cmds" <<'EOF'
import json, re, statistics, sys
out, duration, warmup, max_growth, settled, requested, conflicts, refused_cmds = sys.argv[1:]
duration, warmup, max_growth = int(duration), int(warmup), float(max_growth)
wrk = open(out + "/wrk.out").read()
def grab(pattern, default=0):
    m = re.search(pattern, wrk)
    return int(m.group(1)) if m else default
wrk_requests = grab(r"(\d+) requests in")
non2xx = grab(r"Non-2xx or 3xx responses: (\d+)")
m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", wrk)
sock = [int(x) for x in m.groups()] if m else [0, 0, 0, 0]
rps = re.search(r"Requests/sec:\s+([\d.]+)", wrk)
lat = re.search(r"Latency\s+(\S+)\s+(\S+)\s+(\S+)", wrk)
st = json.load(open(out + "/status.json"))
led = st["ledger"]
lost_service = led["accepted"] - led["answered"] - led["refused"]
lost = lost_service + sum(sock)
fin = [l.rstrip("\n").split("\t") for l in open(out + "/finished.tsv") if l.strip()]
failed = [f for f in fin if f[1] != "completed"]
durs = sorted(int(float(f[2])) for f in fin if f[2] not in ("None", ""))
samples = []
for l in open(out + "/rss.tsv"):
    t, v = l.split("\t")
    if t != "end" and v.strip():
        samples.append((int(t), int(v)))
after = [v for t, v in samples if t >= warmup]
if len(after) < 6:
    after = [v for t, v in samples][-6:]
base = statistics.median(after[:5])
final = statistics.median(after[-5:])
growth = 100.0 * (final - base) / base
peak = max(v for _, v in samples)
print("soak results (%d s, %s restarts requested, %s answered 409, %s refused)" % (duration, requested, conflicts, refused_cmds))
print("  wrk: %d requests, %s req/s, latency avg %s stdev %s max %s" % (
    wrk_requests, rps.group(1) if rps else "?", *(lat.groups() if lat else ("?",) * 3)))
print("  wrk socket errors: connect %d, read %d, write %d, timeout %d" % tuple(sock))
print("  ledger: accepted %d, answered %d, refused %d, in flight %d (settled: %s)" % (
    led["accepted"], led["answered"], led["refused"], led["in_flight"], "yes" if settled == "1" else "NO"))
print("  accepted - wrk requests = %d (requests wrk cut off at -d, at most one per connection)" % (led["accepted"] - wrk_requests))
print("  lost requests: %d (ledger %d + wrk socket errors %d)   target 0" % (lost, lost_service, sum(sock)))
print("  non-2xx answers: %d   target 0" % non2xx)
print("  restarts finished: %d, failed: %d   target 0%s" % (len(fin), len(failed),
      "" if not durs else "; duration ms min %d median %d max %d" % (durs[0], durs[len(durs) // 2], durs[-1])))
slow = [l.rstrip("\n").split("\t") for l in open(out + "/slow-phases.tsv") if l.strip()]
if slow:
    print("  phases that took >= 1 s: %d; slowest: restart %s %s %s ms (%s)" % (
        len(slow), *max(slow, key=lambda x: float(x[3]))[0:2], max(slow, key=lambda x: float(x[3]))[3],
        max(slow, key=lambda x: float(x[3]))[2]))
if sock[3]:
    print("  (wrk counts a reply slower than its --timeout 10s as a timeout; the ledger shows whether it was answered)")
for f in failed[:10]:
    print("    restart %s: %s (%s)" % (f[0], f[1], f[3]))
print("  RSS: after warm-up %.0f kB, end %.0f kB, peak %d kB, growth %.2f%%   target < %.0f%%" % (base, final, peak, growth, max_growth))
missed = []
if settled != "1": missed.append("the service did not settle")
if lost != 0: missed.append("lost requests")
if non2xx != 0: missed.append("non-2xx answers")
if failed or refused_cmds != "0": missed.append("failed restarts")
if int(requested) == 0: missed.append("no restart ran")
if growth >= max_growth: missed.append("RSS growth")
json.dump({"duration_s": duration, "wrk_requests": wrk_requests, "ledger": led, "lost": lost, "non2xx": non2xx,
           "socket_errors": sock, "restarts": len(fin), "failed_restarts": len(failed), "rss_base_kb": base,
           "rss_end_kb": final, "rss_peak_kb": peak, "rss_growth_pct": growth, "missed": missed},
          open(out + "/summary.json", "w"), indent=1)
print("soak: " + ("PASS" if not missed else "FAIL: " + ", ".join(missed)))
sys.exit(1 if missed else 0)
EOF
