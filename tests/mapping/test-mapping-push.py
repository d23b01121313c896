#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Idempotence against a real FHIR server (tests/fhir/server: the
@medplum/fhir-router in-memory server): `map` output pushed twice adds
nothing the second time; an unchanged re-run of `map` writes identical
bytes and `push --dry-run` finds every resource unchanged; a changed value
updates its resource instead of adding one; and what the server holds
loads into the same table as the file."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.request

CLI = os.environ.get("CS_CLI")
ROOT = os.environ.get("CS_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
SERVER_DIR = os.path.join(ROOT, "tests", "fhir", "server")
MINI = os.path.join(ROOT, "tests", "mapping", "data", "lung1-mini", "lung1")
MAPPING = os.path.join(ROOT, "examples", "lung1", "lung1.json")

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)
    else:
        print("ok:", what)


def cli(*args):
    p = subprocess.run([CLI, *args], capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        print(p.stdout[-2000:], p.stderr[-4000:], file=sys.stderr)
        raise SystemExit("cohortscope-cli %s exited with %d" % (" ".join(args), p.returncode))
    return p


def start_server():
    if not CLI or not os.path.exists(CLI):
        raise SystemExit("CS_CLI not set or not built")
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise SystemExit("node and npm are needed (scripts/deps-debian.txt installs them)")
    npm = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=SERVER_DIR, capture_output=True, text=True,
                         timeout=900)
    if npm.returncode != 0:
        print(npm.stdout[-2000:], npm.stderr[-2000:])
        raise SystemExit("npm ci failed in tests/fhir/server")
    proc = subprocess.Popen(["node", "server.mjs", "0"], cwd=SERVER_DIR, stdout=subprocess.PIPE, text=True)
    port = []
    reader = threading.Thread(target=lambda: port.append(int(proc.stdout.readline().split()[1])), daemon=True)
    reader.start()
    reader.join(180)
    if not port:
        proc.kill()
        raise SystemExit("the test FHIR server did not start")
    return proc, port[0]


def counts(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/_cs/counts" % port, timeout=60) as answer:
        return json.load(answer)


def push(port, path, *extra):
    return json.loads(cli("push", "--server", "http://127.0.0.1:%d/" % port, path, "--json", *extra).stdout)


def map_to(out, clinical, *extra):
    cli("map", "--mapping", MAPPING, "--input", "clinical=" + clinical,
        "--input", "dicom=" + os.path.join(MINI, "nsclc-radiomics_dicom_uids.csv"),
        "-o", out, "--format", "ndjson", *extra)
    with open(out) as f:
        return f.read()


tmp = tempfile.mkdtemp(prefix="cs-map-push-")
proc, port = start_server()
try:
    clinical = os.path.join(MINI, "NSCLC-Radiomics-Lung1.clinical-version3-Oct-2019.csv")
    first = os.path.join(tmp, "first.ndjson")
    text = map_to(first, clinical)
    n = len(text.splitlines())

    result = push(port, first)
    check(result["created"] == n and result["failed"] == 0, "the first push creates all %d resources: %r" % (n, result))
    after_first = counts(port)

    result = push(port, first)
    check(result["created"] == 0 and result["updated"] == 0 and result["unchanged"] == n,
          "pushing it again adds and changes nothing: %r" % result)
    check(counts(port) == after_first, "the server's counts are the same")

    again = os.path.join(tmp, "again.ndjson")
    check(map_to(again, clinical) == text, "an unchanged re-run of map writes identical bytes")
    result = push(port, again, "--dry-run")
    check(result["unchanged"] == n and result["created"] == 0 and result["updated"] == 0,
          "push --dry-run of the re-run reports every resource unchanged: %r" % result)

    # one survival time changes: its Observation is updated, nothing is added
    # but the new run's Provenance (the inputs' bytes changed)
    changed = os.path.join(tmp, "changed.csv")
    with open(clinical) as f:
        content = f.read()
    with open(changed, "w") as f:
        f.write(content.replace("LUNG1-901,1200,", "LUNG1-901,1300,"))
    third = os.path.join(tmp, "changed.ndjson")
    map_to(third, changed)
    result = push(port, third, "--dry-run")
    check(result["updated"] == 1 and result["created"] == 1 and result["unchanged"] == n - 2,
          "a changed value: 1 update, and only the new Provenance to create: %r" % result)
    push(port, third)
    after = counts(port)
    check(after.get("Observation") == after_first.get("Observation") and
          after.get("Provenance") == after_first.get("Provenance", 0) + 1,
          "no Observation was added, one Provenance was: %r" % after)

    # the server's data load into the same table as the file
    server_table = cli("table", "--source", "http://127.0.0.1:%d/" % port, "--no-cache", "--format", "csv").stdout
    file_table = cli("table", "--source", third, "--format", "csv").stdout
    check(server_table == file_table, "the table from the server is the table from the file")
finally:
    proc.kill()
    proc.wait()
    shutil.rmtree(tmp)

if failures:
    print("%d failures" % len(failures), file=sys.stderr)
    sys.exit(1)
