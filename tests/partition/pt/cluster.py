"""Real processes in the namespaces: etcd (etcd-server 3.4), the nodes (build/app/shardscope --headless), HAProxy."""
import base64
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import time

from . import http

PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)
CLUSTER = "pt"
NODE_PORT = 8080
LB_PORT = 8000
ETCD_PORT = 2379


def _die_with_parent():
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # a harness killed by CTest takes its children with it


def b64(text):
    return base64.b64encode(text.encode() if isinstance(text, str) else text).decode()


def unb64(text):
    return base64.b64decode(text).decode("utf-8", "replace")


def prefix_end(prefix):
    p = prefix.encode()
    return p[:-1] + bytes([p[-1] + 1])


class Proc:
    def __init__(self, name, argv, log_path):
        self.name = name
        self.log_path = log_path
        self.log_file = open(log_path, "wb")
        self.p = subprocess.Popen(argv, stdout=self.log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  preexec_fn=_die_with_parent)

    def alive(self):
        return self.p.poll() is None

    def kill(self):
        if self.p.poll() is None:
            try:
                self.p.kill()  # `ip netns exec` execs the program: this pid is the program's
            except ProcessLookupError:
                pass
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                pass
        self.log_file.close()

    def tail(self, n=30):
        try:
            with open(self.log_path, "rb") as f:
                return b"".join(f.readlines()[-n:]).decode("utf-8", "replace")
        except OSError:
            return ""


class Cluster:
    def __init__(self, net, binary, workdir, log, shards=4, lease_ttl=2):
        self.net = net
        self.binary = binary
        self.dir = workdir
        self.log = log
        self.shards = shards
        self.lease_ttl = lease_ttl
        self.procs = {}
        self.token = "pt-%d-token" % os.getpid()
        self.token_file = os.path.join(workdir, "token")
        with open(self.token_file, "w") as f:
            f.write(self.token + "\n")
        os.chmod(self.token_file, 0o600)
        self.nodes = ["n%d" % i for i in range(net.node_count)]

    # etcd ---------------------------------------------------------------
    def start_etcd(self, timeout=15):
        ip = self.net.etcd_ip()
        data = os.path.join(self.dir, "etcd-data")
        argv = self.net.exec_prefix("etcd") + [
            shutil.which("etcd") or "/usr/bin/etcd", "--name", "pt", "--data-dir", data,
            "--listen-client-urls", "http://%s:%d,http://127.0.0.1:%d" % (ip, ETCD_PORT, ETCD_PORT),
            "--advertise-client-urls", "http://%s:%d" % (ip, ETCD_PORT),
            "--listen-peer-urls", "http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
            "--initial-cluster", "pt=http://127.0.0.1:2380", "--heartbeat-interval", "10", "--election-timeout", "100"]
        self.procs["etcd"] = Proc("etcd", argv, os.path.join(self.dir, "etcd.log"))
        if not self.wait(lambda: self.etcd_call("/v3/kv/put", {"key": b64("/pt-probe"), "value": b64("1")}).status == 200, timeout):
            raise RuntimeError("etcd did not answer in %d s:\n%s" % (timeout, self.procs["etcd"].tail()))

    def etcd_call(self, path, body, timeout=1.0):
        """etcd's JSON gateway, from inside the etcd namespace (127.0.0.1 there): works while etcd's link is cut."""
        return http.request(self.net, "etcd", "127.0.0.1", ETCD_PORT, "POST", path, body, timeout=timeout)

    def etcd_range(self, prefix, timeout=1.0):
        r = self.etcd_call("/v3/kv/range", {"key": b64(prefix), "range_end": b64(prefix_end(prefix))}, timeout)
        if r.status != 200:
            return None
        doc = r.json()
        if not isinstance(doc, dict) or "header" not in doc:
            return None  # not a range answer: never read as "no keys"
        out = {}
        for kv in doc.get("kvs", []):
            out[unb64(kv["key"])] = unb64(kv.get("value", ""))
        return out

    # nodes --------------------------------------------------------------
    def node_index(self, node):
        return int(node[1:])

    def node_ip(self, node):
        return self.net.node_client_ip(self.node_index(node))

    def start_node(self, node):
        argv = self.net.exec_prefix(node) + [
            self.binary, "--headless", "--shards", str(self.shards),
            "--listen", "%s:%d" % (self.node_ip(node), NODE_PORT),
            "--etcd", "http://%s:%d" % (self.net.etcd_ip(), ETCD_PORT), "--cluster", CLUSTER,
            "--node-id", node, "--lease-ttl", str(self.lease_ttl), "--token-file", self.token_file,
            "--audit-file", os.path.join(self.dir, node + ".audit.jsonl")]
        self.procs[node] = Proc(node, argv, os.path.join(self.dir, node + ".log"))

    def node_get(self, node, path, timeout=1.0):
        return http.request(self.net, "cl", self.node_ip(node), NODE_PORT, "GET", path, timeout=timeout)

    def node_post(self, node, path, body, timeout=5.0, token=True):
        headers = {"Authorization": "Bearer " + self.token} if token else {}
        return http.request(self.net, "cl", self.node_ip(node), NODE_PORT, "POST", path, body, headers, timeout)

    def start_nodes(self, timeout=20):
        for n in self.nodes:
            self.start_node(n)
        for n in self.nodes:
            if not self.wait(lambda: self.node_get(n, "/v1/service/ready").status == 200 or not self.procs[n].alive(), timeout) \
                    or not self.procs[n].alive():
                raise RuntimeError("node %s did not become ready in %d s:\n%s" % (n, timeout, self.procs[n].tail()))

    def formed(self):
        """Every node registered, sees every node up and ready, and one coordinator."""
        coordinators = set()
        for n in self.nodes:
            s = self.node_get(n, "/v1/cluster/status").json()
            if not s or not s.get("registered") or not s.get("coordinator"):
                return False
            coordinators.add(s["coordinator"])
            seen = {x["id"]: x for x in s.get("nodes", [])}
            for m in self.nodes:
                if seen.get(m, {}).get("state") != "up" or not seen.get(m, {}).get("ready"):
                    return False
        return len(coordinators) == 1

    def coordinator(self):
        kv = self.etcd_range("/shardscope/%s/leader" % CLUSTER)
        if not kv:
            return None
        try:
            return json.loads(next(iter(kv.values()))).get("id")
        except ValueError:
            return None

    # HAProxy ------------------------------------------------------------
    def start_haproxy(self, timeout=10):
        """The shipped configuration's settings (scripts/cluster.sh): httpchk GET /v1/service/ready every 200 ms."""
        servers = "".join("  server %s %s:%d check\n" % (n, self.node_ip(n), NODE_PORT) for n in self.nodes)
        self.lb_socket = os.path.join(self.dir, "haproxy.sock")
        cfg = ("global\n  maxconn 1024\n  stats socket %s mode 600 level user\ndefaults\n  mode http\n  timeout connect 1s\n  timeout client 30s\n"
               "  timeout server 30s\n  retries 3\n  option redispatch\n"
               "frontend shardscope\n  bind %s:%d\n  default_backend nodes\n"
               "backend nodes\n  balance roundrobin\n  option httpchk GET /v1/service/ready\n"
               "  default-server inter 200ms fall 2 rise 2\n%s") % (self.lb_socket, self.net.client_ip(), LB_PORT, servers)
        path = os.path.join(self.dir, "haproxy.cfg")
        with open(path, "w") as f:
            f.write(cfg)
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        self.procs["haproxy"] = Proc("haproxy", self.net.exec_prefix("cl") + [haproxy, "-db", "-f", path],
                                     os.path.join(self.dir, "haproxy.log"))
        if not self.wait(lambda: self.lb_get("/v1/service/ready").status == 200, timeout):
            raise RuntimeError("haproxy did not route in %d s:\n%s" % (timeout, self.procs["haproxy"].tail()))

    def lb_servers(self):
        """HAProxy's view of each server (UP, DOWN, ...), from its stats socket (a file: no network needed)."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(1.0)
        try:
            s.connect(self.lb_socket)
            s.sendall(b"show stat\n")
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        finally:
            s.close()
        out = {}
        for line in data.decode("utf-8", "replace").splitlines():
            f = line.split(",")
            if len(f) > 17 and f[0] == "nodes" and f[1] in self.nodes:
                out[f[1]] = f[17]
        return out

    def lb_get(self, path, timeout=1.0):
        return http.request(self.net, "cl", self.net.client_ip(), LB_PORT, "GET", path, timeout=timeout)

    # helpers ------------------------------------------------------------
    @staticmethod
    def wait(predicate, timeout, interval=0.05):
        deadline = time.monotonic() + timeout
        while True:
            try:
                if predicate():
                    return True
            except Exception:  # a probe that raised is a probe that said no
                pass
            if time.monotonic() >= deadline:
                return False
            time.sleep(interval)

    def stop(self):
        for name in list(self.procs):
            self.procs[name].kill()
