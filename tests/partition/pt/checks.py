"""Properties checked on a recorded history. Each returns a Result: held or not, figures, offending lines."""


class Result:
    def __init__(self, name, title):
        self.name = name
        self.title = title
        self.held = True
        self.figures = []
        self.lines = []

    def fail(self, why):
        self.held = False
        self.figures.append("FAILED: " + why)

    def report(self, max_lines=12):
        out = ["%s %s: %s" % (self.name, "held" if self.held else "FAILED", self.title)]
        out += ["    " + f for f in self.figures]
        if self.lines:
            out.append("    offending history (%d line%s, first %d):" % (len(self.lines), "" if len(self.lines) == 1 else "s",
                                                                          min(max_lines, len(self.lines))))
            out += ["      " + l for l in self.lines[:max_lines]]
        return "\n".join(out)


def p1_lockstep(ops, t_base):
    """No reply carrying v to a request sent after any reply carrying v+1 (or newer) was received."""
    r = Result("P1", "lockstep: no reply on v to a request sent after a reply on v+1 was received")
    replies = [o for o in ops if o.status == 200 and isinstance(o.version, (int, float))]
    if not replies:
        r.fail("no reply carried a version")
        return r
    versions = sorted({int(o.version) for o in replies})
    first_at = {}  # version w -> earliest reply time of a reply on w or newer
    for w in versions:
        first_at[w] = min(o.t1 for o in replies if int(o.version) >= w)
    bad = []
    for o in replies:
        newer = [w for w in versions if w > int(o.version)]
        if newer and o.t0 > first_at[newer[0]]:
            bad.append(o)
    counts = {w: sum(1 for o in replies if int(o.version) == w) for w in versions}
    r.figures.append("%d replies with a version: %s" % (len(replies), ", ".join("v%d: %d" % (w, c) for w, c in counts.items())))
    for w in versions[1:]:
        first = min((o for o in replies if int(o.version) >= w), key=lambda o: o.t1)
        r.figures.append("first reply on v%d+ at %.3f s (%s)" % (w, first.t1 - t_base, first.target))
    if bad:
        bad.sort(key=lambda o: o.t0)
        by_target = {}
        for o in bad:
            by_target[o.target] = by_target.get(o.target, 0) + 1
        r.fail("%d replies on an older version to requests sent after a newer version was seen (by target: %s); "
               "last one sent at %.3f s" % (len(bad), by_target, bad[-1].t0 - t_base))
        r.lines = [o.line(t_base) for o in bad]
    return r


def p2_nothing_lost(ops, net, t_base, timeout):
    """Every request answered: 200, or a node's 503 with Retry-After (counted apart). A request sent straight to a
    node whose client link was down, or through HAProxy while in flight at the moment a node's client link went down,
    is counted as 'cut by the partition' (no system can answer it), everything else unanswered or failed is lost."""
    r = Result("P2", "no request lost (every request answered; a node's 503 with Retry-After counted apart)")
    kinds = {"ok": 0, "retry": 0, "cut": 0, "noreply": 0, "error": 0, "lb_error": 0}
    cut_times = []
    for port in net.port_history:
        if port.endswith("-c") and port != "cl-c":
            cut_times += net.cut_times(port)
    failed = []
    for o in ops:
        k = o.outcome()
        if k not in ("ok", "retry"):
            end = o.t1 if o.t1 is not None else o.t0 + timeout
            if o.target != "lb" and net.port_down_during(o.target + "-c", o.t0, end):
                k = "cut"
            elif o.target == "lb" and any(o.t0 <= t <= end for t in cut_times):
                k = "cut"
        kinds[k] += 1
        if k in ("noreply", "error", "lb_error"):
            failed.append(o)
    r.figures.append("%d requests: %d answered 200, %d answered 503 + Retry-After by a node, %d cut by the partition; "
                     "lost: %d unanswered, %d node errors, %d HAProxy errors" % (
                         len(ops), kinds["ok"], kinds["retry"], kinds["cut"], kinds["noreply"], kinds["error"], kinds["lb_error"]))
    lb = [o for o in ops if o.target == "lb"]
    r.figures.append("through HAProxy: %d requests, %d failed" % (len(lb), sum(1 for o in failed if o.target == "lb")))
    if failed:
        failed.sort(key=lambda o: o.t0)
        r.fail("%d requests lost or failed (first sent at %.3f s, last at %.3f s)" % (
            len(failed), failed[0].t0 - t_base, failed[-1].t0 - t_base))
        r.lines = [o.line(t_base) for o in failed]
    return r


def unavailable_intervals(samples, t_end):
    """Where a node was unavailable as a balancer sees it: from the first of two or more failed readiness probes in a
    row (HAProxy's fall 2) until the next successful probe."""
    out = []
    run_start, run_len = None, 0
    for t0, _t1, ok, _status in samples:
        if ok:
            if run_len >= 2:
                out.append((run_start, t0))
            run_start, run_len = None, 0
        else:
            if run_len == 0:
                run_start = t0
            run_len += 1
    if run_len >= 2:
        out.append((run_start, t_end))
    return out


def p4_rolling(probes, max_unavailable, t_base, t_end, min_overlap=0.1):
    r = Result("P4", "rolling: never more than max_unavailable=%d nodes unavailable as a client sees them" % max_unavailable)
    intervals = {n: unavailable_intervals(s, t_end) for n, s in probes.items()}
    events = []
    for n, iv in intervals.items():
        for a, b in iv:
            events.append((a, 1, n))
            events.append((b, -1, n))
    events.sort()
    down = set()
    worst, over, longest, over_lines = 0, 0.0, 0.0, []
    start = None
    for t, d, n in events:
        (down.add if d > 0 else down.discard)(n)
        if len(down) > max_unavailable and start is None:
            start, who = t, sorted(down)
        elif len(down) <= max_unavailable and start is not None:
            over += t - start
            longest = max(longest, t - start)
            if t - start >= min_overlap:
                over_lines.append("%.3f..%.3f s (%.2f s): %s unavailable together" % (start - t_base, t - t_base, t - start, ", ".join(who)))
            start = None
        worst = max(worst, len(down))
    for n, iv in sorted(intervals.items()):
        total = sum(b - a for a, b in iv)
        r.figures.append("%s unavailable %.2f s in %d stretch(es)%s" % (
            n, total, len(iv), "" if not iv else ": " + ", ".join("%.2f..%.2f" % (a - t_base, b - t_base) for a, b in iv[:4])))
    r.figures.append("most nodes unavailable at once: %d; %.2f s in total above %d (longest %.2f s)" % (worst, over, max_unavailable, longest))
    if over_lines:
        r.fail("%d stretch(es) of at least %.1f s with more than %d node(s) unavailable" % (len(over_lines), min_overlap, max_unavailable))
        r.lines = over_lines
    return r


def p5_refusals_true(requests, journals, t_base):
    """A restart request answered with a refusal (503, 409, ...) never runs later."""
    r = Result("P5", "a restart answered with a refusal never runs")
    # A refusal is an answer that says nothing ran: not a request left unanswered, nor one answered "outcome
    # unknown" (the node says its etcd write may still land, and how to check).
    refused = [q for q in requests if q["status"] and q["status"] not in (200, 202)
               and "outcome unknown" not in q.get("answer", "")]
    r.figures.append("%d restart requests: %s" % (len(requests), ", ".join(
        "%s->%s %s" % (q["node"], q["status"] or "no answer", q.get("answer", "")[:90]) for q in requests)))
    shown = set()
    for q in refused:
        for jid, j in journals.items():
            if jid in shown:
                continue
            created = j.get("created_ms") or 0
            if j.get("accepted_by") == q["node"] and q["wall_sent_ms"] - 50 <= created <= q["wall_replied_ms"] + 50:
                r.fail("the request to %s answered %s ran anyway as restart %s (%s, state %s)" % (
                    q["node"], q["status"] or "nothing", jid, j.get("strategy"), j.get("state")))
                shown.add(jid)
                r.lines.append("restart %s: created_ms %d, accepted_by %s, state %s, reason %s" % (
                    jid, created, j.get("accepted_by"), j.get("state"), j.get("reason")))
    return r
