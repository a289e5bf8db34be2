"""The scenarios of issue 21. Each builds on a formed 3-node cluster (lease TTL 2 s) with the recorder running,
injects its fault at a protocol step seen in etcd, heals, and names the properties to check.
Every wait is on a condition with a deadline; a fault that was never injected is an error, never a pass."""
from . import checks
from .runner import LOCKSTEP, ROLLING

# A gate that judges on little traffic (the recorder's) and lets a healthy version pass on a loaded machine: what
# the scenario tests is what the gate does with figures it cannot read, not its thresholds.
GATED = dict(ROLLING, canary=1, gate={"analysis_ms": 1000, "checks": 2, "failed_checks_allowed": 0, "min_requests": 1,
                                      "p99_ratio": 100, "p99_slack_ms": 2000, "p99_max_ms": 5000, "inconclusive": "stop"})


def _pick_other(h):
    """A node that is not the coordinator (the last one in id order)."""
    c = h.coordinator()
    return [n for n in h.cluster.nodes if n != c][-1]


def _restarting(v):
    return v.state() == "running" and any(r.get("step") == "restarting" for r in v.reports.values())


def _wait_until_rolling_reaches(h, rid, victim):
    """The rolling restart ended, reached `victim`, or is done with every other node (then it waits for `victim`)."""
    others = [n for n in h.cluster.nodes if n != victim]
    h.wait_for("the rolling restart ended, reached %s or is done with every other node" % victim,
               lambda: h.decided(rid) or h.watch.latest.journal_step(victim) not in ("waiting", None)
               or all(h.watch.latest.journal_step(n) == "done" for n in others), 15)


def lockstep_coordinator_cut_from_etcd_in_drain(h):
    """Lockstep; a 2 s sleep query holds every drain open; the coordinator is cut from etcd as soon as its own
    report says `preparing` (draining). A new coordinator must take over and end the restart; after the heal every
    node is on one version and the journal says which."""
    coord = h.coordinator()
    h.sleeps_in_flight(2000)
    h.recorder.start()
    h.watch.on("coordinator draining", lambda v: v.state() == "running" and v.step(coord) == "preparing",
               lambda v: h.net.cut(coord, "etcd", "coordinator %s draining" % coord))
    rid = h.request_restart(h.others(coord)[0], LOCKSTEP)["id"]
    h.wait_fired("coordinator draining", 5)
    h.wait_for("a new coordinator took over", lambda: h.watch.latest.leader not in (None, coord), 10)
    h.wait_for("the restart was decided", lambda: h.decided(rid), 10)
    h.wait_for("the cut coordinator is past its commit wait (seen from inside its namespace)",
               lambda: h.past_commit_wait(coord), 10)
    h.heal()
    return ["P1", "P2", "P3"], 6


def lockstep_other_cut_from_etcd_after_verified(h):
    """Lockstep; a node that is not the coordinator is cut from etcd right after it reports `verified`, and healed
    once its lease expired. It still reaches its peers (the coordinator's commit push can reach it)."""
    other = _pick_other(h)
    h.recorder.start()
    h.watch.on("%s verified" % other, lambda v: v.step(other) == "verified",
               lambda v: h.net.cut(other, "etcd", "%s verified" % other))
    rid = h.request_restart(h.coordinator(), LOCKSTEP)["id"]
    h.wait_fired("%s verified" % other, 5)
    h.wait_for("the restart was decided", lambda: h.decided(rid), 10)
    h.wait_for("%s is past its commit wait" % other, lambda: h.past_commit_wait(other), 10)
    h.wait_for("%s's lease expired in etcd" % other, lambda: other not in h.watch.latest.members, 6)
    h.heal()
    return ["P1", "P2", "P3"], 6


def lockstep_node_isolated_after_verified(h):
    """Defect 1. Lockstep; a node that is not the coordinator is cut from everything right after it reports
    `verified`, and healed once its commit wait is over (it reopened, or holds its gate closed, unable to learn the outcome). After the heal no client
    may get v after v+1, and every node must end on one version."""
    other = _pick_other(h)
    h.recorder.start()
    h.watch.on("%s verified" % other, lambda v: v.step(other) == "verified",
               lambda v: h.net.cut(other, "all", "%s verified" % other))
    rid = h.request_restart(h.coordinator(), LOCKSTEP)["id"]
    h.wait_fired("%s verified" % other, 5)
    h.wait_for("the restart was decided", lambda: h.decided(rid), 10)
    h.wait_for("the isolated %s is past its commit wait (seen from inside its namespace)" % other,
               lambda: h.past_commit_wait(other), 10)
    h.heal()
    return ["P1", "P2", "P3"], 6


def lockstep_coordinator_isolated_after_mark(h):
    """Lockstep; the coordinator is cut from its peers and clients when every node has reported `verified` (its
    commit push cannot reach anyone), and from etcd the moment etcd holds its commit mark: the others can learn the
    outcome only from etcd. Healed once a new coordinator took over and the old one reopened."""
    coord = h.coordinator()
    h.recorder.start()
    late = []

    def cut_etcd(v):
        h.net.cut(coord, "etcd", "commit mark written by %s" % coord)
        j = (h.cluster.etcd_range("/shardscope/pt/restart/current") or {}).get("/shardscope/pt/restart/current")
        if not j or '"committed"' not in j:
            late.append(j)
    h.watch.on("every node verified", lambda v: v.state() == "running" and len(v.reports) == len(h.cluster.nodes)
               and all(r.get("step") == "verified" for r in v.reports.values()),
               lambda v: h.net.cut(coord, "client", "every node verified"))
    h.watch.on("commit mark", lambda v: v.state() == "committed", cut_etcd)
    h.request_restart(h.others(coord)[0], LOCKSTEP)
    h.wait_fired("every node verified", 10)
    h.wait_fired("commit mark", 10)
    if late:
        raise RuntimeError("the coordinator was cut from etcd only after the restart had moved past the mark "
                           "(restart/current then: %s): the fault came too late to test this step" % late[0])
    h.wait_for("a new coordinator took over", lambda: h.watch.latest.leader not in (None, coord), 10)
    h.wait_for("the isolated coordinator is past its commit wait (seen from inside its namespace)",
               lambda: h.past_commit_wait(coord), 10)
    h.heal()
    return ["P1", "P2", "P3"], 6


def lockstep_etcd_isolated(h):
    """Lockstep; a 2 s sleep query holds every drain open; etcd is cut from every node as soon as every node
    reports `preparing` (mid-lockstep, in the drain), and healed once every node is past its commit wait and every lease expired.
    No mark can be written: every node must end on v, and the journal must say so after the heal."""
    h.sleeps_in_flight(2000)
    h.recorder.start()
    h.watch.on("every node draining", lambda v: v.state() == "running" and len(v.reports) == len(h.cluster.nodes)
               and all(r.get("step") == "preparing" for r in v.reports.values()),
               lambda v: h.net.cut("etcd", "etcd", "every node draining"))
    h.request_restart(h.coordinator(), LOCKSTEP)
    h.wait_fired("every node draining", 5)
    h.wait_for("every node is past its commit wait", lambda: all(h.past_commit_wait(n) for n in h.cluster.nodes), 12)
    h.wait_for("every lease expired in etcd", lambda: not h.watch.latest.members, 6)
    h.heal()
    return ["P1", "P2", "P3"], 6


def rolling_etcd_isolated(h):
    """Defect 3. Rolling; etcd is cut from every node (each node's etcd link) as soon as a node reports
    `restarting`. Once that node serves v+1 and every lease has expired, the other nodes' links heal first; the
    restarted node's link heals once a new coordinator is in office and has decided, or 3 s later. The restart must
    end with every node on one version and the journal saying so."""
    h.recorder.start()
    state = {}

    def cut(v):
        state["node"] = next(n for n, r in v.reports.items() if r.get("step") == "restarting")
        for n in h.cluster.nodes:
            h.net.cut(n, "etcd", "%s restarting" % state["node"])
    h.watch.on("a node restarting", _restarting, cut)
    rid = h.request_restart(h.coordinator(), ROLLING)["id"]
    h.wait_fired("a node restarting", 8)
    node = state["node"]
    h.wait_for("the restarting node serves v+1", lambda: h.version(node) == h.from_version + 1
               and h.cluster.node_get(node, "/v1/service/ready").status == 200, 10)
    h.wait_for("every lease expired in etcd", lambda: not h.watch.latest.members, 6)
    for n in h.others(node):
        h.net.heal(n, "etcd", "the others first")
    h.wait_for("a new coordinator other than %s" % node, lambda: h.watch.latest.leader not in (None, node), 6)
    h.wait_for("the restart was decided", lambda: h.decided(rid), 3)
    h.heal()
    return ["P2", "P3", "P4"], 8


def rolling_node_cut_from_clients(h):
    """Defect 4. Rolling, max_unavailable 1; the last node is cut from the client/peer network (not from etcd)
    before the restart, and healed when the restart reaches it, ends, or is done with every other node. Clients cannot reach it, so the restart must
    not take another node out meanwhile."""
    victim = h.cluster.nodes[-1]
    h.recorder.start()
    h.net.cut(victim, "client", "before the restart")
    h.wait_for("%s is unreachable from the client namespace" % victim,
               lambda: h.cluster.node_get(victim, "/v1/service/ready", timeout=0.3).status == 0, 3)
    rid = h.request_restart(h.cluster.nodes[0], ROLLING)["id"]
    _wait_until_rolling_reaches(h, rid, victim)
    h.heal()
    return ["P2", "P3", "P4"], 8


def rolling_node_cut_from_etcd(h):
    """Rolling; the last node is cut from etcd (not from clients) as soon as the first node reports `restarting`,
    and healed after its lease expired and the restart reached it, ended, or is done with every other node."""
    victim = h.cluster.nodes[-1]
    h.recorder.start()
    h.watch.on("a node restarting", _restarting, lambda v: h.net.cut(victim, "etcd", "first node restarting"))
    requester = h.coordinator() if h.coordinator() != victim else h.cluster.nodes[0]
    rid = h.request_restart(requester, ROLLING)["id"]
    h.wait_fired("a node restarting", 8)
    h.wait_for("%s's lease expired in etcd" % victim, lambda: victim not in h.watch.latest.members, 10)
    _wait_until_rolling_reaches(h, rid, victim)
    h.heal()
    return ["P2", "P3", "P4"], 8


def idle_split_restarts_on_both_sides(h):
    """Defect 5. An idle cluster is split: the last node is cut from etcd. A restart is requested on it at once (its
    etcd transaction times out) and, once its lease expired, one on the majority side. Both are refused; the link
    heals right after. A refused restart must never run."""
    victim = h.cluster.nodes[-1]
    majority = h.cluster.nodes[0]
    h.recorder.start()
    h.net.cut(victim, "etcd", "idle split")
    # Three at once: each is a transaction left in flight in the node's sockets to etcd when its 2 s timeout
    # answers 503 (any one of them that etcd applies after the heal shows the defect).
    minority = [h.request_async(victim, dict(ROLLING)) for _ in range(3)]
    h.wait_for("%s's lease expired in etcd" % victim, lambda: victim not in h.watch.latest.members, 8)
    h.wait_for("%s sees %s lost" % (majority, victim), lambda: any(
        x.get("id") == victim and x.get("state") == "lost"
        for x in (h.cluster.node_get(majority, "/v1/cluster/status").json() or {}).get("nodes", [])), 3)
    h.request_restart(majority, dict(LOCKSTEP))
    for th in minority:
        th.join(20) # a node re-reads etcd before it answers a write that got no answer
    h.heal()
    # A refused request can still be in flight: its bytes sit unacknowledged in the node's socket to etcd and are
    # retransmitted after the heal. Once nothing the node sent to etcd is unacknowledged, it has landed or is gone.
    h.wait_for("everything %s sent to etcd was acknowledged" % victim,
               lambda: h.net.unacked_bytes(victim, h.net.etcd_ip()) == 0, 15)
    target = h.watch.reads + 2
    h.wait_for("etcd was read twice since", lambda: h.watch.reads_since(target), 2)
    return ["P2", "P3", "P5"], 6


def _analysing(v):
    return v.state() == "running" and any(n.get("step") == "analysing" for n in (v.journal or {}).get("nodes", []))


def rolling_gate_canary_cut_from_clients_in_analysis(h):
    """Guarded rolling (canary 1); the canary is cut from the client/peer network (not from etcd) as soon as the
    journal has it `analysing`, and healed once the restart was decided. When another node coordinates, it cannot read
    the canary's figures: the gate must not pass (inconclusive stops), the canary must go back to v and no other node
    may restart. After the heal every node is on one version with the journal saying so."""
    h.recorder.start()
    state = {}

    def cut(v):
        state["canary"] = next(n["id"] for n in v.journal["nodes"] if n.get("step") == "analysing")
        state["coordinator"] = v.leader
        h.net.cut(state["canary"], "client", "canary %s analysing" % state["canary"])
    h.watch.on("the canary analysing", _analysing, cut)
    rid = h.request_restart(h.coordinator(), GATED)["id"]
    h.wait_fired("the canary analysing", 12)
    h.wait_for("the restart was decided", lambda: h.decided(rid), 25)
    h.heal()
    h.wait_for("the restart is in the history", lambda: h.finished(rid), 10)
    h.results.append(_gate_unseen_never_passes(h.journals().get(rid) or {}, state))
    return ["P2", "P3", "P4"], 8


def _gate_unseen_never_passes(journal, state):
    """G1: a gate never passes on figures its coordinator could not read."""
    r = checks.Result("G1", "a gate never passes a node whose figures its coordinator could not read")
    canary, coord = state.get("canary"), state.get("coordinator")
    nodes = {n.get("id"): n for n in journal.get("nodes", [])}
    gate = (nodes.get(canary) or {}).get("gate") or {}
    r.figures.append("canary %s (coordinator %s): gate %s: %s; restart %s: %s" % (
        canary, coord, gate.get("verdict"), gate.get("reason"), journal.get("state"), journal.get("reason")))
    if not journal:
        r.fail("restart not found in the history")
    elif canary == coord:
        r.figures.append("the canary coordinated (it reads its own figures): only P2-P4 apply")
    elif gate.get("verdict") == "passed":
        r.fail("the canary's gate passed although %s could not reach it" % coord)
    elif journal.get("state") != "rolled_back" or any(n.get("step") != "waiting" for i, n in nodes.items() if i != canary):
        r.fail("expected rolled_back with every other node still waiting: %s" % " ".join(
            "%s:%s" % (i, n.get("step")) for i, n in sorted(nodes.items())))
    return r


def lockstep_under_load_through_haproxy(h):
    """Defect 2. No fault: lockstep under load through HAProxy with a 2 s drain (a 2 s sleep query in flight on
    each node). The balancer must never be left without a server: 0 failed requests."""
    h.sleeps_in_flight(2000)
    h.recorder.start()
    rid = h.request_restart(h.coordinator(), LOCKSTEP)["id"]
    h.wait_for("the restart ended", lambda: h.finished(rid), 15)
    return ["P1", "P2", "P3"], 6


SCENARIOS = {f.__name__: f for f in (
    lockstep_coordinator_cut_from_etcd_in_drain,
    lockstep_other_cut_from_etcd_after_verified,
    lockstep_node_isolated_after_verified,
    lockstep_coordinator_isolated_after_mark,
    lockstep_etcd_isolated,
    rolling_etcd_isolated,
    rolling_node_cut_from_clients,
    rolling_node_cut_from_etcd,
    idle_split_restarts_on_both_sides,
    lockstep_under_load_through_haproxy,
    rolling_gate_canary_cut_from_clients_in_analysis,
)}

# Client threads per scenario: one straight to each node and two through HAProxy, more under load.
TARGETS = {"lockstep_under_load_through_haproxy": ("n0", "n1", "n2", "lb", "lb", "lb", "lb")}
