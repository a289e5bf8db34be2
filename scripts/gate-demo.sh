#!/usr/bin/env bash
# The guarded rolling restart, shown on a local cluster: 3 nodes behind HAProxy with echo
# load through it, the next version made bad on every node (the bad_version drill), and a
# rolling restart with a gate. The canary's gate fails, the canary goes back to the old
# version, and no other node restarts.
#   scripts/gate-demo.sh [--fail-percent 20] [--slow-ms 0] [--shards 4]
# Leaves the cluster up for the console (its command is printed); scripts/cluster.sh down
# stops it. BUILD_DIR (default build) holds app/shardscope.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
binary="$root/${BUILD_DIR:-build}/app/shardscope"
state="${TMPDIR:-/tmp}/shardscope-cluster-$(id -u).dir"
fail_percent=20 slow_ms=0 shards=4

die() { echo "gate-demo.sh: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    --fail-percent) fail_percent="${2:?--fail-percent wants 0..100}"; shift 2 ;;
    --slow-ms) slow_ms="${2:?--slow-ms wants milliseconds}"; shift 2 ;;
    --shards) shards="${2:?--shards wants a number}"; shift 2 ;;
    *) die "unknown option '$1' (takes --fail-percent P, --slow-ms N, --shards N)" ;;
  esac
done
[ ! -f "$state" ] || die "a local cluster already runs: scripts/cluster.sh down first"

"$root/scripts/cluster.sh" up --nodes 3 --shards "$shards" --faults
dir="$(cat "$state")"
mapfile -t urls < "$dir/urls"
etcd_url="${urls[0]}" lb="${urls[1]}" nodes=("${urls[@]:2}")
ctl() { "$binary" ctl --url "${nodes[0]}" "$@"; }

version="$(ctl cluster status --json | python3 -c 'import json,sys; print(max(int(v) for v in json.load(sys.stdin)["versions"]))')"
bad=$((version + 1))
echo
echo "== v$bad made bad on every node: $fail_percent% of its queries fail, each answered $slow_ms ms late"
for url in "${nodes[@]}"; do
  curl -sf -X POST "$url/v1/faults" \
    -d "{\"fault\":\"bad_version\",\"version\":$bad,\"ms\":$slow_ms,\"fail_percent\":$fail_percent}" >/dev/null \
    || die "the drill was refused by $url"
done

# About 200 echo queries a second through HAProxy, for at most 120 s; counts by outcome.
python3 - "$lb" "$dir/load.json" <<'PY' &
import http.client, json, sys, threading, time, urllib.parse
url, out = urllib.parse.urlparse(sys.argv[1]), sys.argv[2]
counts, lock, stop = {}, threading.Lock(), time.monotonic() + 120
def run():
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
    while time.monotonic() < stop:
        try:
            conn.request("POST", "/v1/query", '{"procedure":"echo","args":{}}')
            r = conn.getresponse(); r.read(); key = str(r.status)
        except Exception as e:
            key = type(e).__name__; conn.close()
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
        with lock:
            counts[key] = counts.get(key, 0) + 1
            json.dump(counts, open(out, "w"))
        time.sleep(0.02)
for t in [threading.Thread(target=run, daemon=True) for _ in range(4)]:
    t.start()
time.sleep(120)
PY
load=$!
trap 'kill $load 2>/dev/null || true' EXIT
sleep 4 # the gate compares with the canary's figures before its restart: let them exist

echo "== rolling restart to v$bad with a gate (2 windows of 3 s, at least 100 requests each), canary n0"
set +e
ctl cluster restart --gate analysis_ms=3000,checks=2,min_requests=100 --canary 1 --wait
outcome=$?
set -e
kill $load 2>/dev/null || true
echo
echo "== what clients saw through HAProxy: $(cat "$dir/load.json")"
echo "== ctl cluster history"
ctl cluster history
id="$(ctl cluster history --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["runs"][0]["id"])')"
echo "== ctl cluster history $id"
ctl cluster history "$id"
echo
echo "The restart exited $outcome (1: it did not complete). The cluster is still up:"
echo "  console: $binary --etcd $etcd_url --cluster local   (View > Restart history replays the run)"
echo "  stop:    scripts/cluster.sh down"
