#!/usr/bin/env python3
"""The Grafana dashboard parses, and every PromQL expression in it and in the alert rules
names only metrics that a real `shardscope --headless` exports on /metrics.

  check_promql_metrics.py --binary build/app/shardscope --dashboard D.json --rules R.yml
"""
import argparse
import json
import re
import select
import subprocess
import sys
import tempfile
import time
import urllib.request

import yaml

# Series that Prometheus makes itself, not the service.
PROMETHEUS_SERIES = {"up", "ALERTS", "ALERTS_FOR_STATE"}
KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
            "offset", "bool", "inf", "nan", "atan2"}


def metric_names(expr):
    """Metric names an expression selects: identifiers that are not functions, keywords,
    label names in braces or grouping clauses, durations or Grafana variables."""
    e = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)            # string literals
    e = re.sub(r"\$\{[^}]*\}|\$\w+", "1", e)                 # Grafana variables
    e = re.sub(r"\{[^}]*\}", "", e)                           # label matchers
    e = re.sub(r"\[[^\]]*\]", "", e)                          # ranges and subqueries
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", e)
    names = set()
    for m in re.finditer(r"[a-zA-Z_:][a-zA-Z0-9_:]*", e):
        word, rest = m.group(0), e[m.end():].lstrip()
        if word.lower() in KEYWORDS or rest.startswith("("):
            continue
        if re.match(r"^\d", word) or (m.start() > 0 and (e[m.start() - 1].isdigit() or e[m.start() - 1] == ".")):
            continue                                          # 1e3, 0.8, 10m
        names.add(word)
    return names


def self_test():
    got = metric_names('sum by (phase, le) (rate(shardscope_x_bucket{job="a",le=~"0.5"}[5m])) '
                       '/ on (instance) group_left shardscope_y offset 10m > 0.8 and up{job="$job"} == 1e3')
    want = {"shardscope_x_bucket", "shardscope_y", "up"}
    if got != want:
        sys.exit(f"self-test: metric_names found {sorted(got)}, expected {sorted(want)}")


def exported_metrics(binary):
    """Starts the service on a free port in a throwaway dir and reads /metrics' families."""
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen([binary, "--headless", "--shards", "2", "--listen", "127.0.0.1:0",
                                 "--audit-file", f"{tmp}/audit.jsonl"], stdout=subprocess.PIPE, text=True)
        try:
            url, deadline = None, time.monotonic() + 20
            while url is None and time.monotonic() < deadline and proc.poll() is None:
                if select.select([proc.stdout], [], [], 0.2)[0]:
                    m = re.search(r"listening on (http://\S+)", proc.stdout.readline())
                    url = m and m.group(1)
            if url is None:
                sys.exit(f"{binary} did not start listening within 20 s")
            with urllib.request.urlopen(url + "/metrics", timeout=10) as r:
                text = r.read().decode()
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    names = set()
    for name, kind in re.findall(r"^# TYPE (\S+) (\S+)$", text, re.M):
        names.add(name)
        if kind == "histogram":
            names |= {name + "_bucket", name + "_sum", name + "_count"}
    if len(names) < 10:
        sys.exit(f"/metrics declared only {sorted(names)}")
    return names


def dashboard_expressions(path):
    """(where, expr) for every query in the dashboard: panels (and rows' panels), the
    template variables and the annotations."""
    with open(path, encoding="utf-8") as f:
        dash = json.load(f)
    out = []
    panels = list(dash.get("panels", []))
    while panels:
        p = panels.pop(0)
        panels += p.get("panels", [])
        if p.get("type") == "row":
            continue
        targets = [t["expr"] for t in p.get("targets", []) if t.get("expr")]
        if not targets:
            sys.exit(f"{path}: panel '{p.get('title')}' has no PromQL query")
        out += [(f"panel '{p.get('title')}'", e) for e in targets]
    for v in dash.get("templating", {}).get("list", []):
        q = v.get("query")
        q = q.get("query") if isinstance(q, dict) else q
        m = re.match(r"\s*label_values\((.*),\s*\w+\)\s*$", q or "")
        if m:
            out.append((f"variable ${v['name']}", m.group(1)))
    out += [(f"annotation '{a.get('name')}'", a["expr"]) for a in dash.get("annotations", {}).get("list", []) if a.get("expr")]
    return out


def rule_expressions(path):
    with open(path, encoding="utf-8") as f:
        groups = yaml.safe_load(f)["groups"]
    rules = [r for g in groups for r in g["rules"]]
    return ([(f"rule {r.get('alert') or r.get('record')}", str(r["expr"])) for r in rules],
            {r["record"] for r in rules if "record" in r})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--dashboard", required=True)
    ap.add_argument("--rules", required=True)
    args = ap.parse_args()
    self_test()
    exprs = dashboard_expressions(args.dashboard)
    rule_exprs, recorded = rule_expressions(args.rules)
    known = exported_metrics(args.binary) | PROMETHEUS_SERIES | recorded
    problems, used = [], set()
    for where, expr in exprs + rule_exprs:
        names = metric_names(expr)
        if not names:
            problems.append(f"{where}: no metric in '{expr}'")
        used |= names
        problems += [f"{where}: '{n}' is not on /metrics" for n in sorted(names - known)]
    if problems:
        sys.exit("\n".join(problems))
    print(f"{len(exprs)} dashboard and {len(rule_exprs)} rule expressions; {len(used)} metrics, all on /metrics")


if __name__ == "__main__":
    main()
