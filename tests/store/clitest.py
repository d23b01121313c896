# clitest.py: what the store's CLI tests share: checks that collect
# failures, and running cohortscope-cli ($CS_CLI) with an expected exit status.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import subprocess
import sys

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL: " + message, file=sys.stderr)


def run(*args, expect=0):
    """(stdout, stderr) of cohortscope-cli ARGS; exits the test when the status is not expect."""
    proc = subprocess.run([os.environ["CS_CLI"], *args], capture_output=True, text=True)
    if proc.returncode != expect:
        print(proc.stderr, file=sys.stderr)
        raise SystemExit("%s exited %d, expected %d" % (" ".join(args), proc.returncode, expect))
    return proc.stdout, proc.stderr


def finish():
    """The exit status: 1 when a check failed."""
    if failures:
        print("%d failures" % len(failures), file=sys.stderr)
        return 1
    print("all checks passed")
    return 0
