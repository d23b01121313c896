#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`cohortscope-cli cohort` on the demo cohort: the same filter gives the same
patients from the CLI, from the saved cohort reopened, from the exported FHIR
Group, and from an independent evaluation of `table` output in Python."""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

CLI = os.environ.get("CS_CLI")
if not CLI or not os.path.exists(CLI):
    print("FAIL: CS_CLI does not name the built cohortscope-cli (tests/meson.build sets it)",
          file=sys.stderr)
    sys.exit(1)

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def run(*args, expect=0):
    p = subprocess.run([CLI, *args], capture_output=True, text=True)
    if p.returncode != expect:
        failures.append(f"{' '.join(args)}: exit {p.returncode}, expected {expect}: {p.stderr}")
        print("FAIL:", failures[-1], file=sys.stderr)
    return p


tmp = tempfile.mkdtemp(prefix="cs-cohort-cli-")
demo = os.path.join(tmp, "demo.json")
run("demo", "-o", demo, "--patients", "300", "--seed", "11")
src = ["--source", demo]

table = list(csv.DictReader(io.StringIO(run("table", *src, "--format", "csv").stdout)))
check(len(table) == 300, f"table has {len(table)} rows")


def num(row, key):
    v = row.get(key, "")
    return float(v) if v != "" else None


# Kleene logic in Python: None = unknown
def k_and(*xs):
    if any(x is False for x in xs):
        return False
    if all(x is True for x in xs):
        return True
    return None


def k_or(*xs):
    if any(x is True for x in xs):
        return True
    if all(x is False for x in xs):
        return False
    return None


def k_not(x):
    return None if x is None else not x


def cmp(v, f):
    return None if v is None else f(v)


cases = {
    "age_at_diagnosis > 70":
        lambda r: cmp(num(r, "age_at_diagnosis"), lambda v: v > 70),
    "not (cea > 5) and gender = \"male\"":
        lambda r: k_and(k_not(cmp(num(r, "cea"), lambda v: v > 5)),
                        cmp(r["gender"] or None, lambda v: v == "male")),
    "ldh is missing or ecog_performance_status >= 2 and not deceased = true":
        lambda r: k_or(num(r, "ldh") is None,
                       k_and(cmp(num(r, "ecog_performance_status"), lambda v: v >= 2),
                             k_not(cmp(r["deceased"] or None, lambda v: v == "true")))),
    "hemoglobin < 12 or cea is not missing and age_at_diagnosis <= 60":
        lambda r: k_or(cmp(num(r, "hemoglobin"), lambda v: v < 12),
                       k_and(num(r, "cea") is not None,
                             cmp(num(r, "age_at_diagnosis"), lambda v: v <= 60))),
    "gender in (\"female\", \"unknown\") and not ldh > 250":
        lambda r: k_and(cmp(r["gender"] or None, lambda v: v in ("female", "unknown")),
                        k_not(cmp(num(r, "ldh"), lambda v: v > 250))),
}

for i, (expr, ref) in enumerate(cases.items()):
    save = os.path.join(tmp, f"c{i}.json")
    group = os.path.join(tmp, f"g{i}.json")
    p = run("cohort", *src, "--filter", expr, "--save", save, "--group-out", group, "--name", f"case {i}")
    ids = p.stdout.split()
    expected = [r["patient"] for r in table if ref(r) is True]
    check(ids == expected, f"{expr}: CLI gives {len(ids)} ids, Python reference {len(expected)}")
    check(len(ids) > 0 and len(ids) < 300, f"{expr}: a trivial cohort ({len(ids)})")

    reopened = run("cohort", *src, "--open", save).stdout.split()
    check(reopened == ids, f"{expr}: saved then reopened cohort differs")
    from_group = run("cohort", *src, "--open", group).stdout.split()
    check(from_group == ids, f"{expr}: cohort from the exported Group differs")

    with open(save) as f:
        saved = json.load(f)
    check(saved["format"] == "cohortscope-cohort/1", "saved format")
    check(saved["name"] == f"case {i}", "saved name")
    with open(group) as f:
        g = json.load(f)
    check(g["resourceType"] == "Group" and g["type"] == "person" and g["actual"] is True, "Group header")
    check(g["quantity"] == len(ids), "Group quantity")
    check([m["entity"]["reference"] for m in g.get("member", [])] == [f"Patient/{x}" for x in ids],
          "Group members")
    check(g["characteristic"][0]["valueCodeableConcept"]["text"] == saved["filter"], "Group filter text")

# an empty cohort: no output, a Group with quantity 0 and no member array
group = os.path.join(tmp, "empty.json")
p = run("cohort", *src, "--filter", "age_at_diagnosis > 1000", "--group-out", group)
check(p.stdout == "", "empty cohort prints nothing")
with open(group) as f:
    g = json.load(f)
check(g["quantity"] == 0 and "member" not in g, "empty Group")

# --open with --filter narrows; unknown ids in a list are reported, not fatal
ids = [r["patient"] for r in table[:10]]
lst = os.path.join(tmp, "ids.txt")
with open(lst, "w") as f:
    f.write("# ten patients and a stranger\n" + "\n".join(ids) + "\nPatient/nobody-here\n")
p = run("cohort", *src, "--open", lst)
check(p.stdout.split() == ids, "id list members")
check("nobody-here" in p.stderr and "not in the sources" in p.stderr, "unknown id reported")
p = run("cohort", *src, "--open", lst, "--filter", "age_at_diagnosis > 70")
expected = [r["patient"] for r in table[:10] if (num(r, "age_at_diagnosis") or 0) > 70]
check(p.stdout.split() == expected, "id list and filter")

# exit codes: syntax error 2 (with the column), data mismatch 1
p = run("cohort", *src, "--filter", "age_at_diagnosis > ", expect=2)
check("column 20" in p.stderr and "^" in p.stderr, f"syntax error message: {p.stderr}")
p = run("cohort", *src, "--filter", "age_at_diagnoss > 5", expect=1)
check("did you mean age_at_diagnosis" in p.stderr, f"unknown variable message: {p.stderr}")
p = run("cohort", *src, "--filter", "gender < 3", expect=1)
check("categorical" in p.stderr, f"type error message: {p.stderr}")
run("cohort", *src, expect=2)
bad = os.path.join(tmp, "bad.json")
with open(bad, "w") as f:
    f.write('{"format": "cohortscope-cohort/1", "name": "x", "created": "2026-01-01T00:00:00Z", "patients": [1]}')
p = run("cohort", *src, "--open", bad, expect=1)
check("$.patients[0]" in p.stderr, f"malformed cohort message: {p.stderr}")

if failures:
    print(f"{len(failures)} failure(s)", file=sys.stderr)
    sys.exit(1)
print("ok")
