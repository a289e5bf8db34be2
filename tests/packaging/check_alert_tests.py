#!/usr/bin/env python3
"""Every alert in the rule file has a promtool case where it fires and one where it does not."""
import re
import sys

rules, cases = (open(path, encoding="utf-8").read() for path in sys.argv[1:3])
alerts = re.findall(r"^\s*- alert:\s*(\S+)", rules, re.M)
if not alerts:
    sys.exit(f"no alerts found in {sys.argv[1]}")
# Each `alertname:` block up to the next one: either `exp_alerts: []` or a list of alerts.
blocks = re.findall(r"alertname:\s*(\S+)\s*\n\s*exp_alerts:\s*(\[\])?", cases)
missing = []
for name in alerts:
    kinds = {empty == "[]" for alert, empty in blocks if alert == name}
    if True not in kinds:
        missing.append(f"{name}: no case where it does not fire")
    if False not in kinds:
        missing.append(f"{name}: no case where it fires")
if missing:
    sys.exit("\n".join(missing))
print(f"{len(alerts)} alerts, each with a firing and a quiet case")
