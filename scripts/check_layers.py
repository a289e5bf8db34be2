#!/usr/bin/env python3
"""Checks ShardScope's house rules on its sources, from the include graph alone.

  scripts/check_layers.py [--root DIR]
  scripts/check_layers.py --self-test   # plants each kind of finding in a temp tree

Fails (exit 1, one line per finding) on:
  - an include that runs upward between layers (app > views > model > backend) or
    reaches a layer it must not see (views never include backend headers);
  - an include that runs upward between rooms of a layer (the order below);
  - a protocol file (backend/types, backend/wire) that includes anything else;
  - an include cycle between units (a header and its source are one unit, so
    A.cpp -> B.h plus B.cpp -> A.h is a cycle);
  - a source file over 500 lines;
  - an include of a project header that does not exist.
"""
import argparse
import os
import re
import sys

MAX_LINES = 500

# Lower layers first. A file may include its own layer and the layers it names.
LAYERS = {
    "backend": {"backend"},
    "model": {"model", "backend"},
    "views": {"views", "model"},
    "app": {"app", "views", "model", "backend"},
}

# Rooms inside a layer, lowest first: a room includes only itself and rooms before it.
# "" is a file directly in the layer's folder (backend/ShardService: the front door).
ROOMS = {
    "backend": ["types", "wire", "record", "actors", "runtime", "core", "restart", "", "cluster", "http"],
    "model": ["client", "shards", "events", "history", "restart", "workload", "console", "cluster", "fleet"],
    # views: the shared widgets in the front, then rooms by what the operator looks at,
    # then the two windows (WINDOW_FILES), which may include every room.
    "views": ["", "fleet", "windows"],
}
# Files directly in views/ that are windows: their room is "windows", the highest.
WINDOW_FILES = ("views/MainWindow.", "views/ClusterWindow.")
PROTOCOL_ROOMS = {("backend", "types"), ("backend", "wire")}
# shardscope ctl links the protocol library alone (app/CMakeLists.txt).
CTL_FILES = ("app/ctl/", "app/TokenFile.")
CTL_MAY_INCLUDE = CTL_FILES + ("backend/types/", "backend/wire/")

SOURCE_DIRS = ["backend", "model", "views", "app", "tests", "fuzz"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def layer_and_room(path):
    parts = path.split("/")
    layer = parts[0]
    if path.startswith(WINDOW_FILES):
        return layer, "windows"
    room = parts[1] if len(parts) > 2 and layer in ROOMS else ""
    return layer, room


def source_files(root):
    for top in SOURCE_DIRS:
        for dirpath, dirnames, filenames in os.walk(os.path.join(root, top)):
            dirnames[:] = [d for d in dirnames if d != "golden"]
            for name in filenames:
                if name.endswith((".h", ".cpp")):
                    full = os.path.join(dirpath, name)
                    yield os.path.relpath(full, root).replace(os.sep, "/")


def read_includes(root, path):
    with open(os.path.join(root, path), encoding="utf-8") as f:
        lines = f.readlines()
    includes = []
    for number, line in enumerate(lines, 1):
        m = INCLUDE.match(line)
        if m:
            includes.append((number, m.group(1)))
    return len(lines), includes


def layering_findings(path, number, target):
    src_layer, src_room = layer_and_room(path)
    dst_layer, dst_room = layer_and_room(target)
    where = f"{path}:{number}: includes {target}"
    if src_layer not in LAYERS:  # tests and fuzz may include any layer
        return []
    if dst_layer not in LAYERS[src_layer]:
        return [f"{where}: {src_layer}/ may not include {dst_layer}/"]
    if path.startswith(CTL_FILES) and not target.startswith(CTL_MAY_INCLUDE):
        return [f"{where}: ctl links the protocol library only (backend/types, backend/wire)"]
    if (src_layer, src_room) in PROTOCOL_ROOMS and (dst_layer, dst_room) not in PROTOCOL_ROOMS:
        return [f"{where}: the protocol library (types/, wire/) includes only itself"]
    if src_layer == dst_layer and src_layer in ROOMS:
        order = ROOMS[src_layer]
        if src_room not in order or dst_room not in order:
            unknown = src_room if src_room not in order else dst_room
            return [f"{where}: room {src_layer}/{unknown} is not in scripts/check_layers.py's order"]
        if order.index(dst_room) > order.index(src_room):
            return [f"{where}: {src_layer}/{src_room or '(front)'} may not include the higher room "
                    f"{src_layer}/{dst_room or '(front)'}"]
    return []


def unit_of(path):
    return os.path.splitext(path)[0]


def cycles(graph):
    """Strongly connected components with more than one unit (Tarjan, iterative)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = [0]
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def check(root):
    findings = []
    graph = {}
    files = sorted(source_files(root))
    known = set(files)
    for path in files:
        length, includes = read_includes(root, path)
        if length > MAX_LINES:
            findings.append(f"{path}: {length} lines (the limit is {MAX_LINES}: split it by concern)")
        unit = unit_of(path)
        graph.setdefault(unit, set())
        for number, target in includes:
            if target.split("/")[0] not in LAYERS and target.split("/")[0] not in ("tests", "fuzz"):
                continue  # Qt, spdlog, generated files
            if target not in known:
                findings.append(f"{path}:{number}: includes {target}, which does not exist")
                continue
            findings.extend(layering_findings(path, number, target))
            if unit_of(target) != unit:
                graph[unit].add(unit_of(target))
    for component in cycles(graph):
        findings.append("include cycle between: " + ", ".join(component))

    summary = f"check_layers: {len(files)} files, {sum(len(v) for v in graph.values())} unit edges, " \
              f"{len(findings)} findings"
    return findings, summary


# Each planted tree (path -> included project headers) and the finding it must produce.
SELF_TESTS = [
    ("an upward include between rooms",
     {"backend/runtime/Shard.h": ["backend/restart/Coordinator.h"], "backend/restart/Coordinator.h": []},
     "may not include the higher room backend/restart"),
    ("the front door that includes the cluster room",
     {"backend/ShardService.h": ["backend/cluster/ClusterApi.h"], "backend/cluster/ClusterApi.h": []},
     "may not include the higher room backend/cluster"),
    ("the cluster room that includes the HTTP edge",
     {"backend/cluster/ClusterApi.h": ["backend/http/HttpApi.h"], "backend/http/HttpApi.h": []},
     "may not include the higher room backend/http"),
    ("a protocol file that includes the service",
     {"backend/types/Query.h": ["backend/record/EventLog.h"], "backend/record/EventLog.h": []},
     "the protocol library"),
    ("views that include a backend header",
     {"views/Tile.h": ["backend/types/Query.h"], "backend/types/Query.h": []},
     "views/ may not include backend/"),
    ("the backend that includes the model",
     {"backend/http/Api.h": ["model/client/Client.h"], "model/client/Client.h": []},
     "backend/ may not include model/"),
    ("two units that include each other through their sources",
     {"backend/runtime/A.h": [], "backend/runtime/A.cpp": ["backend/runtime/A.h", "backend/runtime/B.h"],
      "backend/runtime/B.h": [], "backend/runtime/B.cpp": ["backend/runtime/B.h", "backend/runtime/A.h"]},
     "include cycle between: backend/runtime/A, backend/runtime/B"),
    ("a fleet view that includes a window",
     {"views/fleet/FleetView.h": ["views/ClusterWindow.h"], "views/ClusterWindow.h": []},
     "may not include the higher room views/windows"),
    ("a shared widget that includes the fleet room",
     {"views/ShardGridView.h": ["views/fleet/FleetView.h"], "views/fleet/FleetView.h": []},
     "may not include the higher room views/fleet"),
    ("the fleet table that includes its views",
     {"model/fleet/FleetModel.h": ["views/fleet/FleetView.h"], "views/fleet/FleetView.h": []},
     "model/ may not include views/"),
    ("a room the order does not know",
     {"model/gizmos/G.h": ["model/client/Client.h"], "model/client/Client.h": []},
     "is not in scripts/check_layers.py's order"),
    ("ctl that reaches the service",
     {"app/ctl/Ctl.cpp": ["backend/ShardService.h"], "backend/ShardService.h": []},
     "ctl links the protocol library only"),
    ("an include of a missing header",
     {"app/Main.cpp": ["app/Gone.h"]},
     "which does not exist"),
    ("a file over the line limit",
     {"views/Long.cpp": [None] * (MAX_LINES + 1)},
     f"lines (the limit is {MAX_LINES}"),
]


def self_test():
    import tempfile
    failed = 0
    for name, files, expected in SELF_TESTS:
        with tempfile.TemporaryDirectory() as root:
            for path, includes in files.items():
                os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
                with open(os.path.join(root, path), "w", encoding="utf-8") as f:
                    for target in includes:
                        f.write(f'#include "{target}"\n' if target else "// filler\n")
            findings, _ = check(root)
            ok = any(expected in line for line in findings)
            failed += not ok
            print(f"{'PASS' if ok else 'FAIL'}: {name} is found" + ("" if ok else f" (got {findings})"))
    with tempfile.TemporaryDirectory() as root:  # and a clean tree is clean
        for path in ("backend/types/Q.h", "backend/runtime/S.h", "backend/cluster/C.h", "backend/http/H.h",
                     "backend/ShardService.h"):
            os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
        open(os.path.join(root, "backend/types/Q.h"), "w").close()
        open(os.path.join(root, "backend/ShardService.h"), "w").close()
        with open(os.path.join(root, "backend/runtime/S.h"), "w") as f:
            f.write('#include "backend/types/Q.h"\n')
        with open(os.path.join(root, "backend/cluster/C.h"), "w") as f:  # cluster uses the front door
            f.write('#include "backend/ShardService.h"\n')
        with open(os.path.join(root, "backend/http/H.h"), "w") as f:  # and http uses cluster
            f.write('#include "backend/cluster/C.h"\n')
        os.makedirs(os.path.join(root, "views/fleet"))
        open(os.path.join(root, "views/Tile.h"), "w").close()
        with open(os.path.join(root, "views/fleet/F.h"), "w") as f:  # a fleet view uses a shared widget
            f.write('#include "views/Tile.h"\n')
        with open(os.path.join(root, "views/ClusterWindow.h"), "w") as f:  # and the window uses both
            f.write('#include "views/fleet/F.h"\n#include "views/Tile.h"\n')
        findings, _ = check(root)
        failed += bool(findings)
        print(f"{'FAIL' if findings else 'PASS'}: a downward include is clean")
    print(f"{len(SELF_TESTS) + 1 - failed} passed, {failed} failed")
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    findings, summary = check(os.path.abspath(args.root))
    for line in findings:
        print(line)
    print(summary)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
