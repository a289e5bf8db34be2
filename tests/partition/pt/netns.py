"""Network namespaces, two bridges in a "switch" namespace, veth links, and sockets made inside a namespace.

Layout (names carry a per-run prefix, e.g. pt4711):
  <p>-sw    the switch: bridge bre (etcd network 10.77.1.0/24) and bridge brc (client/peer network 10.77.2.0/24)
  <p>-etcd  etcd, 10.77.1.2 on bre
  <p>-nI    node I: 10.77.1.(10+I) on bre (its etcd link) and 10.77.2.(10+I) on brc (its client link)
  <p>-cl    HAProxy and the recording client, 10.77.2.2 on brc
A link is cut by taking its port on the switch down (`ip -n <p>-sw link set PORT down`): the far end keeps its
address and route, so packets vanish (a blackhole, as a pulled cable), they are not refused.
Nothing is configured in the root namespace.
"""
import ctypes
import os
import re
import socket
import subprocess
import threading
import time

CLONE_NEWNET = 0x40000000
ETCD_NET = "10.77.1"
CLIENT_NET = "10.77.2"

_libc = ctypes.CDLL(None, use_errno=True)


class SkipTest(Exception):
    """The environment cannot run the suite (not root, no `ip netns`): exit 77."""


def run(*args, check=True):
    r = subprocess.run(list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(args), r.returncode, r.stdout.strip()))
    return r


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def remove_stale():
    """Namespaces left by a run that was killed (SIGKILL leaves no time for clean-up): pt<pid>-* of dead pids."""
    r = run("ip", "netns", "list", check=False)
    for line in r.stdout.splitlines():
        m = re.match(r"^(pt(\d+)-\S+)", line)
        if m and not _pid_alive(int(m.group(2))):
            run("ip", "netns", "del", m.group(1), check=False)


class Network:
    def __init__(self, node_count, log):
        self.prefix = "pt%d" % os.getpid()
        self.node_count = node_count
        self.log = log
        self.namespaces = []
        self._fds = {}
        self._lock = threading.Lock()
        self.events = []  # (monotonic time, text) of every cut and heal
        self.down = set()  # switch ports that are down now
        self.port_history = {}  # port -> [(t, up?)]
        self._batch = None  # `ip -batch -` in the switch namespace, for cuts and heals
        self._batch_lock = threading.Lock()

    # names -------------------------------------------------------------
    def ns(self, who):
        return "%s-%s" % (self.prefix, who)

    def etcd_ip(self):
        return ETCD_NET + ".2"

    def client_ip(self):
        return CLIENT_NET + ".2"

    def node_etcd_ip(self, i):
        return "%s.%d" % (ETCD_NET, 10 + i)

    def node_client_ip(self, i):
        return "%s.%d" % (CLIENT_NET, 10 + i)

    # set-up ------------------------------------------------------------
    def create(self):
        if os.geteuid() != 0:
            raise SkipTest("the partition suite needs root (ip netns, veth, bridges); running as uid %d" % os.geteuid())
        remove_stale()
        sw = self.ns("sw")
        r = run("ip", "netns", "add", sw, check=False)
        if r.returncode != 0:
            raise SkipTest("`ip netns add` failed, network namespaces cannot be made here: %s" % r.stdout.strip())
        self.namespaces.append(sw)
        run("ip", "-n", sw, "link", "set", "lo", "up")
        for br in ("bre", "brc"):
            run("ip", "-n", sw, "link", "add", br, "type", "bridge")
            run("ip", "-n", sw, "link", "set", br, "up")
        self._endpoint("etcd", [("bre", "etcd-e", self.etcd_ip())])
        for i in range(self.node_count):
            self._endpoint("n%d" % i, [("bre", "n%d-e" % i, self.node_etcd_ip(i)), ("brc", "n%d-c" % i, self.node_client_ip(i))])
        self._endpoint("cl", [("brc", "cl-c", self.client_ip())])

    def _endpoint(self, who, links):
        ns = self.ns(who)
        run("ip", "netns", "add", ns)
        self.namespaces.append(ns)
        run("ip", "-n", ns, "link", "set", "lo", "up")
        for bridge, port, ip in links:
            inner = "eth-" + port[-1]  # eth-e (etcd network) or eth-c (client network)
            run("ip", "link", "add", inner, "netns", ns, "type", "veth", "peer", "name", port, "netns", self.ns("sw"))
            run("ip", "-n", self.ns("sw"), "link", "set", port, "master", bridge)
            run("ip", "-n", self.ns("sw"), "link", "set", port, "up")
            run("ip", "-n", ns, "addr", "add", ip + "/24", "dev", inner)
            run("ip", "-n", ns, "link", "set", inner, "up")
            self.port_history[port] = [(time.monotonic(), True)]

    def destroy(self):
        if self._batch is not None:
            try:
                self._batch.stdin.close()
                self._batch.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                self._batch.kill()
            self._batch = None
        for fd in self._fds.values():
            try:
                os.close(fd)
            except OSError:
                pass
        self._fds.clear()
        # The switch last: deleting it removes every veth pair with it.
        for ns in reversed(self.namespaces):
            run("ip", "netns", "del", ns, check=False)
        self.namespaces = []

    # faults ------------------------------------------------------------
    def ports_of(self, who, which):
        """Switch ports of `who` (n0.., etcd, cl) on network `which`: 'etcd', 'client' or 'all'."""
        ports = []
        if which in ("etcd", "all") and who != "cl":
            ports.append("%s-e" % who)
        if which in ("client", "all") and who != "etcd":
            ports.append("%s-c" % who)
        return ports

    def _switch(self, commands, confirm_port):
        """Runs `ip` commands in the switch namespace through one long-lived `ip -batch -` (no process start per
        cut: a cut lands a millisecond after its trigger), and returns once they ran: the `link show` that follows
        them answers only then."""
        with self._batch_lock:
            if self._batch is None or self._batch.poll() is not None:
                self._batch = subprocess.Popen(["ip", "-n", self.ns("sw"), "-force", "-batch", "-"], stdin=subprocess.PIPE,
                                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
            b = self._batch
            b.stdin.write("".join(c + "\n" for c in commands) + "link show dev %s\n" % confirm_port)
            b.stdin.flush()
            while True:
                line = b.stdout.readline()
                if not line:
                    raise RuntimeError("ip -batch in the switch namespace ended")
                if ": %s@" % confirm_port in line or ": %s:" % confirm_port in line:
                    return line
                if "rror" in line or "annot" in line:
                    raise RuntimeError("ip -batch: %s (running %s)" % (line.strip(), commands))

    def _set(self, ports, up, why):
        self._switch(["link set dev %s %s" % (p, "up" if up else "down") for p in ports], ports[-1])
        now = time.monotonic()
        with self._lock:
            for port in ports:
                (self.down.discard if up else self.down.add)(port)
                self.port_history[port].append((now, up))
        text = "%s %s (%s)" % ("heal" if up else "cut", ",".join(ports), why)
        with self._lock:
            self.events.append((time.monotonic(), text))
        self.log(text)

    def cut(self, who, which, why=""):
        self._set(self.ports_of(who, which), False, why)

    def heal(self, who, which, why=""):
        self._set(self.ports_of(who, which), True, why)

    def heal_all(self, why="heal"):
        with self._lock:
            ports = sorted(self.down)
        if ports:
            self._set(ports, True, why)

    def port_down_during(self, port, t0, t1):
        """Was `port` down at any moment of [t0, t1]?"""
        hist = self.port_history.get(port, [])
        state = True
        for t, up in hist:
            if t > t1:
                break
            if t <= t0:
                state = up
            elif not up:
                return True
        return not state

    def cut_times(self, port):
        return [t for t, up in self.port_history.get(port, [])[1:] if not up]

    # sockets inside a namespace ---------------------------------------------
    def _fd(self, who):
        with self._lock:
            fd = self._fds.get(who)
            if fd is None:
                fd = os.open("/run/netns/" + self.ns(who), os.O_RDONLY)
                self._fds[who] = fd
            return fd

    def socket(self, who):
        """A TCP socket of namespace `who`: the calling thread enters it, makes the socket, and goes back.

        A network namespace belongs to a thread (setns(2)), and a socket to the namespace it was made in."""
        target = self._fd(who)
        home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        try:
            if _libc.setns(target, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns into %s" % self.ns(who))
            try:
                return socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            finally:
                if _libc.setns(home, CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), "setns back home")
        finally:
            os.close(home)

    def unacked_bytes(self, who, dst_ip):
        """Bytes that `who` sent to `dst_ip` and that were not acknowledged yet (ss's Send-Q, orphaned sockets too)."""
        r = run("ss", "-N", self.ns(who), "-tan", "dst", dst_ip, check=False)
        total = 0
        for line in r.stdout.splitlines()[1:]:
            f = line.split()
            if len(f) >= 3 and f[2].isdigit():
                total += int(f[2])
        return total

    def exec_prefix(self, who):
        return ["ip", "netns", "exec", self.ns(who)]
