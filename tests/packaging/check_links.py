#!/usr/bin/env python3
"""Every relative link in the user docs resolves: the file exists and, for `file#anchor`,
the file has a heading with that anchor (GitHub's rule: lower case, punctuation dropped,
spaces to hyphens, repeats numbered).

  check_links.py --root SOURCE_DIR
"""
import argparse
import os
import re
import sys

DOCS = ["README.md", "BENCHMARKS.md", "resources/README.md", "docs/*.md"]
LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def files(root):
    out = []
    for pattern in DOCS:
        if pattern.endswith("/*.md"):
            d = os.path.join(root, pattern[:-5])
            if not os.path.isdir(d):
                sys.exit(f"{d} is missing: the user docs live there")
            out += sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".md"))
        else:
            out.append(os.path.join(root, pattern))
    return out


def without_code(text):
    text = re.sub(r"(?ms)^```.*?^```", "", text)
    text = re.sub(r"(?m)^(    |\t).*$", "", text)
    return re.sub(r"`[^`\n]*`", "", text)


def anchors(path):
    seen, out = {}, set()
    with open(path) as f:
        text = re.sub(r"(?ms)^```.*?^```", "", f.read())
    for heading in re.findall(r"(?m)^#{1,6}\s+(.+?)\s*#*\s*$", text):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", "")).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    root = ap.parse_args().root
    problems, count = [], 0
    for doc in files(root):
        with open(doc) as f:
            text = without_code(f.read())
        for target in LINK.findall(text):
            if re.match(r"^[a-z]+:", target):
                continue  # http(s), mailto: not checked offline
            count += 1
            name, _, anchor = target.partition("#")
            dest = os.path.normpath(os.path.join(os.path.dirname(doc), name)) if name else doc
            where = f"{os.path.relpath(doc, root)}: ({target})"
            if not os.path.exists(dest):
                problems.append(f"{where}: {os.path.relpath(dest, root)} does not exist")
            elif anchor and dest.endswith(".md") and anchor not in anchors(dest):
                problems.append(f"{where}: no heading with anchor #{anchor} in {os.path.relpath(dest, root)}")
    if problems:
        sys.exit("\n".join(problems))
    print(f"links: {count} relative links in {len(files(root))} documents resolve")


if __name__ == "__main__":
    main()
