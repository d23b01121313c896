#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Starts `cohortscope --demo` and reads the patient count through AT-SPI.

The count label is found by its accessible description "Patient count" (in
GTK 4.8 a label's accessible name is always its text).

Run as `test-atspi.py` (tests/gui/meson.build does): it starts a fresh
Xvfb (CS_RUN_WITH_XVFB) and D-Bus session (CS_DBUS_RUN_SESSION) and runs
itself inside them with --inner. When the application never shows up on the
accessibility bus, the session is thrown away and a fresh one is tried,
SESSIONS times in all; then the test FAILS. Exit 0 on success, 1 on failure,
77 (skip) only when a tool from scripts/deps-debian.txt is not installed.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

SESSIONS = 3
# --inner's exit status when the application never reached the bus
NOT_ON_BUS = 3
SKIP = 77

EXPECTED = "400 of 400 patients"
# how long the application may take to reach the accessibility bus, and then
# to show the demo cohort's count
APPEAR_TIMEOUT = 45.0
COUNT_TIMEOUT = 60.0


def walk(acc, depth=0):
    """Yields every accessible below acc (depth-first)."""
    if acc is None or depth > 60:
        return
    yield acc
    try:
        n = acc.childCount
    except Exception:
        return
    for i in range(n):
        try:
            child = acc.getChildAtIndex(i)
        except Exception:
            continue
        yield from walk(child, depth + 1)


def find_app(desktop, pid):
    for i in range(desktop.childCount):
        app = desktop.getChildAtIndex(i)
        try:
            if app is not None and app.get_process_id() == pid:
                return app
        except Exception:
            continue
    return None


def text_of(acc):
    try:
        text = acc.queryText()
        return text.getText(0, -1)
    except NotImplementedError:
        return None
    except Exception:
        return None


def start_app(gui, env, log, args=None):
    """Starts the app with its stderr in the file log. When the X server
    refuses the connection right after it started (seen when several Xvfb
    servers start at once on a loaded machine: "cannot open display"),
    tries again up to three times; any other early exit is left for the
    caller to report."""
    for attempt in range(4):
        with open(log, "w") as err:
            proc = subprocess.Popen([gui] + (args if args is not None else ["--demo"]), env=env, stderr=err)
        try:
            proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            return proc
        with open(log) as err:
            text = err.read()
        if "cannot open display" not in text or attempt == 3:
            return proc
        print(f"note: {text.strip()}; starting again", file=sys.stderr)
        time.sleep(1)
    return proc


def inner():
    """One attempt inside a session made by outer()."""
    try:
        import gi
        gi.require_version("Atspi", "2.0")
        import pyatspi
    except (ImportError, ValueError) as e:
        print(f"SKIP: pyatspi is not available ({e}); python3-pyatspi and gir1.2-atspi-2.0 "
              "are in scripts/deps-debian.txt")
        return SKIP

    gui = os.environ.get("CS_GUI")
    if not gui or not os.path.exists(gui):
        print("FAIL: CS_GUI does not name the cohortscope binary")
        return 1
    if not os.environ.get("DISPLAY"):
        print("FAIL: --inner runs without a DISPLAY; run test-atspi.py without arguments")
        return 1

    tmp = tempfile.mkdtemp(prefix="cohortscope-atspi-")
    env = dict(os.environ)
    env.pop("NO_AT_BRIDGE", None)
    env["XDG_CACHE_HOME"] = os.path.join(tmp, "cache")
    env["XDG_CONFIG_HOME"] = os.path.join(tmp, "config")
    env["GTK_A11Y"] = "atspi"
    env.setdefault("GSETTINGS_BACKEND", "memory")

    log = os.path.join(tmp, "cohortscope.log")
    proc = start_app(gui, env, log)
    try:
        desktop = pyatspi.Registry.getDesktop(0)
        started = time.monotonic()
        deadline = started + APPEAR_TIMEOUT
        app = None
        last_text = None
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                print(f"FAIL: cohortscope exited with status {proc.returncode}")
                with open(log) as err:
                    print(err.read(), file=sys.stderr)
                return 1
            if app is None:
                app = find_app(desktop, proc.pid)
                if app is not None:
                    print(f"note: on the accessibility bus after {time.monotonic() - started:.1f} s")
                    deadline = time.monotonic() + COUNT_TIMEOUT
            if app is not None:
                # GTK 4.8 does not announce every change of a GtkStack's
                # visible page; read the tree afresh each time.
                app.clear_cache()
                for acc in walk(app):
                    try:
                        description = acc.description
                    except Exception:
                        continue
                    if description == "Patient count":
                        # A label's accessible name is its text
                        last_text = text_of(acc) or acc.name
                        break
                if last_text == EXPECTED:
                    print(f"OK: the 'Patient count' label reads {last_text!r}")
                    return 0
            time.sleep(0.5)
        if app is None:
            print(f"note: the application did not appear on the accessibility bus within "
                  f"{APPEAR_TIMEOUT:.0f} s")
            return NOT_ON_BUS
        print(f"FAIL: 'Patient count' text is {last_text!r}, expected {EXPECTED!r}")
        return 1
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def outer():
    """Runs inner() in a fresh Xvfb and D-Bus session, again in a new pair
    while the application does not reach the accessibility bus."""
    xvfb = os.environ.get("CS_RUN_WITH_XVFB")
    dbus = os.environ.get("CS_DBUS_RUN_SESSION") or shutil.which("dbus-run-session")
    if not xvfb or not os.path.exists(xvfb):
        print("FAIL: CS_RUN_WITH_XVFB does not name tests/gui/run-with-xvfb.sh")
        return 1
    if not dbus:
        print("SKIP: dbus-run-session is not installed (package dbus, in scripts/deps-debian.txt)")
        return SKIP
    command = [xvfb, dbus, "--", sys.executable, os.path.abspath(__file__), "--inner"]
    for session in range(1, SESSIONS + 1):
        sys.stdout.flush()
        status = subprocess.call(command)
        if status != NOT_ON_BUS:
            return status
        if session < SESSIONS:
            print(f"note: session {session} of {SESSIONS}: starting a fresh Xvfb and D-Bus session")
    print(f"FAIL: cohortscope never appeared on the accessibility bus, in {SESSIONS} fresh "
          "Xvfb and D-Bus sessions")
    return 1


def main():
    if sys.argv[1:] == ["--inner"]:
        return inner()
    if sys.argv[1:]:
        print("usage: test-atspi.py [--inner]", file=sys.stderr)
        return 2
    return outer()


if __name__ == "__main__":
    sys.exit(main())
