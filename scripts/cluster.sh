#!/usr/bin/env bash
# A local ShardScope cluster on 127.0.0.1: one etcd, N nodes and an HAProxy in front of
# them that health-checks GET /v1/service/ready, all under one temporary directory.
#   scripts/cluster.sh up [--nodes 3] [--shards 4] [--faults]   start it and print the URLs
#     (--faults: nodes take fault drills, POST /v1/faults)
#   scripts/cluster.sh down                          stop everything and remove the directory
# BUILD_DIR (default build) holds app/shardscope.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
binary="$root/${BUILD_DIR:-build}/app/shardscope"
state="${TMPDIR:-/tmp}/shardscope-cluster-$(id -u).dir"
cluster_name=local

die() { echo "cluster.sh: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { # wait_for SECONDS CMD... : retries CMD every 0.1 s
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}

down() {
  [ -f "$state" ] || { echo "no local cluster is running"; return 0; }
  local dir; dir="$(cat "$state")"
  for pidfile in "$dir"/*.pid; do
    [ -f "$pidfile" ] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  for pidfile in "$dir"/*.pid; do
    [ -f "$pidfile" ] || continue
    local pid; pid="$(cat "$pidfile")"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$dir" "$state"
  echo "local cluster stopped; $dir removed"
}

up() {
  local nodes=3 shards=4 faults=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --nodes) nodes="${2:?--nodes wants a number}"; shift 2 ;;
      --shards) shards="${2:?--shards wants a number}"; shift 2 ;;
      --faults) faults=(--enable-faults); shift ;;
      *) die "unknown option '$1' (up takes --nodes N, --shards N and --faults)" ;;
    esac
  done
  [[ "$nodes" =~ ^[1-9][0-9]?$ ]] || die "--nodes must be 1..99, got '$nodes'"
  [[ "$shards" =~ ^[0-9]+$ ]] || die "--shards must be a number, got '$shards'"
  [ -x "$binary" ] || die "$binary is missing: build first (cmake --build build)"
  command -v etcd >/dev/null || die "etcd is missing: run scripts/install-deps.sh"
  local haproxy; haproxy="$(command -v haproxy || echo /usr/sbin/haproxy)"
  [ -x "$haproxy" ] || die "haproxy is missing: run scripts/install-deps.sh"
  [ ! -f "$state" ] || die "a local cluster already runs under $(cat "$state"): scripts/cluster.sh down first"

  local dir; dir="$(mktemp -d "${TMPDIR:-/tmp}/shardscope-cluster.XXXXXX")"
  echo "$dir" > "$state"
  trap 'echo "cluster.sh: start failed; logs in $dir" >&2' ERR

  # Compaction: etcd 3.4 keeps every revision until told otherwise and stops taking
  # writes at its 2 GiB quota; keep the last 1000. The progress interval makes a live
  # watch speak every 5 s, so a node can tell a silent stream from a dead one.
  local client peer etcd_url
  client="$(free_port)"; peer="$(free_port)"; etcd_url="http://127.0.0.1:$client"
  etcd --name local --data-dir "$dir/etcd" --listen-client-urls "$etcd_url" --advertise-client-urls "$etcd_url" \
    --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
    --initial-cluster "local=http://127.0.0.1:$peer" \
    --auto-compaction-mode revision --auto-compaction-retention 1000 \
    --experimental-watch-progress-notify-interval 5s >"$dir/etcd.log" 2>&1 &
  echo $! > "$dir/etcd.pid"
  wait_for 10 curl -sf -X POST "$etcd_url/v3/kv/range" -d '{"key":"AA=="}' || die "etcd did not start; see $dir/etcd.log"

  local backends="" urls=()
  for i in $(seq 0 $((nodes - 1))); do
    local port; port="$(free_port)"
    "$binary" --headless --shards "$shards" --listen "127.0.0.1:$port" --etcd "$etcd_url" --cluster "$cluster_name" \
      --node-id "n$i" --audit-file "$dir/n$i.audit.jsonl" ${faults[@]+"${faults[@]}"} >"$dir/n$i.log" 2>&1 &
    echo $! > "$dir/n$i.pid"
    wait_for 15 curl -sf "http://127.0.0.1:$port/v1/service/ready" || die "node n$i did not start; see $dir/n$i.log"
    backends+="  server n$i 127.0.0.1:$port check"$'\n'
    urls+=("http://127.0.0.1:$port")
  done

  local lb; lb="$(free_port)"
  cat > "$dir/haproxy.cfg" <<CFG
global
  maxconn 1024
defaults
  mode http
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  retries 3
  option redispatch
frontend shardscope
  bind 127.0.0.1:$lb
  default_backend nodes
backend nodes
  balance roundrobin
  option httpchk GET /v1/service/ready
  default-server inter 200ms fall 2 rise 2
$backends
CFG
  "$haproxy" -db -f "$dir/haproxy.cfg" >"$dir/haproxy.log" 2>&1 &
  echo $! > "$dir/haproxy.pid"
  wait_for 10 curl -sf "http://127.0.0.1:$lb/v1/service/ready" || die "haproxy did not route; see $dir/haproxy.log"
  wait_for 5 sh -c "'$binary' ctl --url '${urls[0]}' cluster status --json | grep -q '\"coordinator\":\"n'" || true
  trap - ERR

  echo "ShardScope cluster '$cluster_name' is up ($nodes nodes x $shards shards); everything lives in $dir"
  echo "  etcd:          $etcd_url"
  echo "  load balancer: http://127.0.0.1:$lb  (HAProxy, health check GET /v1/service/ready every 200 ms)"
  for i in "${!urls[@]}"; do echo "  node n$i:       ${urls[$i]}"; done
  echo "Try:"
  echo "  $binary ctl --url ${urls[0]} cluster status"
  echo "  $binary ctl --url ${urls[0]} cluster restart --strategy rolling --wait"
  echo "  curl -s -X POST http://127.0.0.1:$lb/v1/query -d '{\"procedure\":\"echo\",\"args\":{}}'"
  echo "Console (every node): $binary --etcd $etcd_url --cluster $cluster_name"
  echo "Console (one node):   $binary --connect ${urls[0]}"
  echo "Stop: scripts/cluster.sh down"
  printf '%s\n' "$etcd_url" "http://127.0.0.1:$lb" "${urls[@]}" > "$dir/urls"
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) down ;;
  *) echo "usage: scripts/cluster.sh up [--nodes 3] [--shards 4] [--faults] | down" >&2; exit 2 ;;
esac
