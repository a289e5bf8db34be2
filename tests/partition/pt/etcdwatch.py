"""Reads the cluster's keys from inside the etcd namespace every ~10 ms, keeps a timeline of protocol steps, and
fires fault triggers the moment the journal (restart/current) or a node's report (restart/node/<id>) reaches a step."""
import json
import socket
import threading
import time

from .cluster import CLUSTER, ETCD_PORT, b64, prefix_end


class View:
    def __init__(self, t, kvs):
        self.t = t
        p = "/shardscope/%s/" % CLUSTER
        self.journal = None
        self.reports = {}
        self.members = set()
        self.status = {}
        self.history = {}
        self.leader = None
        self.abort = None
        for k, v in kvs.items():
            rest = k[len(p):]
            try:
                value = json.loads(v) if v else {}
            except ValueError:
                value = {"unparsed": v}
            if rest == "restart/current":
                self.journal = value
            elif rest.startswith("restart/node/"):
                self.reports[rest[len("restart/node/"):]] = value
            elif rest.startswith("restart/history/"):
                self.history[rest[len("restart/history/"):]] = value
            elif rest.startswith("members/"):
                self.members.add(rest[len("members/"):])
            elif rest.startswith("status/"):
                self.status[rest[len("status/"):]] = value
            elif rest == "leader":
                self.leader = value.get("id")
            elif rest == "restart/abort":
                self.abort = value

    def state(self):
        return (self.journal or {}).get("state")

    def step(self, node, restart_id=None):
        """The node's own report of its step (restart/node/<id>), for `restart_id` when given."""
        r = self.reports.get(node) or {}
        if restart_id is not None and r.get("restart_id") != restart_id:
            return None
        return r.get("step")

    def journal_step(self, node):
        for n in (self.journal or {}).get("nodes", []):
            if n.get("id") == node:
                return n.get("step")
        return None

    def summary(self):
        j = self.journal
        js = "-" if j is None else "%s %s [%s]" % (j.get("strategy"), j.get("state"), " ".join(
            "%s:%s" % (n.get("id"), n.get("step")) for n in j.get("nodes", [])))
        reps = " ".join("%s:%s" % (k, v.get("step")) for k, v in sorted(self.reports.items()))
        return "leader=%s members=%s journal=%s reports={%s}" % (self.leader, ",".join(sorted(self.members)), js, reps)


class EtcdWatch:
    def __init__(self, cluster, log, interval=0.01):
        self.cluster = cluster
        self.log = log
        self.interval = interval
        self.latest = None
        self.timeline = []  # (t, summary) whenever the summary changed
        self.errors = 0
        self._triggers = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="etcd-watch", daemon=True)
        self._wake = threading.Event()
        self._streamer = threading.Thread(target=self._stream, name="etcd-watch-stream", daemon=True)
        self.fired = {}  # trigger name -> time
        self.reads = 0  # successful reads so far

    def start(self):
        self._thread.start()
        self._streamer.start()
        if not self.cluster.wait(lambda: self.latest is not None, 5):
            raise RuntimeError("cannot read etcd from its namespace")

    def stop(self):
        self._stop.set()
        self._wake.set()
        for t in (self._thread, self._streamer):
            if t.ident is not None:
                t.join(5)

    def on(self, name, predicate, action):
        """Runs action(view) once, in the polling thread, at the first read where predicate(view) holds."""
        with self._lock:
            self._triggers.append((name, predicate, action))

    def _run(self):
        self._last = None
        while not self._stop.is_set():
            t0 = time.monotonic()
            try:
                self._once()
            except Exception as e:  # never let the watch die silently: count it and go on
                self.errors += 1
                self.log("etcd watch: %r" % e)
            left = self.interval - (time.monotonic() - t0)
            if left > 0:
                self._wake.wait(left)
            self._wake.clear()

    def _stream(self):
        """An etcd watch on the cluster's prefix: any change wakes the reader at once (a trigger then fires within
        a few milliseconds of the write, not up to a poll interval later). The reads stay the source of truth."""
        prefix = "/shardscope/%s/" % CLUSTER
        body = json.dumps({"create_request": {"key": b64(prefix), "range_end": b64(prefix_end(prefix))}}).encode()
        while not self._stop.is_set():
            sock = None
            try:
                sock = self.cluster.net.socket("etcd")
                sock.settimeout(0.5)
                sock.connect(("127.0.0.1", ETCD_PORT))
                sock.sendall(b"POST /v3/watch HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n\r\n" % len(body) + body)
                while not self._stop.is_set():
                    try:
                        data = sock.recv(65536)
                    except socket.timeout:
                        continue
                    if not data:
                        break
                    self._wake.set()
            except OSError:
                self._stop.wait(0.1)
            finally:
                if sock is not None:
                    sock.close()

    def _once(self):
        kvs = self.cluster.etcd_range("/shardscope/%s/" % CLUSTER, timeout=1.0)
        if kvs is None:
            self.errors += 1
            return
        v = View(time.monotonic(), kvs)
        self.latest = v
        self.reads += 1
        s = v.summary()
        if s != self._last:
            self.timeline.append((v.t, s))
            self._last = s
        with self._lock:
            due = [tr for tr in self._triggers if self._holds(tr[1], v)]
            for tr in due:
                self._triggers.remove(tr)
        for name, _, action in due:
            self.fired[name] = time.monotonic()
            self.log("trigger '%s' at: %s" % (name, v.summary()))
            try:
                action(v)
            except Exception as e:  # reported, and the scenario's checks will show the consequence
                self.log("trigger '%s' failed: %r" % (name, e))

    @staticmethod
    def _holds(predicate, v):
        try:
            return bool(predicate(v))
        except Exception:
            return False

    def reads_since(self, n):
        return self.reads >= n

    def wait(self, predicate, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            v = self.latest
            if v is not None and self._holds(predicate, v):
                return v
            time.sleep(0.01)
        return None
