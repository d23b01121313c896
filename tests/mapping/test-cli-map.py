#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`cohortscope-cli map`: exit statuses, atomic output, the report (the same
whatever the mode), the trace, the formats, deterministic ids and the run's
Provenance, bad input."""
import csv
import hashlib
import base64
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid

CLI = os.environ.get("CS_CLI")
if not CLI or not os.path.exists(CLI):
    print("CS_CLI not set or not built", file=sys.stderr)
    sys.exit(77)

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)
    else:
        print("ok:", what)


def run(*args, expect=None, env=None, stdin=None):
    p = subprocess.run([CLI, "map", *args], capture_output=True, text=True, env=env, timeout=300, stdin=stdin)
    if expect is not None and p.returncode != expect:
        failures.append(f"map {' '.join(args)}: exit {p.returncode}, expected {expect}: {p.stderr}")
        print("FAIL:", failures[-1], file=sys.stderr)
    return p


tmp = tempfile.mkdtemp(prefix="cs-map-cli-")


def path(name):
    return os.path.join(tmp, name)


def write(name, text, encoding="utf-8"):
    with open(path(name), "w", encoding=encoding, newline="") as f:
        f.write(text)
    return path(name)


NS = "https://example.org/t"
mapping = {
    "format": "cohortscope-mapping/1", "id": "t", "version": "1.0.0", "namespace": NS,
    "inputs": [{"role": "clinical", "key": "PatientID",
                "columns": {"age": {"type": "decimal"}, "gender": {"type": "string"}}}],
    "conceptMaps": [{"resourceType": "ConceptMap", "id": "gender", "status": "active",
                     "group": [{"target": "http://hl7.org/fhir/administrative-gender",
                                "element": [{"code": "male", "target": [{"code": "male", "equivalence": "equal"}]},
                                            {"code": "female", "target": [{"code": "female", "equivalence": "equal"}]}]}]}],
    "resources": [
        {"name": "patient", "input": "clinical",
         "template": {"resourceType": "Patient",
                      "identifier": [{"system": "https://example.org/id", "value": "{{PatientID}}"}],
                      "gender": {"$map": "gender", "column": "gender", "as": "code"}}},
        {"name": "age", "input": "clinical", "when": {"column": "age", "present": True},
         "template": {"resourceType": "Observation", "status": "final",
                      "code": {"coding": [{"system": "http://loinc.org", "code": "30525-0"}]},
                      "subject": {"$ref": "patient"},
                      "valueQuantity": {"value": {"$column": "age"}, "unit": "a",
                                        "system": "http://unitsofmeasure.org", "code": "a"}}}]}
m = write("m.json", json.dumps(mapping, indent=2))
good = write("clinical.csv", "PatientID,age,gender\nP1,78.5,male\nP2,NA,female\nP3,61,male\n")
bad = write("bad.csv", "PatientID,age,gender\nP1,78.5,male\nP2,7x,female\nP3,61,other\nP1,1,male\n")


def ids_of(output):
    out = []
    with open(output) as f:
        for line in f:
            r = json.loads(line)
            out.append(r["resourceType"] + "/" + r["id"])
    return out


# --- usage errors: exit 2 -------------------------------------------------
run(expect=2)
run("--mapping", m, "--input", good, "-o", path("o.json"), expect=2)                      # no --format
run("--mapping", m, "--input", good, "-o", path("o.json"), "--format", "xml", expect=2)
run("--mapping", m, "--input", "nosuch=" + good, "-o", path("o.json"), "--format", "ndjson", expect=2)
run("--mapping", m, "--input", good, "-o", path("o.json"), "--format", "ndjson", "--limit", "0", expect=2)
run("--mapping", m, "--input", good, "-o", tmp, "--format", "ndjson", expect=2)            # a folder
p = run("--mapping", m, "--input", good, "-o", good, "--format", "ndjson", expect=2)       # the input itself
check("is an input" in p.stderr, "refuses to overwrite an input")

# --- a run that works ------------------------------------------------------
out = path("out.ndjson")
p = run("--mapping", m, "--input", good, "-o", out, "--format", "ndjson", expect=0)
check("Mapped 3 rows to 5 resources (Observation 2, Patient 3)" in p.stderr, "summary on stderr: " + p.stderr)
ids = ids_of(out)
ns = uuid.uuid5(uuid.NAMESPACE_URL, NS)
check(ids[0] == "Patient/%s" % uuid.uuid5(ns, "patient\x1fP1"), "Patient id is UUIDv5(namespace, template|key)")
check(ids[1] == "Observation/%s" % uuid.uuid5(ns, "age\x1fP1"), "Observation id is UUIDv5 too")
check([i.split("/")[0] for i in ids] == ["Patient", "Observation", "Patient", "Patient", "Observation",
                                         "Device", "Provenance"], "order: rows, then Device and Provenance")

# an optional input may be left out; a required one may not
with_extra = json.loads(json.dumps(mapping))
with_extra["inputs"].append({"role": "extra", "optional": True, "key": "PatientID",
                             "join": {"input": "clinical", "on": "PatientID"}})
with_extra["resources"].append({"name": "extra-age", "input": "extra",
                                "template": {"resourceType": "Observation", "status": "final",
                                             "code": {"text": "{{note}}"},
                                             "subject": {"$ref": "patient"}}})
m_optional = write("m-optional.json", json.dumps(with_extra))
p = run("--mapping", m_optional, "--input", "clinical=" + good, "-o", path("opt.ndjson"), "--format", "ndjson",
        expect=0)
check("Mapped 3 rows to 5 resources" in p.stderr, "an optional input left out makes nothing: " + p.stderr)
with_extra["inputs"][1]["optional"] = False
m_required = write("m-required.json", json.dumps(with_extra))
p = run("--mapping", m_required, "--input", "clinical=" + good, "-o", path("req.ndjson"), "--format", "ndjson",
        expect=2)
check("needs a table for its input “extra”" in p.stderr, "a required input left out is a usage error: " + p.stderr)

# the run's Provenance: targets, inputs' and mapping's SHA-256, software version
with open(out) as f:
    resources = [json.loads(l) for l in f]
prov = resources[-1]
device = resources[-2]


def ni(file):
    digest = hashlib.sha256(open(file, "rb").read()).digest()
    return "ni:///sha-256;" + base64.urlsafe_b64encode(digest).decode().rstrip("=")


check([t["reference"] for t in prov["target"]] == ids[:5], "Provenance targets every resource")
entity_values = [e["what"]["identifier"]["value"] for e in prov["entity"]]
check(ni(m) in entity_values and ni(good) in entity_values, "Provenance names the mapping's and the input's SHA-256")
check(prov["agent"][0]["who"]["reference"] == "Device/" + device["id"], "the agent is the software Device")
check(device["version"][0]["value"] != "", "the Device carries the software version")
check(prov["recorded"].endswith("Z") and "T" in prov["recorded"], "recorded is an instant")

# the same inputs give the same bytes (ids, Provenance and all)
out2 = path("out2.ndjson")
run("--mapping", m, "--input", "clinical=" + good, "-o", out2, "--format", "ndjson", expect=0)
check(open(out).read() == open(out2).read(), "an unchanged re-run writes identical bytes")
os.utime(good, (1_000_000_000, 1_000_000_000))
os.utime(m, (1_000_000_000, 1_000_000_000))
run("--mapping", m, "--input", good, "-o", out2, "--format", "ndjson", expect=0)
prov2 = json.loads(open(out2).read().splitlines()[-1])
check(prov2["recorded"] == "2001-09-09T01:46:40Z", "recorded is the newest file's time: " + prov2["recorded"])
check(prov2["id"] == prov["id"], "the Provenance id depends on content, not on times")
env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
run("--mapping", m, "--input", good, "-o", out2, "--format", "ndjson", expect=0, env=env)
prov3 = json.loads(open(out2).read().splitlines()[-1])
check(prov3["recorded"] == "2023-11-14T22:13:20Z", "SOURCE_DATE_EPOCH sets recorded")
changed = write("changed.csv", "PatientID,age,gender\nP1,78.6,male\nP2,NA,female\nP3,61,male\n")
run("--mapping", m, "--input", "clinical=" + changed, "-o", out2, "--format", "ndjson", expect=0)
ids2 = ids_of(out2)
check(ids2[:5] == ids[:5], "a changed value keeps the ids (an update, not a duplicate)")
check(ids2[6] != ids[6], "changed input bytes make another Provenance")

# --- bundles ---------------------------------------------------------------
for fmt in ("transaction", "batch"):
    b = path(fmt + ".json")
    run("--mapping", m, "--input", good, "-o", b, "--format", fmt, expect=0)
    bundle = json.load(open(b))
    check(bundle["resourceType"] == "Bundle" and bundle["type"] == fmt, fmt + ": a Bundle of that type")
    check(all(e["request"]["method"] == "PUT" and
              e["request"]["url"] == e["resource"]["resourceType"] + "/" + e["resource"]["id"]
              for e in bundle["entry"]), fmt + ": PUT Type/id entries")
    check(len(bundle["entry"]) == 7, fmt + ": every resource")

# --- rejected rows: the same report either way; output only with --keep-going
report1, report2 = path("r1.csv"), path("r2.csv")
stale = path("stale.ndjson")
write("stale.ndjson", "previous output\n")
p1 = run("--mapping", m, "--input", "clinical=" + bad, "-o", stale, "--format", "ndjson", "--report", report1, expect=1)
check(open(stale).read() == "previous output\n", "a failed run leaves the old output untouched")
check("nothing was written" in p1.stderr, "says nothing was written")
check(not [f for f in os.listdir(tmp) if f.startswith("stale.ndjson.")], "no temporary file left behind")
p2 = run("--mapping", m, "--input", "clinical=" + bad, "-o", stale, "--format", "ndjson", "--report", report2,
         "--keep-going", expect=0)
check(open(report1).read() == open(report2).read(), "the report is the same with and without --keep-going")
rows = list(csv.DictReader(open(report1)))
check(len(rows) == 3, "three problems: %r" % rows)
byrow = {r["row"]: r for r in rows}
check(byrow["2"]["column"] == "age" and byrow["2"]["value"] == "7x" and byrow["2"]["line"] == "3" and
      byrow["2"]["input"] == "clinical" and byrow["2"]["file"] == "bad.csv" and "decimal" in byrow["2"]["message"],
      "a bad number names input, file, row, line, column and value")
check(byrow["3"]["column"] == "gender" and byrow["3"]["value"] == "other" and "ConceptMap" in byrow["3"]["message"],
      "an unmapped value names its cell and the ConceptMap")
check("duplicate key" in byrow["4"]["message"] and "first in row 1" in byrow["4"]["message"], "a duplicate key")
kept = ids_of(stale)
check(len([i for i in kept if i.startswith("Patient/")]) == 1, "--keep-going writes the good rows only")
check("rows rejected and left out" in p2.stderr, "--keep-going says what was left out")

# --- the trace --------------------------------------------------------------
trace = path("trace.json")
run("--mapping", m, "--input", good, "-o", path("t.ndjson"), "--format", "ndjson", "--trace", trace, expect=0)
t = json.load(open(trace))
check(t["format"] == "cohortscope-trace/1" and t["inputs"][0]["columns"] == ["PatientID", "age", "gender"],
      "trace header")
obs = [r for r in t["resources"] if r["resource"].startswith("Observation/")][0]
value = [e for e in obs["elements"] if e["path"] == "Observation.valueQuantity.value"][0]
check(value["cells"] == [{"input": "clinical", "row": 1, "column": "age"}], "the value came from row 1's age")
check(len(t["resources"]) == 5, "one trace entry per resource")

# --- --limit, binding by file name -----------------------------------------
p = run("--mapping", m, "--input", good, "-o", path("l.ndjson"), "--format", "ndjson", "--limit", "1", expect=0)
check(len(ids_of(path("l.ndjson"))) == 2 + 2, "--limit 1 maps one row (and Device, Provenance)")

# --- a FIFO (or a device such as /dev/stdout) is written in place, never replaced
import stat
import threading
fifo = path("pipe.ndjson")
os.mkfifo(fifo)
received = []
reader = threading.Thread(target=lambda: received.append(open(fifo).read()))
reader.start()
run("--mapping", m, "--input", good, "-o", fifo, "--format", "ndjson", expect=0)
reader.join(60)
check(stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO is still a FIFO (not renamed over)")
check(received and received[0].count("\n") == 7, "the resources went through the FIFO")

# --- a stream as input: stdin (-) or a FIFO such as <(zcat t.csv.gz) is copied aside
# (a run reads its inputs more than once) and named as the user gave it
stream_tmp = tempfile.mkdtemp(prefix="cs-map-stream-")
stream_env = dict(os.environ, TMPDIR=stream_tmp)
plain = [l for l in open(out).read().splitlines()[:5]]


def provenance_inputs(output):
    prov = json.loads(open(output).read().splitlines()[-1])
    return {e["what"]["display"]: e["what"]["identifier"]["value"] for e in prov["entity"]}


with open(good) as f:
    p = run("--mapping", m, "--input", "clinical=-", "-o", path("stdin.ndjson"), "--format", "ndjson",
            expect=0, env=stream_env, stdin=f)
check(open(path("stdin.ndjson")).read().splitlines()[:5] == plain, "stdin gives the same resources as the file")
check(provenance_inputs(path("stdin.ndjson")).get("input clinical: stdin") == ni(good),
      "the Provenance names stdin with the bytes' SHA-256: %r" % provenance_inputs(path("stdin.ndjson")))
fifo_in = path("fifo-in.csv")
os.mkfifo(fifo_in)
feeder = threading.Thread(target=lambda: open(fifo_in, "w").write(open(good).read()))
feeder.start()
p = run("--mapping", m, "--input", "clinical=" + fifo_in, "-o", path("fifo.ndjson"), "--format", "ndjson",
        expect=0, env=stream_env)
feeder.join(60)
check(open(path("fifo.ndjson")).read().splitlines()[:5] == plain, "a FIFO gives the same resources as the file")
check(provenance_inputs(path("fifo.ndjson")).get("input clinical: fifo-in.csv") == ni(good),
      "the Provenance names the FIFO as given")
with open(bad) as f:
    p = run("--mapping", m, "--input", "clinical=-", "-o", path("stdin-bad.ndjson"), "--format", "ndjson",
            "--report", path("stdin-report.csv"), expect=1, env=stream_env, stdin=f)
check("stdin: row 2 (line 3), column “age”" in p.stderr, "an error in stdin names stdin, row and column: " + p.stderr)
check(all(r["file"] == "stdin" for r in csv.DictReader(open(path("stdin-report.csv")))), "the report says stdin")
with open(os.devnull) as f:
    p = run("--mapping", m, "--input", "clinical=-", "-o", path("stdin-empty.ndjson"), "--format", "ndjson",
            expect=1, env=stream_env, stdin=f)
check("stdin" in p.stderr and "empty" in p.stderr, "an empty stdin is named: " + p.stderr.strip())
p = run("--mapping", m_optional, "--input", "clinical=-", "--input", "extra=-", "-o", path("two.ndjson"),
        "--format", "ndjson", expect=2, env=stream_env, stdin=subprocess.DEVNULL)
check("only one --input can read stdin" in p.stderr, "two inputs cannot both read stdin: " + p.stderr.strip())
with open(good) as f:
    p = run("--mapping", m, "--input", "clinical=-", "-o", path("stdin-progress.ndjson"), "--format", "ndjson",
            "--progress", expect=0, env=stream_env, stdin=f)
check("Copying stdin aside:" in p.stderr, "--progress shows the copy of stdin: " + p.stderr)
# stdin a terminal: it says how to end the table
import pty
master, slave = pty.openpty()
proc = subprocess.Popen([CLI, "map", "--mapping", m, "--input", "clinical=-", "-o", path("stdin-tty.ndjson"),
                         "--format", "ndjson"], stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                        text=True, env=stream_env)
os.close(slave)
os.write(master, open(good, "rb").read() + b"\x04")
try:
    _, err = proc.communicate(timeout=60)
except subprocess.TimeoutExpired:
    proc.kill()
    _, err = proc.communicate()
os.close(master)
check(proc.returncode == 0 and "end it with Ctrl+D" in err, "a terminal on stdin is told how to end the table: " + err)
check(open(path("stdin-tty.ndjson")).read().splitlines()[:5] == plain, "the table typed on a terminal maps alike")
check(os.listdir(stream_tmp) == [], "no copy of a stream is left in TMPDIR: %r" % os.listdir(stream_tmp))
os.rmdir(stream_tmp)

# --- --memory-limit: the held table's records and indexes paged through $TMPDIR give the same output
mem_tmp = tempfile.mkdtemp(prefix="cs-map-memory-")
mem_env = dict(os.environ, TMPDIR=mem_tmp, SOURCE_DATE_EPOCH="1700000000")
rows = list(range(30000))
big_clinical = write("big-clinical.csv", "PatientID,age,gender\n" +
                     "".join("P%d,%d,%s\n" % (i, 40 + i % 50, "male" if i % 3 else "female") for i in rows))
big_extra = write("big-extra.csv", "PatientID,note\n" + "".join("P%d,n%d\n" % ((i * 7919) % 30011, i) for i in rows))
outs = {}
for limit in (None, "0", "1M"):
    extra_args = [] if limit is None else ["--memory-limit", limit]
    outs[limit] = path("memory-%s.ndjson" % limit)
    # P30000..P30010 have no clinical row: rejected, reported, the rest written
    run("--mapping", m_optional, "--input", "clinical=" + big_clinical, "--input", "extra=" + big_extra,
        "-o", outs[limit], "--format", "ndjson", "--keep-going", "--report", outs[limit] + ".csv", *extra_args,
        expect=0, env=mem_env)
reference = open(outs[None]).read()
reference_report = open(outs[None] + ".csv").read()
check(reference.count("\n") > 80000, "the big join makes its resources (%d)" % reference.count("\n"))
check(reference_report.count("no row of “clinical” belongs to this row") == 11,
      "the rows without a clinical row are reported: %d" % reference_report.count("\n"))
for limit in ("0", "1M"):
    check(open(outs[limit]).read() == reference, "--memory-limit %s gives the same output" % limit)
    check(open(outs[limit] + ".csv").read() == reference_report, "--memory-limit %s gives the same report" % limit)
check(os.listdir(mem_tmp) == [], "no paged index is left in TMPDIR: %r" % os.listdir(mem_tmp))
os.rmdir(mem_tmp)
p = run("--mapping", m, "--input", good, "-o", path("o.json"), "--format", "ndjson", "--memory-limit", "lots",
        expect=2)
check("--memory-limit “lots” is not a size" in p.stderr, "a bad --memory-limit is a usage error: " + p.stderr.strip())

# --- -o - (or /dev/stdout): the standard output, written in place, even when it is a file
out_ref = open(out).read().splitlines()[:5]
p = run("--mapping", m, "--input", good, "-o", "-", "--format", "ndjson", expect=0)
check(p.stdout.splitlines()[:5] == out_ref, "-o - writes the resources to stdout")
check("in stdout" in p.stderr, "the summary says stdout: " + p.stderr)
for target in ("-", "/dev/stdout"):
    redirected = path("redirected.ndjson")
    with open(redirected, "w") as f:
        f.write("kept\n")
    with open(redirected, "a") as f:
        q = subprocess.run([CLI, "map", "--mapping", m, "--input", good, "-o", target, "--format", "ndjson"],
                           stdout=f, stderr=subprocess.PIPE, text=True, timeout=300)
    lines = open(redirected).read().splitlines()
    check(q.returncode == 0 and lines[0] == "kept" and lines[1:6] == out_ref,
          "-o %s appended to a file stdout is redirected to: %s" % (target, q.stderr))
check(not [f for f in os.listdir("/dev") if f.startswith("stdout.")], "no temporary file is made in /dev")

# --- bad input ----------------------------------------------------------------
p = run("--mapping", m, "--input", "clinical=" + path("nosuch.csv"), "-o", path("x.ndjson"), "--format", "ndjson",
        expect=1)
check("nosuch.csv" in p.stderr, "a missing file is named")
empty = write("empty.csv", "")
p = run("--mapping", m, "--input", "clinical=" + empty, "-o", path("x.ndjson"), "--format", "ndjson", expect=1)
check("empty.csv" in p.stderr and "input clinical" in p.stderr, "an empty file: " + p.stderr.strip())
header_only = write("header.csv", "PatientID,age,gender\n")
p = run("--mapping", m, "--input", "clinical=" + header_only, "-o", path("x.ndjson"), "--format", "ndjson", expect=0)
check("no data rows" in p.stderr, "a header without rows is a warning")
missing_col = write("missing.csv", "PatientID,Age\nP1,1\n")
p = run("--mapping", m, "--input", "clinical=" + missing_col, "-o", path("x.ndjson"), "--format", "ndjson", expect=1)
check("no column “gender” in clinical (missing.csv)" in p.stderr and "“PatientID”, “Age”" in p.stderr,
      "a missing column is named with the header: " + p.stderr.strip())
latin1 = write("latin1.csv", "PatientID,age,gender\nPé,1,male\n", encoding="latin-1")
p = run("--mapping", m, "--input", "clinical=" + latin1, "-o", path("x.ndjson"), "--format", "ndjson", expect=1)
check("latin1.csv" in p.stderr and "byte" in p.stderr, "non-UTF-8 input names the byte: " + p.stderr.strip())
mapping_latin1 = dict(mapping)
mapping_latin1["inputs"] = [dict(mapping["inputs"][0], dialect={"encoding": "ISO-8859-1"})]
m_latin1 = write("m-latin1.json", json.dumps(mapping_latin1))
run("--mapping", m_latin1, "--input", "clinical=" + latin1, "-o", path("x.ndjson"), "--format", "ndjson", expect=0)
check('"value":"Pé"' in open(path("x.ndjson"), encoding="utf-8").read(), "converted when the mapping says encoding")
mapping_comma = dict(mapping)
mapping_comma["inputs"] = [dict(mapping["inputs"][0], dialect={"delimiter": ";", "decimalComma": True})]
m_comma = write("m-comma.json", json.dumps(mapping_comma))
comma = write("comma.csv", "PatientID;age;gender\nP1;78,5;male\n")
run("--mapping", m_comma, "--input", "clinical=" + comma, "-o", path("x.ndjson"), "--format", "ndjson", expect=0)
check('"value":78.5' in open(path("x.ndjson")).read(), "decimal comma")
bad_mapping = write("bad-mapping.json", json.dumps(dict(mapping, format="cohortscope-mapping/7")))
p = run("--mapping", bad_mapping, "--input", good, "-o", path("x.ndjson"), "--format", "ndjson", expect=1)
check("format" in p.stderr and "newer" in p.stderr, "a newer format version: " + p.stderr.strip())
typo = json.loads(json.dumps(mapping))
typo["resources"][1]["template"]["valueQuantity"]["value"] = {"$colum": "age"}
typo_path = write("typo.json", json.dumps(typo))
p = run("--mapping", typo_path, "--input", good, "-o", path("x.ndjson"), "--format", "ndjson", expect=1)
check("typo.json: resources[1].template.valueQuantity.value.$colum: unknown directive “$colum” "
      "(did you mean “$column”?)" in p.stderr, "an unknown directive names its JSON path: " + p.stderr.strip())

# --- interrupted: nothing written --------------------------------------------
big = path("big.csv")
with open(big, "w") as f:
    f.write("PatientID,age,gender\n")
    for i in range(1500000):
        f.write("P%d,%d.5,%s\n" % (i, i % 90, "male" if i % 2 else "female"))
target = path("big.ndjson")
proc = subprocess.Popen([CLI, "map", "--mapping", m, "--input", "clinical=" + big, "-o", target,
                         "--format", "ndjson", "--progress"], stderr=subprocess.PIPE, text=True)
line = proc.stderr.readline()          # the first progress line: the run is under way
proc.send_signal(signal.SIGINT)
err = proc.stderr.read()
code = proc.wait(timeout=300)
if code == 0:
    print("the run finished before the interrupt; not checked")
else:
    check(code == 1 and "interrupted" in err, "an interrupt stops the run: %d %s" % (code, err.strip()))
    check(not os.path.exists(target), "an interrupted run writes nothing")
    check(not [f for f in os.listdir(tmp) if f.startswith("big.ndjson.")], "and leaves no temporary file")

# --- --compare: the table against FHIR written before, cell by cell ----------
written = path("compare.ndjson")
run("--mapping", m, "--input", good, "-o", written, "--format", "ndjson", expect=0)
p = run("--mapping", m, "--input", good, "--compare", written, expect=0)
check("column “gender”: 3 equal, 0 differ, 0 not comparable" in p.stdout,
      "--compare: every gender cell is equal: " + p.stdout.strip().replace("\n", " | "))
check("column “age”: 2 equal, 0 differ" in p.stdout, "--compare: the two ages (NA makes nothing)")
with open(written) as f:
    lines = f.read().replace('"value":78.5', '"value":78.0', 1)
with open(written, "w") as f:
    f.write(lines)
p = run("--mapping", m, "--input", good, "--compare", written, expect=1)
check("column “age”: 1 equal, 1 differ" in p.stdout and "row 1, Observation/" in p.stdout and
      "CSV “78.5” → expected 78.5, FHIR 78" in p.stdout,
      "--compare: a changed value is listed with its row, CSV and FHIR value: " + p.stdout.strip().replace("\n", " | "))
check("differ" in p.stderr, "--compare: exit 1 says the tables and the FHIR differ")
run("--mapping", m, "--input", good, "--compare", written, "-o", path("x.ndjson"), expect=2)

# --- the worked example of docs/MAPPING.md does what the text says ----------
root = os.environ.get("CS_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
with open(os.path.join(root, "docs", "MAPPING.md"), encoding="utf-8") as f:
    doc = f.read()
section = doc.split("## Example: a small clinical table", 1)[1].split("\n## ", 1)[0]
blocks = section.split("```")
doc_csv = write("clinical.csv", blocks[1].split("\n", 1)[1])
doc_mapping = write("small.json", blocks[3].split("\n", 1)[1])
p = run("--mapping", doc_mapping, "--input", doc_csv, "-o", path("small.ndjson"), "--format", "ndjson", expect=0)
if p.returncode == 0:
    with open(path("small.ndjson")) as f:
        made = [json.loads(l) for l in f]
    types = [r["resourceType"] for r in made]
    check(types.count("Patient") == 2 and types.count("Observation") == 2 and types[-2:] == ["Device", "Provenance"],
          "docs/MAPPING.md's example writes two Patients, two Observations, the Device and the Provenance: %r" % types)
    want = str(uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, "https://example.org/small"), "patient\x1fP1"))
    check(any(r["resourceType"] == "Patient" and r["id"] == want for r in made),
          "docs/MAPPING.md's id formula gives P1's Patient id")

if failures:
    print("%d failures" % len(failures), file=sys.stderr)
    sys.exit(1)
