#!/usr/bin/env python3
"""Fails when a file with translatable strings is missing from po/POTFILES.in,
when POTFILES.in names a file that does not exist, or when it is not sorted."""
import os
import re
import sys

root = sys.argv[1]
with open(os.path.join(root, "po", "POTFILES.in")) as f:
    listed = [l.strip() for l in f if l.strip() and not l.startswith("#")]
skip = set()
skip_path = os.path.join(root, "po", "POTFILES.skip")
if os.path.exists(skip_path):
    with open(skip_path) as f:
        skip = {l.strip() for l in f if l.strip() and not l.startswith("#")}

errors = []
if listed != sorted(listed):
    errors.append("po/POTFILES.in is not sorted")
for p in listed:
    if not os.path.exists(os.path.join(root, p)):
        errors.append(f"po/POTFILES.in names {p}, which does not exist")

c_mark = re.compile(r'(?<![A-Za-z0-9_])(_|N_|C_|NC_|g_dngettext|ngettext)\s*\(\s*"')
ui_mark = re.compile(r'translatable="yes"')
for top in ("src", "ui", "data"):
    for dirpath, _dirs, files in os.walk(os.path.join(root, top)):
        for name in files:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            if rel in skip:
                continue
            try:
                text = open(path, encoding="utf-8").read()
            except (UnicodeDecodeError, OSError):
                continue
            if name.endswith((".c", ".h")):
                found = c_mark.search(text)
            elif name.endswith(".ui"):
                found = ui_mark.search(text)
            else:
                found = None
            if found and rel not in listed:
                errors.append(f"{rel} has translatable strings but is not in po/POTFILES.in")

if "--fix" in sys.argv:
    # Rewrite POTFILES.in: keep existing entries that exist, add missing ones, sort.
    keep = {p for p in listed if os.path.exists(os.path.join(root, p))}
    for e in errors:
        if e.endswith("is not in po/POTFILES.in"):
            keep.add(e.split(" has translatable")[0])
    with open(os.path.join(root, "po", "POTFILES.in"), "w") as f:
        f.write("# List of source files containing translatable strings (sorted).\n")
        f.write("# tests/data/check-potfiles.py fails when one is missing; --fix rewrites this file.\n")
        for p in sorted(keep):
            f.write(p + "\n")
    sys.exit(0)

for e in errors:
    print(e)
sys.exit(1 if errors else 0)
