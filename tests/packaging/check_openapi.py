#!/usr/bin/env python3
"""Keeps docs/openapi.json true to the service.

  check_openapi.py lint      --spec docs/openapi.json
      valid JSON, OpenAPI 3.1, every $ref resolves, every schema is a valid JSON Schema
      (2020-12), every operation answers something, token-guarded operations list 401
      and 403. (Debian 12 packages no OpenAPI 3.1 linter: openapi-specification ships
      the 3.0 schema only, python3-swagger-spec-validator reads Swagger 2.0.)
  check_openapi.py routes    --spec S --source-dir DIR --binary B
      the (method, path) pairs of the route table in the sources are exactly the spec's,
      and a real service answers each of the spec's with neither 404-no-such-path nor 405
  check_openapi.py responses --spec S --binary B
      real answers of a real service (and of a cluster node on a real etcd) validate
      against the spec's schema for their route and status, and each status is documented;
      GET /v1/openapi.json serves the spec byte for byte
"""
import argparse
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import warnings

import jsonschema

# RefResolver is what Debian 12's python3-jsonschema (4.10) offers; newer ones warn about it.
warnings.filterwarnings("ignore", category=DeprecationWarning)

TOKEN = "openapi-check-token"
problems = []


def check(ok, message):
    if not ok:
        problems.append(message)
    return ok


def load(path):
    with open(path, "rb") as f:
        raw = f.read()
    return raw, json.loads(raw)


def pointer(doc, ref):
    node = doc
    for part in ref.lstrip("#/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[part]
    return node


def walk(node, path=""):
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from walk(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, f"{path}/{i}")


def operations(spec):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "delete", "patch", "head", "options"):
                yield method.upper(), path, op


def cmd_lint(args):
    _, spec = load(args.spec)
    check(re.fullmatch(r"3\.1\.\d+", spec.get("openapi", "")), f"openapi is {spec.get('openapi')}, expected 3.1.x")
    for key in ("title", "version"):
        check(spec.get("info", {}).get(key), f"info.{key} missing")
    for where, node in walk(spec):
        if "$ref" in node:
            try:
                pointer(spec, node["$ref"])
            except (KeyError, IndexError, TypeError):
                check(False, f"{where}: $ref {node['$ref']} does not resolve")
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as e:
            check(False, f"components.schemas.{name}: {e.message}")
    referenced = {node["$ref"] for _, node in walk(spec) if "$ref" in node}
    for kind in ("schemas", "responses"):
        for name in spec["components"].get(kind, {}):
            check(f"#/components/{kind}/{name}" in referenced, f"components.{kind}.{name} is never used")
    schemes = spec["components"].get("securitySchemes", {})
    count = 0
    for method, path, op in operations(spec):
        count += 1
        responses = op.get("responses", {})
        check(responses, f"{method} {path} has no responses")
        check(any(re.fullmatch(r"2\d\d", s) for s in responses), f"{method} {path} documents no success")
        check(op.get("summary"), f"{method} {path} has no summary")
        for req in op.get("security", []):
            for scheme in req:
                check(scheme in schemes, f"{method} {path}: unknown security scheme {scheme}")
            check({"401", "403"} <= set(responses), f"{method} {path} needs a token but documents no 401/403")
    return f"openapi lint: {count} operations, every $ref resolves, every schema valid"


def route_table(source_dir):
    """(method, path) of every RouteTable add() in the HTTP edge's sources."""
    found = set()
    for name in sorted(os.listdir(source_dir)):
        if name.endswith(".cpp"):
            with open(os.path.join(source_dir, name)) as f:
                text = f.read()
            found |= set(re.findall(r'\badd\(\s*"([A-Z]+)"\s*,\s*QStringLiteral\("([^"]+)"\)', text))
    return found


class Service:
    """A real headless service (or cluster node) on a free port."""

    def __init__(self, binary, tmp, *extra):
        token_file = os.path.join(tmp, "token")
        with open(token_file, "w") as f:
            f.write(TOKEN + "\n")
        os.chmod(token_file, 0o600)
        self.proc = subprocess.Popen([os.path.abspath(binary), "--headless", "--shards", "2", "--listen", "127.0.0.1:0", "--enable-faults",
                                      "--token-file", token_file, "--audit-file", os.path.join(tmp, "audit.jsonl"), *extra],
                                     cwd=tmp, env=dict(os.environ, HOME=tmp), stdout=subprocess.PIPE, text=True)
        self.url, deadline = None, time.monotonic() + 30
        while self.url is None and time.monotonic() < deadline and self.proc.poll() is None:
            if select.select([self.proc.stdout], [], [], 0.2)[0]:
                m = re.search(r"listening on (http://\S+)", self.proc.stdout.readline())
                self.url = m and m.group(1)
        if not self.url:
            self.stop()
            sys.exit("the service did not start listening")

    def request(self, method, path, body=None, token=TOKEN, raw=False):
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=20) as r:
                # An event stream never ends: its status and headers are the answer.
                stream = r.headers.get("Content-Type", "").startswith("text/event-stream")
                status, headers, payload = r.status, r.headers, b"" if stream else r.read()
        except urllib.error.HTTPError as e:
            status, headers, payload = e.code, e.headers, e.read()
        return status, headers, payload

    def wait_for(self, what, predicate, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.05)
        return check(False, f"timed out waiting for {what}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def cmd_routes(args):
    _, spec = load(args.spec)
    in_spec = {(m, p) for m, p, _ in operations(spec)}
    in_code = route_table(args.source_dir)
    check(len(in_code) >= 20, f"found only {len(in_code)} routes in {args.source_dir}: is the pattern stale?")
    check(not in_code - in_spec, f"routes missing from the spec: {sorted(in_code - in_spec)}")
    check(not in_spec - in_code, f"routes in the spec the route table lacks: {sorted(in_spec - in_code)}")
    with tempfile.TemporaryDirectory() as tmp:
        svc = Service(args.binary, tmp)
        try:
            for method, path in sorted(in_spec):
                # An empty JSON body: enough to reach the route, never enough to change anything.
                status, _, payload = svc.request(method, path, body=b"{}" if method == "POST" else None, token="wrong")
                known = not (status == 404 and b"no such path" in payload) and status != 405
                check(known, f"{method} {path}: the service answered {status} {payload[:120]!r}")
        finally:
            svc.stop()
    return f"openapi routes: the route table's {len(in_code)} routes are the spec's, and the service knows each"


class Validator:
    def __init__(self, spec):
        self.spec = spec
        self.resolver = jsonschema.RefResolver.from_schema(spec)
        self.seen = set()

    def response(self, method, path, status, headers, payload):
        op = self.spec["paths"].get(path.split("?")[0], {}).get(method.lower())
        where = f"{method} {path} -> {status}"
        if not check(op, f"{where}: the spec has no such operation"):
            return None
        documented = op["responses"].get(str(status))
        if not check(documented, f"{where}: status not documented ({payload[:200]!r})"):
            return None
        if "$ref" in documented:
            documented = pointer(self.spec, documented["$ref"])
        content = documented.get("content", {})
        ctype = headers.get("Content-Type", "").split(";")[0].strip()
        if not check(ctype in content, f"{where}: Content-Type {ctype} is not documented ({list(content)})"):
            return None
        self.seen.add((method, path.split("?")[0], status))
        if ctype != "application/json":
            return payload
        body = json.loads(payload)
        self.validate(body, content[ctype]["schema"], where)
        return body

    def validate(self, body, schema, where):
        errors = sorted(jsonschema.Draft202012Validator(schema, resolver=self.resolver).iter_errors(body), key=str)
        for e in errors[:3]:
            check(False, f"{where}: {e.message} at {'/'.join(map(str, e.absolute_path))}")


def exercise(svc, v, spec_raw):
    def call(method, path, body=None, token=TOKEN, want=None):
        status, headers, payload = svc.request(method, path, body, token)
        out = v.response(method, path, status, headers, payload)
        if want is not None:
            check(status == want, f"{method} {path}: expected {want}, got {status} {payload[:200]!r}")
        return out

    status, _, served = svc.request("GET", "/v1/openapi.json", token=None)
    check(status == 200 and served == spec_raw, "GET /v1/openapi.json does not serve docs/openapi.json byte for byte")
    call("GET", "/v1/openapi.json", token=None, want=200)
    for path in ("/v1/service/status", "/v1/service/ready", "/v1/service/shards", "/v1/service/summary",
                 "/v1/service/events?since=0&limit=5", "/metrics"):
        call("GET", path, token=None, want=200)
    call("GET", "/v1/service/events?limit=0", token=None, want=400)
    call("GET", "/v1/stream?view=everything", token=None, want=400)
    call("POST", "/v1/query", {"procedure": "echo", "args": {"x": 1}}, token=None, want=200)
    call("POST", "/v1/query", {"procedure": "degree", "args": {"v": 1}, "shard": 1}, token=None, want=200)
    call("POST", "/v1/query", {"procedure": "nope"}, token=None, want=404)
    call("POST", "/v1/query", b"{not json", token=None, want=400)
    call("POST", "/v1/query", {"procedure": "sleep", "args": {"ms": 2000}, "deadline_ms": 1}, token=None, want=504)
    call("GET", "/v1/service/quality", token=None, want=200)  # the queries above, by procedure
    call("GET", "/v1/service/quality?from_ms=1000&to_ms=2000", token=None, want=400)
    call("POST", "/v1/faults", {"fault": "bad_version", "version": 9, "ms": 5, "fail_percent": 10}, want=200)
    call("POST", "/v1/faults", {"fault": "bad_version", "version": 0, "ms": 5}, want=400)
    call("GET", "/v1/faults", token=None, want=200)  # with the bad-version drill armed
    call("POST", "/v1/faults", {"fault": "slow", "shard": 0, "ms": 5}, token=None, want=401)
    call("POST", "/v1/faults", {"fault": "slow", "shard": 0, "ms": 5}, token="wrong", want=403)
    call("POST", "/v1/faults", {"fault": "slow", "shard": 0, "ms": 5}, want=200)
    call("POST", "/v1/faults", [1], want=400)
    call("GET", "/v1/faults", token=None, want=200)
    call("GET", "/v1/service/shards", token=None, want=200)  # with armed_faults on shard 0
    call("POST", "/v1/service/restart", {"no_such_setting": 1}, want=400)
    call("POST", "/v1/service/restart/abort", want=409)
    # A restart held in prepare by a slow graph load: a second one is refused, an abort taken.
    call("POST", "/v1/faults", {"fault": "slow_graph", "ms": 3000}, want=200)
    call("POST", "/v1/service/restart", {"mode": "phased", "drain_timeout_ms": 5000}, want=202)
    call("POST", "/v1/service/restart", want=409)
    call("GET", "/v1/service/status", token=None, want=200)
    call("POST", "/v1/service/restart/abort", want=202)
    svc.wait_for("the aborted restart to end",
                 lambda: not json.loads(svc.request("GET", "/v1/service/status")[2])["restart_running"])
    call("POST", "/v1/faults", {"fault": "clear"}, want=200)
    call("POST", "/v1/service/restart", want=202)
    svc.wait_for("the restart to end", lambda: not json.loads(svc.request("GET", "/v1/service/status")[2])["restart_running"])
    call("POST", "/v1/service/stop", want=202)
    svc.wait_for("the stop", lambda: json.loads(svc.request("GET", "/v1/service/status")[2])["status"] == "stopped")
    call("POST", "/v1/service/stop", want=409)
    call("GET", "/v1/service/ready", token=None, want=503)
    call("POST", "/v1/query", {"procedure": "echo", "args": {}}, token=None, want=503)
    call("POST", "/v1/service/start", want=202)
    svc.wait_for("the start", lambda: svc.request("GET", "/v1/service/ready")[0] == 200)
    call("GET", "/v1/service/events?since=0&limit=10000", token=None, want=200)
    call("GET", "/v1/service/audit", token=None, want=200)
    stream(svc, v)


def stream(svc, v):
    """The SSE stream's frames: snapshot data is a Shards document, event data an Event."""
    req = urllib.request.Request(svc.url + "/v1/stream?since=0")
    with urllib.request.urlopen(req, timeout=20) as r:
        v.response("GET", "/v1/stream", r.status, r.headers, b"")
        kinds, name, deadline = {}, None, time.monotonic() + 20
        while len(kinds) < 2 and time.monotonic() < deadline:
            line = r.readline().decode().rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: ") and name:
                schema = "Shards" if name == "snapshot" else "Event"
                check(name in ("snapshot", "event"), f"unknown stream frame {name}")
                v.validate(json.loads(line[6:]), {"$ref": f"#/components/schemas/{schema}"}, f"stream {name} frame")
                kinds[name] = kinds.get(name, 0) + 1
        check(set(kinds) == {"snapshot", "event"}, f"the stream sent {kinds}, expected snapshot and event frames")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def exercise_cluster(binary, v, tmp):
    etcd = shutil.which("etcd")
    if not check(etcd, "etcd is not installed (scripts/install-deps.sh installs etcd-server)"):
        return
    client, peer = free_port(), free_port()
    proc = subprocess.Popen([etcd, "--data-dir", os.path.join(tmp, "etcd"), "--listen-client-urls", f"http://127.0.0.1:{client}",
                             "--advertise-client-urls", f"http://127.0.0.1:{client}", "--listen-peer-urls",
                             f"http://127.0.0.1:{peer}", "--initial-advertise-peer-urls", f"http://127.0.0.1:{peer}",
                             "--initial-cluster", f"default=http://127.0.0.1:{peer}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    node = None
    try:
        node = Service(binary, os.path.join(tmp), "--etcd", f"http://127.0.0.1:{client}", "--cluster", "openapi",
                       "--node-id", "n1")

        def call(method, path, body=None, token=TOKEN, want=None):
            status, headers, payload = node.request(method, path, body, token)
            out = v.response(method, path, status, headers, payload)
            if want is not None:
                check(status == want, f"{method} {path}: expected {want}, got {status} {payload[:200]!r}")
            return out

        def status():
            s, _, p = node.request("GET", "/v1/cluster/status")
            return json.loads(p) if s == 200 else {}

        node.wait_for("the node to see itself coordinate", lambda: status().get("coordinator") == "n1", 60)
        call("GET", "/v1/cluster/status", token=None, want=200)
        call("GET", "/v1/cluster/events?since=0", token=None, want=200)
        call("POST", "/v1/cluster/restart/abort", want=409)
        call("POST", "/v1/cluster/restart", {"strategy": "bogus"}, want=400)
        call("POST", "/v1/cluster/restart", {"strategy": "rolling", "grace_ms": 2000, "settle_ms": 100}, want=202)
        call("POST", "/v1/cluster/restart", {"strategy": "rolling"}, want=409)
        call("GET", "/v1/cluster/status", token=None, want=200)  # with the running journal
        call("POST", "/v1/cluster/commit", {"restart_id": "1", "fence": "1"}, want=409)
        call("POST", "/v1/cluster/commit", {"restart_id": 1}, want=400)
        call("POST", "/v1/cluster/lockstep/outcome", {"restart_id": "1", "uncertain": True}, want=202)
        call("POST", "/v1/cluster/lockstep/outcome", {}, want=400)
        node.wait_for("the cluster restart to end", lambda: status().get("restart", 1) is None and status().get("last_restart"), 60)
        call("GET", "/v1/cluster/status", token=None, want=200)  # with the last restart
        call("GET", "/v1/cluster/events?since=0", token=None, want=200)
        last = status()["last_restart"]["id"]
        call("GET", "/v1/cluster/history", token=None, want=200)
        call("GET", f"/v1/cluster/history?id={last}", token=None, want=200)
        call("GET", "/v1/cluster/history?id=1", token=None, want=404)
        call("GET", "/v1/cluster/history?limit=0", token=None, want=400)
        call("POST", "/v1/cluster/restart/resume", {"restart_id": last}, want=409)  # it completed
        call("POST", "/v1/cluster/restart/resume", {}, want=400)
    finally:
        if node:
            node.stop()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def cmd_responses(args):
    raw, spec = load(args.spec)
    v = Validator(spec)
    with tempfile.TemporaryDirectory() as tmp:
        svc = Service(args.binary, tmp)
        try:
            exercise(svc, v, raw)
            for method, path in (("GET", "/v1/cluster/status"), ("GET", "/v1/cluster/events"), ("POST", "/v1/cluster/restart"),
                                 ("POST", "/v1/cluster/restart/abort"), ("POST", "/v1/cluster/commit"),
                                 ("POST", "/v1/cluster/lockstep/outcome"), ("GET", "/v1/cluster/history"),
                                 ("POST", "/v1/cluster/restart/resume")):
                status, headers, payload = svc.request(method, path, b"{}" if method == "POST" else None)
                v.response(method, path, status, headers, payload)
                check(status == 404, f"{method} {path} without --etcd: expected 404, got {status}")
        finally:
            svc.stop()
    with tempfile.TemporaryDirectory() as tmp:
        exercise_cluster(args.binary, v, tmp)
    operations_seen = {(m, p) for m, p, _ in v.seen}
    missing = {(m, p) for m, p, _ in operations(spec)} - operations_seen
    check(not missing, f"operations no real answer was checked against: {sorted(missing)}")
    return f"openapi responses: {len(v.seen)} (operation, status) pairs from real answers validate"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["lint", "routes", "responses"])
    ap.add_argument("--spec", required=True)
    ap.add_argument("--source-dir")
    ap.add_argument("--binary")
    args = ap.parse_args()
    summary = globals()["cmd_" + args.command](args)
    if problems:
        sys.exit("\n".join(problems))
    print(summary)


if __name__ == "__main__":
    main()
