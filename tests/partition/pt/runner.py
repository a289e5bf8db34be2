"""One scenario's life: namespaces, etcd, nodes, HAProxy, the recorder and the etcd watch; faults; heal; checks."""
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time

from . import checks, http
from .cluster import CLUSTER, NODE_PORT, Cluster
from .etcdwatch import EtcdWatch
from .netns import Network

CLIENT_TIMEOUT = 10.0  # above every hold deadline used here: a held request is answered before it
LOCKSTEP = {"strategy": "lockstep", "drain_timeout_ms": 5000, "hold_deadline_ms": 6000, "commit_wait_ms": 4500}
ROLLING = {"strategy": "rolling", "grace_ms": 600, "settle_ms": 600, "max_unavailable": 1}


class Harness:
    def __init__(self, name, binary, nodes=3, lease_ttl=2, keep=False):
        self.name = name
        self.t_base = time.monotonic()
        self.keep = keep  # keep the work folder (logs, history), in keep_in/<name> when that is set
        self.keep_in = None
        self.dir = tempfile.mkdtemp(prefix="shardscope-partition-%s-" % name)
        self.net = Network(nodes, self.log)
        self.cluster = Cluster(self.net, binary, self.dir, self.log, lease_ttl=lease_ttl)
        self.watch = EtcdWatch(self.cluster, self.log)
        self.recorder = None
        self.requests = []  # restart requests: node, body, times, status, answer
        self.results = []
        self.heal_at = None
        self.from_version = None
        self._log_lock = threading.Lock()

    # output -------------------------------------------------------------
    def log(self, text):
        with self._log_lock:
            sys.stdout.write("[%7.3f] %s\n" % (time.monotonic() - self.t_base, text))
            sys.stdout.flush()

    # life ---------------------------------------------------------------
    def up(self, targets=("n0", "n1", "n2", "lb", "lb")):
        self.net.create()
        self.log("namespaces %s-{sw,etcd,n0..n%d,cl} made; work dir %s" % (self.net.prefix, self.net.node_count - 1, self.dir))
        self.cluster.start_etcd()
        self.cluster.start_nodes()
        if not self.cluster.wait(self.cluster.formed, 15):
            raise RuntimeError("the cluster did not form in 15 s")
        self.cluster.start_haproxy()
        self.watch.start()
        versions = {n: self.version(n) for n in self.cluster.nodes}
        if len(set(versions.values())) != 1:
            raise RuntimeError("nodes start on different versions: %s" % versions)
        self.from_version = next(iter(versions.values()))
        self.log("cluster formed: coordinator %s, every node on v%s" % (self.cluster.coordinator(), self.from_version))
        self.recorder = self.make_recorder(list(targets))

    def make_recorder(self, targets):
        from .recorder import Recorder
        return Recorder(self.cluster, targets, timeout=CLIENT_TIMEOUT, max_seconds=60.0)

    def save_history(self):
        """What a failing run leaves to be read later: the client history, the probes, the etcd timeline, the
        restart requests (the processes' logs are in the same folder)."""
        if self.recorder is not None:
            with open(os.path.join(self.dir, "history.txt"), "w") as f:
                for o in sorted(self.recorder.snapshot(), key=lambda o: o.t0):
                    f.write(o.line(self.t_base) + "\n")
            with open(os.path.join(self.dir, "probes.txt"), "w") as f:
                for n, samples in sorted(self.recorder.probes.items()):
                    for t0, t1, ok, status in samples:
                        f.write("%s sent=%.3f replied=%.3f ready=%s status=%s\n" % (n, t0 - self.t_base, t1 - self.t_base, ok, status))
        with open(os.path.join(self.dir, "timeline.txt"), "w") as f:
            events = [(t, "etcd  " + s) for t, s in self.watch.timeline] + [(t, "net   " + s) for t, s in self.net.events]
            for t, s in sorted(events):
                f.write("%8.3f %s\n" % (t - self.t_base, s))
        with open(os.path.join(self.dir, "requests.json"), "w") as f:
            json.dump([{k: v for k, v in q.items() if k != "json"} for q in self.requests], f, indent=1, default=str)

    def down(self):
        try:
            if self.recorder:
                self.recorder.stop()
        finally:
            try:
                self.watch.stop()
            finally:
                try:
                    self.cluster.stop()
                finally:
                    self.net.destroy()
                    shutil.rmtree(os.path.join(self.dir, "etcd-data"), ignore_errors=True)  # 128 MB of WAL
                    if not self.keep:
                        shutil.rmtree(self.dir, ignore_errors=True)
                    elif self.keep_in:
                        dest = os.path.join(self.keep_in, self.name)
                        shutil.rmtree(dest, ignore_errors=True)
                        os.makedirs(self.keep_in, exist_ok=True)
                        shutil.move(self.dir, dest)
                        self.log("history, timeline and logs kept in %s" % dest)
                    else:
                        self.log("history, timeline and logs kept in %s" % self.dir)

    # what a node says ---------------------------------------------------
    def version(self, node):
        doc = self.cluster.node_get(node, "/v1/service/status").json() or {}
        return doc.get("version")

    def local_get(self, node, path, timeout=1.0):
        """From inside the node's own namespace (its own address there): answers while its links are cut."""
        return http.request(self.net, node, self.cluster.node_ip(node), NODE_PORT, "GET", path, timeout=timeout)

    def past_commit_wait(self, node):
        """Seen from inside its namespace, the node reopened (ready without holding requests), or it voted and,
        past its commit wait, cannot learn the outcome (503, gate closed): either way its commit wait is over."""
        r = self.local_get(node, "/v1/service/ready")
        try:
            body = r.json() if r.status else {}
        except ValueError:
            body = {}
        if r.status == 200:
            return not body.get("holding", False)
        return r.status == 503 and "outcome" in body.get("message", "")

    def coordinator(self):
        return self.watch.latest.leader if self.watch.latest else self.cluster.coordinator()

    def others(self, node):
        return [n for n in self.cluster.nodes if n != node]

    # actions --------------------------------------------------------------
    def request_restart(self, node, body):
        q = {"node": node, "body": body, "wall_sent_ms": time.time() * 1000, "t0": time.monotonic()}
        # Up to ~9 s: a node re-reads etcd (3 reads of 2 s at most) before it answers a write that got no answer.
        r = self.cluster.node_post(node, "/v1/cluster/restart", body, timeout=15.0)
        q.update(status=r.status, wall_replied_ms=time.time() * 1000, t1=time.monotonic(),
                 answer=r.text(300) if r.status else (r.error or ""), json=r.json() if r.status else None)
        rid = (q["json"] or {}).get("restart_id")
        q["id"] = str(int(rid)) if isinstance(rid, (int, float)) else None
        self.requests.append(q)
        self.log("restart requested on %s (%s): %s %s" % (node, body.get("strategy"), r.status or "no answer", q["answer"][:200]))
        return q

    def request_async(self, node, body):
        th = threading.Thread(target=self.request_restart, args=(node, body), daemon=True)
        th.start()
        return th

    def sleeps_in_flight(self, ms=2000):
        """A `sleep` query of `ms` in flight on every node (it holds each node's drain open)."""
        self.recorder.sleep_queries(self.cluster.nodes, ms)
        ok = self.cluster.wait(lambda: all(
            ((self.cluster.node_get(n, "/v1/service/status").json() or {}).get("ledger") or {}).get("in_flight", 0) >= 1
            for n in self.cluster.nodes), 3)
        if not ok:
            raise RuntimeError("the sleep queries were not in flight on every node")
        self.log("a %d ms sleep query is in flight on every node" % ms)

    def wait_fired(self, name, timeout):
        """The fault trigger `name` fired; if it never did, the scenario did not test what it says: an error."""
        if not self.wait_for("fault '%s' injected" % name, lambda: name in self.watch.fired, timeout):
            raise RuntimeError("the fault '%s' was never injected: its protocol step was not seen in etcd within %.0f s"
                               % (name, timeout))

    def restart_state(self, rid):
        """The state of restart `rid` in etcd now: from restart/current, else from its history entry, else None."""
        v = self.watch.latest
        if v is None or rid is None:
            return None
        if v.journal and v.journal.get("id") == rid:
            return v.journal.get("state")
        return (v.history.get(rid) or {}).get("state")

    def decided(self, rid):
        return self.restart_state(rid) not in (None, "pending", "running")

    def finished(self, rid):
        return rid in (self.watch.latest.history if self.watch.latest else {})

    def heal(self):
        self.net.heal_all()
        self.heal_at = time.monotonic()

    def wait_for(self, what, predicate, timeout):
        t0 = time.monotonic()
        ok = self.cluster.wait(predicate, timeout, interval=0.02)
        self.log("%s: %s after %.2f s" % (what, "yes" if ok else "NOT within %.0f s" % timeout, time.monotonic() - t0))
        return ok

    # the property after the heal ------------------------------------------------
    def converge(self, slack):
        """P3: after the heal, within the lease TTL plus `slack` s, every node ready on one version, no restart
        running, and the newest restart's recorded outcome matching where the nodes are."""
        r = checks.Result("P3", "after the heal, within lease TTL + %.0f s: every node ready on one version, and the "
                                "journal's outcome matching the nodes" % slack)
        t_heal = self.heal_at or time.monotonic()
        deadline = t_heal + self.cluster.lease_ttl + slack
        accepted = [q["id"] for q in self.requests if q["status"] in (200, 202) and q["id"]]
        last = {}
        while True:
            last = self.observe()
            verdict = self.verdict(last, accepted)
            if verdict is None or time.monotonic() >= deadline:
                break
            time.sleep(0.1)
        took = time.monotonic() - t_heal
        r.figures.append("nodes: " + ", ".join("%s v%s %s" % (n, o["version"], "ready" if o["ready"] else "NOT ready")
                                               for n, o in sorted(last["nodes"].items())))
        lr = last.get("last_restart") or {}
        r.figures.append("running restart: %s; newest finished restart: %s %s %s (%s)" % (
            (last.get("restart") or {}).get("state", "none"), lr.get("id", "none"), lr.get("strategy", ""), lr.get("state", ""),
            lr.get("reason", "") or "no reason"))
        if verdict is None:
            r.figures.append("one version, every node ready, outcome matching: %.2f s after the heal" % took)
        else:
            r.fail("%s (still so %.2f s after the heal)" % (verdict, took))
        self.results.append(r)
        return r

    def observe(self):
        out = {"nodes": {}, "views": {}}
        for n in self.cluster.nodes:
            st = self.cluster.node_get(n, "/v1/service/status").json() or {}
            ready = self.cluster.node_get(n, "/v1/service/ready").status == 200
            cs = self.cluster.node_get(n, "/v1/cluster/status").json() or {}
            out["nodes"][n] = {"version": st.get("version"), "ready": ready}
            out["views"][n] = cs
        views = [v for v in out["views"].values() if v]
        out["restart"] = next((v.get("restart") for v in views if v.get("restart")), None)
        out["last_restart"] = views[0].get("last_restart") if views else None
        return out

    def verdict(self, o, accepted):
        """None when P3 holds for observation `o`, else why not."""
        nodes = o["nodes"]
        if any(x["version"] is None for x in nodes.values()):
            return "a node does not answer: " + ", ".join(n for n, x in nodes.items() if x["version"] is None)
        versions = {x["version"] for x in nodes.values()}
        if len(versions) != 1:
            return "nodes on different versions: " + ", ".join("%s v%s" % (n, x["version"]) for n, x in sorted(nodes.items()))
        if not all(x["ready"] for x in nodes.values()):
            return "not ready: " + ", ".join(n for n, x in nodes.items() if not x["ready"])
        if o["restart"]:
            j = o["restart"]
            return "restart %s still %s (%s)" % (j.get("id"), j.get("state"), " ".join(
                "%s:%s" % (n.get("id"), n.get("step")) for n in j.get("nodes", [])))
        lasts = {n: (v.get("last_restart") or {}).get("id") for n, v in o["views"].items()}
        if len(set(lasts.values())) != 1:
            return "nodes disagree on the newest restart: %s" % lasts
        if not accepted:
            return None
        lr = o["last_restart"] or {}
        if lr.get("id") not in accepted:
            return "the newest finished restart is %s, not the accepted one (%s)" % (lr.get("id"), ", ".join(accepted))
        v = versions.pop()
        if v == self.from_version + 1:
            expected = ("completed",)
        elif v == self.from_version:
            expected = ("rolled_back", "aborted")
        else:
            return "every node on v%s, neither v%s nor v%s" % (v, self.from_version, self.from_version + 1)
        if lr.get("state") not in expected:
            return "every node on v%s but restart %s says %s: %s" % (v, lr.get("id"), lr.get("state"), lr.get("reason"))
        return None

    # the checks on the history ---------------------------------------------------
    def check(self, props, max_unavailable=1):
        # The history goes on until the balancer has every server back: what clients see after the heal counts.
        self.wait_for("HAProxy sees every node UP", lambda: all(
            st.startswith("UP") for st in self.cluster.lb_servers().values()) and len(self.cluster.lb_servers()) == len(self.cluster.nodes), 5)
        self.recorder.stop()
        ops = self.recorder.snapshot()
        t_end = time.monotonic()
        if "P1" in props:
            self.results.append(checks.p1_lockstep(ops, self.t_base))
        if "P2" in props:
            self.results.append(checks.p2_nothing_lost(ops, self.net, self.t_base, CLIENT_TIMEOUT))
        if "P4" in props:
            self.results.append(checks.p4_rolling(self.recorder.probes, max_unavailable, self.t_base, t_end))
        if "P5" in props:
            self.results.append(checks.p5_refusals_true(self.requests, self.journals(), self.t_base))
        order = {"P1": 1, "P2": 2, "P3": 3, "P4": 4, "P5": 5, "G1": 6}
        self.results.sort(key=lambda r: order[r.name])

    def journals(self):
        kv = self.cluster.etcd_range("/shardscope/%s/restart/" % CLUSTER) or {}
        out = {}
        for k, v in kv.items():
            if k.endswith("/current") or "/history/" in k:
                try:
                    j = json.loads(v)
                    out[j.get("id")] = j
                except ValueError:
                    pass
        return out

    def print_timeline(self):
        self.log("etcd timeline (every change of leader, members, journal and reports):")
        events = [(t, "etcd  " + s) for t, s in self.watch.timeline] + [(t, "net   " + s) for t, s in self.net.events]
        for t, s in sorted(events)[:80]:
            sys.stdout.write("    %7.3f %s\n" % (t - self.t_base, s))
        if len(events) > 80:
            sys.stdout.write("    ... %d more\n" % (len(events) - 80))


def install_signal_handlers():
    def raise_exit(signum, _frame):
        raise SystemExit(128 + signum)
    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM):
        signal.signal(s, raise_exit)
