#!/usr/bin/env python3
"""Builds the Debian package with CPack into a throwaway dir and checks it as an operator
would meet it: its file list, control fields and scripts, the systemd unit, and the
extracted binary's --version and a headless start.

  check_deb.py --build-dir build --version 0.1.0 [--cpack cpack]
"""
import argparse
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

EXPECTED_FILES = [
    "./usr/bin/shardscope",
    "./usr/share/applications/shardscope.desktop",
    "./usr/share/icons/hicolor/64x64/apps/shardscope.png",
    "./usr/share/icons/hicolor/256x256/apps/shardscope.png",
    "./usr/lib/systemd/system/shardscope@.service",
    "./etc/shardscope/example.conf",
    "./usr/share/shardscope/prometheus/shardscope-alerts.yml",
    "./usr/share/shardscope/grafana/shardscope.json",
    "./usr/share/doc/shardscope/README.md",
    "./usr/share/doc/shardscope/copyright",
    "./usr/share/doc/shardscope/openapi.json",
    "./usr/share/doc/shardscope/docs/operating.md",
    "./usr/share/doc/shardscope/changelog.gz",
    "./usr/share/man/man1/shardscope.1.gz",
    "./usr/share/man/man1/shardscope-ctl.1.gz",
    "./usr/share/bash-completion/completions/shardscope",
    "./usr/share/metainfo/org.shardscope.shardscope.metainfo.xml",
]
problems = []


def check(ok, message):
    if not ok:
        problems.append(message)
    return ok


def run(*cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=kw.pop("timeout", 300), **kw).stdout


def build_package(build_dir, cpack, out):
    run(cpack, "-G", "DEB", "-B", out, "--config", os.path.join(build_dir, "CPackConfig.cmake"), cwd=build_dir)
    arch = run("dpkg", "--print-architecture").strip()
    return arch, [f for f in os.listdir(out) if f.endswith(".deb")]


def check_control(deb, version, tmp):
    fields = run("dpkg-deb", "-f", deb, "Package", "Version", "Depends")
    check("Package: shardscope" in fields, f"Package field: {fields}")
    check(f"Version: {version}" in fields, f"Version field: {fields}")
    depends = re.search(r"^Depends: (.*)$", fields, re.M)
    depends = depends.group(1) if depends else ""
    for lib in ("libqt6core6", "libqt6widgets6", "libqt6network6", "libspdlog1", "adduser", "qt6-qpa-plugins"):
        check(lib in depends, f"Depends lacks {lib}: {depends}")
    check(not re.search(r"-dev\b", depends), f"Depends names a -dev package: {depends}")
    control = os.path.join(tmp, "control")
    run("dpkg-deb", "-e", deb, control)
    with open(os.path.join(control, "conffiles")) as f:
        check("/etc/shardscope/example.conf" in f.read().split(), "example.conf is not a conffile")
    with open(os.path.join(control, "postinst")) as f:
        check("adduser --system" in f.read(), "postinst does not create the service user")
    # Units are started and stopped through deb-systemd-invoke, which asks policy-rc.d.
    for script in ("postinst", "prerm", "postrm"):
        with open(os.path.join(control, script)) as f:
            calls = [l for l in f.read().splitlines() if re.match(r"^(?:.+;)?\s*systemctl\b", l) and "daemon-reload" not in l]
        check(not calls, f"{script} calls systemctl directly: {calls}")
    fields = run("dpkg-deb", "-f", deb, "Maintainer")
    check(not re.search(r"@localhost\b", fields), f"Maintainer has no real address: {fields}")


def verify_unit(root):
    """systemd-analyze verify, with ExecStart pointed at the extracted binary: any
    complaint (an unknown key, a bad value) fails."""
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        print("systemd-analyze not installed: the unit's syntax is not verified")
        return
    with open(os.path.join(root, "usr/lib/systemd/system/shardscope@.service")) as f:
        text = f.read().replace("/usr/bin/shardscope", os.path.join(root, "usr/bin/shardscope"))
    unit = os.path.join(root, "shardscope@main.service")
    with open(unit, "w") as f:
        f.write(text)
    r = subprocess.run([analyze, "verify", "--man=no", unit], capture_output=True, text=True, timeout=60)
    check(r.returncode == 0 and not (r.stdout + r.stderr).strip(), f"systemd-analyze verify: {r.stdout}{r.stderr}")


def check_unit(root):
    with open(os.path.join(root, "usr/lib/systemd/system/shardscope@.service")) as f:
        unit = dict(re.findall(r"^(\w+)=(.*)$", f.read(), re.M))
    for key, want in (("Type", "notify"), ("User", "shardscope"), ("Restart", "on-failure"), ("KillSignal", "SIGTERM"),
                      ("EnvironmentFile", "/etc/shardscope/%i.conf")):
        check(unit.get(key) == want, f"unit: {key}={unit.get(key)}, expected {want}")
    check("--headless" in unit.get("ExecStart", ""), "unit: ExecStart does not run --headless")
    verify_unit(root)
    with open(os.path.join(root, "etc/shardscope/example.conf")) as f:
        drain = re.search(r"--drain-timeout-ms (\d+)", f.read())
    stop = re.fullmatch(r"(\d+)s", unit.get("TimeoutStopSec", ""))
    if check(drain and stop, "example.conf's --drain-timeout-ms or the unit's TimeoutStopSec=<n>s is missing"):
        check(int(stop.group(1)) * 1000 > int(drain.group(1)) + 5000,
              f"TimeoutStopSec {stop.group(1)} s does not outlast the drain timeout {drain.group(1)} ms")


def check_desktop_entry(root):
    """The menu entry starts the packaged binary and names an icon the package ships."""
    with open(os.path.join(root, "usr/share/applications/shardscope.desktop")) as f:
        entry = dict(re.findall(r"^(\w+)=(.*)$", f.read(), re.M))
    check(entry.get("Type") == "Application" and entry.get("Exec", "").split()[:1] == ["shardscope"],
          f"desktop entry: Type={entry.get('Type')} Exec={entry.get('Exec')}")
    icon = os.path.join(root, "usr/share/icons/hicolor/256x256/apps", entry.get("Icon", "") + ".png")
    check(os.path.isfile(icon), f"desktop entry: Icon={entry.get('Icon')} is not in the package")


def check_binary(root, version, tmp):
    binary = os.path.join(root, "usr/bin/shardscope")
    out = run(binary, "--version", timeout=30).strip()
    check(re.fullmatch(rf"shardscope {re.escape(version)} \(commit [0-9a-f]{{12}}(-dirty)?\)", out), f"--version printed '{out}'")
    env = dict(os.environ, HOME=tmp)
    proc = subprocess.Popen([binary, "--headless", "--shards", "2", "--listen", "127.0.0.1:0"], cwd=tmp, env=env,
                            stdout=subprocess.PIPE, text=True)
    try:
        url, deadline = None, time.monotonic() + 20
        while url is None and time.monotonic() < deadline and proc.poll() is None:
            if select.select([proc.stdout], [], [], 0.2)[0]:
                m = re.search(r"listening on (http://\S+) \(2 shards\)", proc.stdout.readline())
                url = m and m.group(1)
        if check(url, "the extracted binary did not start listening"):
            with urllib.request.urlopen(url + "/v1/service/ready", timeout=10) as r:
                check(r.status == 200, f"/v1/service/ready answered {r.status}")
    finally:
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=20)
    check(rc == 0, f"the extracted binary exited {rc} on SIGTERM")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--cpack", default="cpack")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        arch, debs = build_package(os.path.abspath(args.build_dir), args.cpack, os.path.join(tmp, "out"))
        name = f"shardscope_{args.version}_{arch}.deb"
        if debs != [name]:
            sys.exit(f"cpack made {debs}, expected [{name}]")
        deb = os.path.join(tmp, "out", name)
        contents = run("dpkg-deb", "--contents", deb)
        paths = {line.split()[-1] for line in contents.splitlines()}
        for path in EXPECTED_FILES:
            check(path in paths, f"{name} lacks {path}")
        check_control(deb, args.version, tmp)
        root = os.path.join(tmp, "root")
        run("dpkg-deb", "-x", deb, root)
        check_unit(root)
        check_desktop_entry(root)
        check_binary(root, args.version, tmp)
        size = os.path.getsize(deb) // 1024
    if problems:
        sys.exit("\n".join(problems))
    print(f"{name}: {size} KiB, {len(EXPECTED_FILES)} expected files, control, unit and binary checked")


if __name__ == "__main__":
    main()
