"""The recording client: threads in the client namespace sending POST /v1/query directly to nodes and through
HAProxy, every operation kept as (send time, reply time, target, status, version, Retry-After); and readiness
probes (GET /v1/service/ready on every node) that show what a balancer or a client can reach."""
import json
import threading
import time

from . import http
from .cluster import LB_PORT, NODE_PORT

ECHO = {"procedure": "echo", "args": {}}


class Op:
    __slots__ = ("n", "thread", "target", "kind", "t0", "t1", "status", "version", "retry_after", "error", "body", "via")

    def line(self, t_base):
        extra = ""
        if self.status != 200:
            extra = " retry_after=%s body=%s" % (self.retry_after, self.body) if self.status else " error=%s" % self.error
        return ("op#%d %-4s %-5s sent=%.3f replied=%s status=%s version=%s%s" %
                (self.n, self.target, self.kind, self.t0 - t_base,
                 "%.3f" % (self.t1 - t_base) if self.t1 is not None else "never", self.status or "-",
                 self.version, extra))

    def outcome(self):
        """ok, retry (503 with Retry-After from a node), lb_error (HAProxy's own answer), error, noreply."""
        if self.status == 200:
            return "ok"
        if self.status == 0:
            return "noreply"
        if self.via == "node" and self.status == 503 and self.retry_after is not None:
            return "retry"
        if self.via == "haproxy":
            return "lb_error"
        return "error"


class Recorder:
    def __init__(self, cluster, targets, interval=0.005, timeout=10.0, max_ops=40000, max_seconds=60.0):
        self.cluster = cluster
        self.net = cluster.net
        self.targets = targets  # e.g. ["n0", "n1", "n2", "lb", "lb"]: one thread each
        self.interval = interval
        self.timeout = timeout
        self.max_ops = max_ops
        self.max_seconds = max_seconds
        self.ops = []
        self.probes = {n: [] for n in cluster.nodes}  # node -> [(t0, t1, ok, status)]
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = []
        self._count = 0
        self.t_start = None

    def _address(self, target):
        if target == "lb":
            return self.net.client_ip(), LB_PORT
        return self.cluster.node_ip(target), NODE_PORT

    def send(self, target, body, thread_name, kind="echo", timeout=None):
        host, port = self._address(target)
        op = Op()
        with self._lock:
            self._count += 1
            op.n = self._count
        op.thread, op.target, op.kind = thread_name, target, kind
        op.t0 = time.monotonic()
        r = http.request(self.net, "cl", host, port, "POST", "/v1/query", body, timeout=timeout or self.timeout)
        op.t1 = time.monotonic() if r.status else None
        op.status = r.status
        op.error = r.error
        op.retry_after = r.headers.get("retry-after")
        doc = r.json() if r.status else None
        node_json = isinstance(doc, dict) and ("version" in doc or "code" in doc or "message" in doc)
        op.via = "node" if target != "lb" or node_json else "haproxy"
        op.version = doc.get("version") if isinstance(doc, dict) and r.status == 200 else None
        op.body = "" if r.status == 200 else r.text(160)
        with self._lock:
            self.ops.append(op)
        return op

    def _client(self, target, name):
        deadline = self.t_start + self.max_seconds
        while not self._stop.is_set() and time.monotonic() < deadline and self._count < self.max_ops:
            self.send(target, ECHO, name)
            if self.interval:
                self._stop.wait(self.interval)

    def _probe(self, node):
        deadline = self.t_start + self.max_seconds
        while not self._stop.is_set() and time.monotonic() < deadline:
            t0 = time.monotonic()
            r = self.cluster.node_get(node, "/v1/service/ready", timeout=0.5)
            self.probes[node].append((t0, time.monotonic(), r.status == 200, r.status))
            self._stop.wait(0.05)

    def start(self, probes=True):
        self.t_start = time.monotonic()
        for i, target in enumerate(self.targets):
            name = "c%d-%s" % (i, target)
            self._threads.append(threading.Thread(target=self._client, args=(target, name), name=name, daemon=True))
        if probes:
            for n in self.cluster.nodes:
                self._threads.append(threading.Thread(target=self._probe, args=(n,), name="probe-" + n, daemon=True))
        for t in self._threads:
            if t.ident is None:
                t.start()

    def sleep_queries(self, nodes, ms):
        """A `sleep` query of `ms` in flight on each node (holds a drain open); returns once each was sent."""
        started = []
        for n in nodes:
            th = threading.Thread(target=self.send, args=(n, {"procedure": "sleep", "args": {"ms": ms}}, "sleep-" + n, "sleep"),
                                  name="sleep-" + n, daemon=True)
            th.start()
            self._threads.append(th)
            started.append(th)
        return started

    def stop(self):
        self._stop.set()
        for t in self._threads:
            if t.ident is not None:
                t.join(self.timeout + 2)

    def snapshot(self):
        with self._lock:
            return list(self.ops)
