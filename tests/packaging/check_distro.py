#!/usr/bin/env python3
"""The .deb checked with the tools a distribution uses. `build` makes the package with
CPack and unpacks it (the fixture the other checks share); each other command checks one
part of what it unpacked, as Debian and desktop tools would.

  check_distro.py build      --dir D --build-dir B --cpack cpack
  check_distro.py lintian    --dir D        no error, no warning (overrides need a reason)
  check_distro.py appstream  --dir D        appstreamcli validate --no-net, and its content
  check_distro.py desktop    --dir D        desktop-file-validate prints nothing
  check_distro.py man        --dir D        both pages render under man --warnings, with
                                            every option --help prints and their sections
  check_distro.py completion --dir D        bash-completion finds and loads the completion;
                                            it offers every option of both --help outputs
  check_distro.py maintscripts --dir D      (root) postinst and prerm under a pretend systemd:
                                            units move through deb-systemd-invoke, which
                                            obeys policy-rc.d; exit 77 (skipped) when not root
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

problems = []


def check(ok, message):
    if not ok:
        problems.append(message)
    return ok


def run(*cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=kw.pop("timeout", 300), **kw)


def deb_of(d):
    debs = glob.glob(os.path.join(d, "out", "*.deb"))
    if len(debs) != 1:
        sys.exit(f"expected one .deb in {d}/out (run the deb_checks_build test first), found {debs}")
    return debs[0]


def root_of(d):
    return os.path.join(d, "root")


def binary(d):
    return os.path.join(root_of(d), "usr/bin/shardscope")


def cmd_build(args):
    shutil.rmtree(args.dir, ignore_errors=True)
    os.makedirs(args.dir)
    r = run(args.cpack, "-G", "DEB", "-B", os.path.join(args.dir, "out"), "--config",
            os.path.join(args.build_dir, "CPackConfig.cmake"), cwd=args.build_dir)
    if r.returncode != 0:
        sys.exit(f"cpack failed: {r.stdout}{r.stderr}")
    r = run("dpkg-deb", "-x", deb_of(args.dir), root_of(args.dir))
    if r.returncode != 0:
        sys.exit(f"dpkg-deb -x failed: {r.stderr}")
    print(f"built and unpacked {os.path.basename(deb_of(args.dir))}")


def cmd_lintian(args):
    r = run("lintian", "--fail-on", "error,warning", "--display-level", ">=warning", deb_of(args.dir))
    lines = [l for l in r.stdout.splitlines() if re.match(r"^[EW]: ", l)]
    check(r.returncode == 0 and not lines, f"lintian (exit {r.returncode}):\n{r.stdout}{r.stderr}")
    overrides = os.path.join(root_of(args.dir), "usr/share/lintian/overrides/shardscope")
    if os.path.exists(overrides):
        previous = ""
        for line in open(overrides).read().splitlines():
            if line.strip() and not line.startswith("#"):
                check(previous.startswith("#"), f"lintian override without a comment giving its reason: {line}")
            previous = line
    return "lintian: no error, no warning"


def cmd_appstream(args):
    root = root_of(args.dir)
    files = glob.glob(os.path.join(root, "usr/share/metainfo/*.metainfo.xml"))
    if not check(len(files) == 1, f"expected one metainfo file, found {files}"):
        return
    r = run("appstreamcli", "validate", "--no-net", "--pedantic", files[0])
    issues = [l for l in r.stdout.splitlines() if re.match(r"^[EWIP]: ", l)]
    check(r.returncode == 0 and not issues, f"appstreamcli validate (exit {r.returncode}):\n{r.stdout}{r.stderr}")
    c = ET.parse(files[0]).getroot()
    cid = c.findtext("id")
    check(os.path.basename(files[0]) == f"{cid}.metainfo.xml", f"metainfo file name does not match its id {cid}")
    check(re.fullmatch(r"[a-z]+(\.[a-z0-9]+){2,}", cid or ""), f"id is not reverse-DNS: {cid}")
    launch = c.findtext("launchable[@type='desktop-id']")
    check(launch and os.path.isfile(os.path.join(root, "usr/share/applications", launch)),
          f"launchable {launch} is not a desktop file in the package")
    check(c.findtext("project_license"), "no project_license")
    check(len(c.findall("description/p")) >= 2, "the description has fewer than two paragraphs")
    shots = c.findall("screenshots/screenshot/image")
    check(len(shots) >= 1 and all(s.text.startswith("https://") for s in shots), "no https screenshot")
    return f"appstream: {cid} valid, launches {launch}, {len(shots)} screenshots"


def cmd_desktop(args):
    entry = os.path.join(root_of(args.dir), "usr/share/applications/shardscope.desktop")
    r = run("desktop-file-validate", entry)
    check(r.returncode == 0 and not (r.stdout + r.stderr).strip(), f"desktop-file-validate:\n{r.stdout}{r.stderr}")
    return "desktop entry: valid, no hints"


def options_in(help_text):
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", help_text))


def help_of(d, *extra):
    r = run(binary(d), *extra, "--help", timeout=30)
    if r.returncode != 0:
        sys.exit(f"shardscope {' '.join(extra)} --help exited {r.returncode}")
    return r.stdout


def cmd_man(args):
    pages = {
        "shardscope": ((), ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "SIGNALS", "EXIT STATUS", "ENVIRONMENT", "FILES"]),
        "shardscope-ctl": (("ctl",), ["NAME", "SYNOPSIS", "COMMANDS", "OPTIONS", "ENVIRONMENT", "EXIT STATUS"]),
    }
    env = dict(os.environ, MANWIDTH="100", LC_ALL="C.UTF-8", MAN_KEEP_FORMATTING="")
    for name, (extra, sections) in pages.items():
        usage = help_of(args.dir, *extra).splitlines()[0]
        check(usage.startswith(f"Usage: shardscope {' '.join(extra)}".rstrip() + " "), f"--help's first line: {usage}")
        page = os.path.join(root_of(args.dir), f"usr/share/man/man1/{name}.1.gz")
        if not check(os.path.isfile(page), f"{name}(1) is not in the package"):
            continue
        r = run("man", "--warnings", "-l", page, env=env)
        check(r.returncode == 0 and not r.stderr.strip(), f"man -l {name}.1.gz: exit {r.returncode}: {r.stderr}")
        text = re.sub(r".\x08", "", r.stdout)
        # man hyphenates long words at line ends; join them back before looking for options.
        text = re.sub(r"[\u2010-](\n\s+)", "", text.replace("\u2010", "-"))
        found = [l.strip() for l in text.splitlines() if re.match(r"^[A-Z][A-Z ]+$", l)]
        for s in sections:
            check(s in found, f"{name}(1) has no {s} section (it has {found})")
        missing = sorted(options_in(help_of(args.dir, *extra)) - options_in(text))
        check(not missing, f"{name}(1) lacks options its --help prints: {missing}")
    return "man pages: shardscope(1) and shardscope-ctl(1) render without warnings and carry every option"


COMPLETE = r"""
source /usr/share/bash-completion/bash_completion
__load_completion shardscope || { echo "bash-completion found no completion for shardscope" >&2; exit 1; }
while IFS= read -r line; do
  read -r -a COMP_WORDS <<< "$line"
  [[ $line == *" " ]] && COMP_WORDS+=("")
  COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMP_LINE=$line; COMP_POINT=${#line}; COMPREPLY=()
  func=$(complete -p shardscope | sed -n 's/.*-F \([^ ]*\).*/\1/p')
  "$func" shardscope "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
  echo "${COMPREPLY[*]}"
done
"""


def complete(d, lines):
    """What bash offers for each command line, with bash-completion loading the package's
    completion from where it installs it (XDG_DATA_DIRS points at the unpacked /usr/share)."""
    env = dict(os.environ, XDG_DATA_DIRS=os.path.join(root_of(d), "usr/share"), BASH_COMPLETION_USER_DIR="/nonexistent")
    r = run("bash", "--norc", "--noprofile", "-c", COMPLETE, input="\n".join(lines) + "\n", env=env, timeout=60)
    if r.returncode != 0:
        sys.exit(f"bash completion failed: {r.stderr}")
    return [set(out.split()) for out in r.stdout.splitlines()]


def cmd_completion(args):
    d = args.dir
    main_opts, ctl_opts = options_in(help_of(d)), options_in(help_of(d, "ctl"))
    cases = {
        "shardscope ": None, "shardscope --": None, "shardscope ctl ": None, "shardscope ctl restart --": None,
        "shardscope ctl cluster ": None, "shardscope ctl cluster restart --": None, "shardscope ctl events --": None,
        "shardscope ctl shards --": None, "shardscope ctl --url http://h:1 restart --mode ": None,
        "shardscope ctl cluster restart --strategy ": None, "shardscope ctl restart --admission ": None,
        "shardscope ctl restart --drain-policy ": None, "shardscope --restart-mode ": None, "shardscope --transport ": None,
        "shardscope --log-level ": None, "shardscope --admission ": None, "shardscope --drain-policy ": None,
        "shardscope --threads ": None, "shardscope ctl cluster restart --strategy rolling --w": None,
    }
    for line, got in zip(cases, complete(d, list(cases))):
        cases[line] = got
    check("ctl" in cases["shardscope "], f"'shardscope ' does not offer ctl: {cases['shardscope ']}")
    missing = main_opts - cases["shardscope --"]
    check(not missing, f"'shardscope --' lacks options --help prints: {sorted(missing)}")
    check(not cases["shardscope --"] - main_opts, f"'shardscope --' offers options --help does not print: "
                                                   f"{sorted(cases['shardscope --'] - main_opts)}")
    check({"status", "shards", "restart", "events", "stop", "start", "cluster"} <= cases["shardscope ctl "],
          f"ctl commands: {cases['shardscope ctl ']}")
    cluster_cmds = set(re.findall(r"^\s+cluster ([a-z]+)", help_of(d, "ctl"), re.M))
    check(cluster_cmds == cases["shardscope ctl cluster "] - {o for o in ctl_opts},
          f"ctl cluster commands: {cases['shardscope ctl cluster ']}, ctl --help lists {cluster_cmds}")
    offered = set().union(*(v for k, v in cases.items() if k.startswith("shardscope ctl") and k.endswith("--")),
                          cases["shardscope ctl "])
    check(not ctl_opts - offered, f"ctl completion lacks options ctl --help prints: {sorted(ctl_opts - offered)}")
    check(not (offered & {o for o in offered if o.startswith("--")}) - ctl_opts,
          f"ctl completion offers options ctl --help does not print: {sorted({o for o in offered if o.startswith('--')} - ctl_opts)}")
    # Enum values: ctl --help writes them as the option's value name (--strategy rolling|lockstep).
    for option, values in re.findall(r"^\s+(--[a-z-]+) ([a-z-]+(?:\|[a-z-]+)+)\s", help_of(d, "ctl"), re.M):
        line = next(k for k in cases if k.endswith(f"{option} "))
        check(cases[line] == set(values.split("|")), f"'{line}' offers {cases[line]}, ctl --help says {values}")
    for line, want in (("shardscope --restart-mode ", {"phased", "legacy"}), ("shardscope --transport ", {"auto", "stream", "poll"}),
                       ("shardscope --admission ", {"hold", "reject"}), ("shardscope --drain-policy ", {"abort", "force"}),
                       ("shardscope --threads ", {"per-shard"}),
                       ("shardscope --log-level ", {"trace", "debug", "info", "warn", "error", "critical", "off"}),
                       ("shardscope ctl cluster restart --strategy rolling --w", {"--wait"})):
        check(cases[line] == want, f"'{line}' offers {cases[line]}, expected {want}")
    return f"bash completion: loaded by bash-completion, {len(main_opts)} + {len(ctl_opts)} options, enum values checked"


FAKE = """#!/bin/sh
echo "$(basename "$0") $*" >> "{log}"
exit 0
"""

# Runs a maintainer script in a private mount namespace whose /run says systemd is up and
# whose /usr/sbin holds only the policy-rc.d under test (none when POLICY is empty), with
# systemctl and the user tools replaced by loggers; deb-systemd-invoke is the real one.
SANDBOX = r"""
mount -t tmpfs none /run && mkdir -p /run/systemd/system && mount -t tmpfs none /usr/sbin || exit 90
if [ -n "$POLICY" ]; then printf '#!/bin/sh\nexit %s\n' "$POLICY" > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; fi
exec "$@"
"""


def run_script(control, tmp, script, args, policy):
    run_script.count = getattr(run_script, "count", 0) + 1
    log = os.path.join(tmp, f"{script}-{run_script.count}.log")
    fakebin = os.path.join(tmp, f"bin-{run_script.count}")
    os.makedirs(fakebin)
    for tool in ("systemctl", "getent", "adduser", "deluser"):
        with open(os.path.join(fakebin, tool), "w") as f:
            f.write(FAKE.format(log=log))
        os.chmod(os.path.join(fakebin, tool), 0o755)
    env = dict(os.environ, PATH=f"{fakebin}:/usr/bin:/bin", POLICY="" if policy is None else str(policy))
    env.pop("DPKG_ROOT", None)
    r = run("unshare", "--mount", "sh", "-c", SANDBOX, "sandbox", os.path.join(control, script), *args, env=env)
    check(r.returncode == 0, f"{script} {' '.join(args)} exited {r.returncode}: {r.stderr}")
    return open(log).read().splitlines() if os.path.exists(log) else []


def cmd_maintscripts(args):
    if os.geteuid() != 0:
        print("skipped: needs root (a private mount namespace for /run)")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as tmp:
        control = os.path.join(tmp, "control")
        run("dpkg-deb", "-e", deb_of(args.dir), control)
        calls = run_script(control, tmp, "prerm", ["remove"], None)
        check("systemctl stop shardscope@*.service" in calls, f"prerm remove did not stop the instances: {calls}")
        calls = run_script(control, tmp, "prerm", ["remove"], 101)
        check(not [c for c in calls if "stop" in c], f"prerm stopped units that policy-rc.d forbade: {calls}")
        calls = run_script(control, tmp, "postinst", ["configure", "0.0.9"], 101)
        check("systemctl --system daemon-reload" in calls, f"postinst did not reload systemd: {calls}")
        check(not [c for c in calls if "try-restart" in c], f"postinst restarted units that policy-rc.d forbade: {calls}")
        calls = run_script(control, tmp, "postinst", ["configure", "0.0.9"], None)
        check("systemctl try-restart shardscope@*.service" in calls,
              f"an upgrade did not restart the running instances: {calls}")
        calls = run_script(control, tmp, "postinst", ["configure", ""], None)
        check(not [c for c in calls if "restart" in c], f"a first install restarted something: {calls}")
    return "maintainer scripts: prerm stops and an upgrade restarts the instances through deb-systemd-invoke, " \
           "which obeys policy-rc.d"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["build", "lintian", "appstream", "desktop", "man", "completion", "maintscripts"])
    ap.add_argument("--dir", required=True)
    ap.add_argument("--build-dir")
    ap.add_argument("--cpack", default="cpack")
    args = ap.parse_args()
    summary = globals()["cmd_" + args.command](args)
    if problems:
        sys.exit("\n".join(problems))
    if summary:
        print(summary)


if __name__ == "__main__":
    main()
