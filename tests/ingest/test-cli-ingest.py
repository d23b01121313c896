#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""What `cohortscope-cli` says about sources the ingest refuses or skips.

- a bulk-export folder with a log that is not FHIR loads, with a warning on
  stderr naming the log; the log given directly fails (exit 1);
- a FIFO given as --source fails at once with a message (it used to block);
- ids that break the FHIR id rule (p\\u00001 and p\\u00002 used to become one
  patient "p") and a number that underflows fail, naming file, byte, path;
- a Patient holding more values than one resource may fails at the limit.
Fails when CS_CLI does not name the built CLI (never skips).
"""
import os
import subprocess
import sys
import tempfile

CLI = os.environ.get("CS_CLI")
failures = []


def check(condition, message):
    if condition:
        print("ok: " + message)
    else:
        failures.append(message)
        print("FAIL: " + message)


def run(*args, timeout=60):
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=timeout)


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    if not CLI or not os.access(CLI, os.X_OK):
        print("FAIL: CS_CLI does not name the built cohortscope-cli (tests/meson.build sets it)")
        return 1

    with tempfile.TemporaryDirectory(prefix="cs-cli-ingest-") as tmp:
        # ---------------------------------------------------- a bulk export
        bulk = os.path.join(tmp, "bulk")
        os.mkdir(bulk)
        write(os.path.join(bulk, "Patient.ndjson"),
              '{"resourceType":"Patient","id":"a","gender":"female"}\n'
              '{"resourceType":"Patient","id":"b","gender":"male"}\n')
        write(os.path.join(bulk, "Observation.ndjson"),
              '{"resourceType":"Observation","id":"o1","status":"final","subject":{"reference":"Patient/a"},'
              '"code":{"coding":[{"system":"http://loinc.org","code":"8302-2"}]},'
              '"valueQuantity":{"value":170,"unit":"cm","system":"http://unitsofmeasure.org","code":"cm"}}\n')
        log = os.path.join(bulk, "log.ndjson")
        write(log, '{"time":"2024-05-01T10:00:00Z","level":"info","message":"export started"}\n')

        for extra in ([], ["--json"]):
            r = run("summary", "--source", bulk, *extra)
            check(r.returncode == 0, "a folder with a non-FHIR log loads (summary %s): exit %d, %s"
                  % (" ".join(extra), r.returncode, r.stderr.strip()))
            warning = "warning: skipped a file that is not FHIR: %s: byte 0: " % log
            check(r.stderr.count(warning) == 1, "the log is named once on stderr: %r" % r.stderr)
        r = run("table", "--source", bulk, "--format", "csv")
        check(r.returncode == 0 and r.stdout.splitlines()[0].startswith("patient,")
              and len(r.stdout.splitlines()) == 3, "table of the folder: %r" % r.stdout)
        check("log.ndjson" in r.stderr, "table warns too: %r" % r.stderr)

        r = run("summary", "--source", log, "--json")
        check(r.returncode == 1 and r.stdout == "", "the log given directly fails: exit %d" % r.returncode)
        check("%s: byte 0: the object has no resourceType" % log in r.stderr, "and says why: %r" % r.stderr)

        # ---------------------------------------------------------- a FIFO
        fifo = os.path.join(tmp, "pipe.ndjson")
        os.mkfifo(fifo)
        try:
            r = run("summary", "--source", fifo, timeout=20)
            check(r.returncode == 1, "a FIFO as --source fails: exit %d" % r.returncode)
            check("Cannot read %s: it is a named pipe (FIFO), not a file or folder" % fifo in r.stderr,
                  "and says what it is: %r" % r.stderr)
        except subprocess.TimeoutExpired:
            check(False, "a FIFO as --source blocks")

        # ------------------------------------------------------------ ids
        ids = os.path.join(tmp, "ids.ndjson")
        write(ids, '{"resourceType":"Patient","id":"p\\u00001"}\n{"resourceType":"Patient","id":"p\\u00002"}\n')
        r = run("summary", "--source", ids, "--json")
        check(r.returncode == 1 and r.stdout == "", "ids with a NUL fail: exit %d, %r" % (r.returncode, r.stdout))
        check('%s: byte 0: the id "p\\u00001" is not a FHIR id' % ids in r.stderr, "named: %r" % r.stderr)

        # --------------------------------------------------------- numbers
        tiny = os.path.join(tmp, "tiny.json")
        write(tiny, '{"resourceType":"Bundle","type":"collection","entry":[{"resource":'
                    '{"resourceType":"Observation","id":"o","valueQuantity":{"value":1.0e-400}}}]}')
        r = run("summary", "--source", tiny, "--json")
        check(r.returncode == 1, "an underflowing number fails: exit %d" % r.returncode)
        check("%s: byte 130 at entry[0].resource.valueQuantity.value: the number 1.0e-400 is out of range"
              % tiny in r.stderr, "named: %r" % r.stderr)

        # ------------------------------------------- one resource too large
        hostile = os.path.join(tmp, "hostile.json")
        with open(hostile, "w") as f:
            f.write('{"resourceType":"Patient","id":"h","x":[0')
            f.write(",0" * 4_100_000)
            f.write("]}")
        r = run("summary", "--source", hostile, "--json", timeout=120)
        check(r.returncode == 1, "a Patient of 4.1 million values fails: exit %d" % r.returncode)
        check("%s: byte 8000032 at x[3999996]: the resource starting at byte 0 holds more than 4000000 JSON "
              "values, the limit for one resource" % hostile in r.stderr, "at the limit: %r" % r.stderr)

    if failures:
        print("%d checks failed" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
