#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The data steward's journey with the keyboard alone, read back over
AT-SPI: `cohortscope` without a file, Ctrl+3 for the Mapping page, Ctrl+O and
the path typed in the file chooser (clinical.csv, a Lung1-shaped table
written for the tests); the table's columns and the Patient its first row
becomes in the suggested mapping's preview; Ctrl+Shift+V validates and the
summary and problems are read; Tab to the problem list and Enter jumps to the
problem's row in the Rows grid. Keys are real X key events (xdotool).

Run under Xvfb and dbus-run-session (tests/gui/meson.build does). Exit 0 on
success, 1 on failure (also when the app never reaches the accessibility bus in
three fresh sessions), 77 only when a tool of scripts/deps-debian.txt is missing.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

try:
    import gi
    gi.require_version("Atspi", "2.0")
    import pyatspi
except (ImportError, ValueError) as e:
    print(f"SKIP: pyatspi not available: {e}")
    sys.exit(77)

import importlib.util

spec = importlib.util.spec_from_file_location(
    "cs_atspi", os.path.join(os.path.dirname(os.path.abspath(__file__)), "test-atspi.py"))
cs_atspi = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cs_atspi)

TIMEOUT = 60.0
COLUMNS = ["PatientID", "clinical.T.Stage", "Histology", "deadstatus.event"]
PREVIEW = "Preview of the selected row (FHIR JSON)"
SUMMARY = re.compile(r"^\d+ rows: \d+ resources, \d+ rows rejected; \d+ errors, \d+ warnings\.$")
PROBLEM = re.compile(r"clinical\.csv: row (\d+) \(line \d+\)")


def journey(app, pid, table):
    if shutil.which("xdotool") is None:
        print("SKIP: xdotool is not installed (package xdotool, in scripts/deps-debian.txt)")
        return 77
    say = cs_atspi.say
    keys = cs_atspi.keys
    wait_for = cs_atspi.wait_for
    accessibles = cs_atspi.accessibles

    out = subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--pid", str(pid)],
                         capture_output=True, text=True, timeout=30, check=True).stdout.split()
    keys("windowfocus", "--sync", out[-1])

    # Open the table: Ctrl+3, Ctrl+O, the path typed in the chooser
    keys("key", "ctrl+3")
    wait_for("the Mapping page", lambda: next((n for _a, n, _d in accessibles(app) if n == "Map a Table to FHIR"), None))
    keys("key", "ctrl+o")
    cs_atspi.type_path_in_chooser(app, table, "Open a Table")
    say(f"OK: Ctrl+3, Ctrl+O and the path typed open {os.path.basename(table)}")

    # The suggested mapping at once: the columns, and the first row's Patient
    def opened():
        app.clear_cache()
        found = set()
        preview = None
        for acc in cs_atspi.walk(app):
            try:
                name = acc.name
            except Exception:
                continue
            if name in COLUMNS:
                found.add(name)
            elif name == PREVIEW:
                preview = cs_atspi.text_of(acc)
        if len(found) == len(COLUMNS) and preview and '"resourceType": "Patient"' in preview and "CASE-001" in preview:
            return found
        return None
    found = wait_for("the table's columns and the previewed Patient of CASE-001", opened, TIMEOUT)
    say(f"OK: columns {sorted(found)} and the suggested mapping's Patient of CASE-001 in the preview")

    # Validate with its shortcut, wherever the focus is on the page
    keys("key", "ctrl+shift+v")
    summary = wait_for("the validation's summary",
                       lambda: next((n for _a, n, _d in accessibles(app) if SUMMARY.search(n)), None), TIMEOUT)
    say(f"OK: Ctrl+Shift+V validated: {summary!r}")
    problems = wait_for("the listed problems", lambda: listed_problems(app), 20.0)
    say(f"OK: {len(problems)} problems read, the first {problems[0]!r}")

    # Tab to the problem list, Enter: its row in the Rows grid
    row = int(PROBLEM.search(problems[0]).group(1))
    lst = problem_list(app)
    for presses in range(1, 61):
        keys("key", "Tab")
        time.sleep(0.2)
        name = focused_problem(lst)
        if name:
            break
    else:
        raise cs_atspi.JourneyError("Tab never reached a problem in the Problems list")
    say(f"OK: {presses} presses of Tab reached the problem {name!r}")
    keys("key", "Return")
    selected = wait_for("the problem's row selected in the Rows grid", lambda: selected_row(app), 20.0)
    if f"CASE-{row:03d}" not in selected:
        raise cs_atspi.JourneyError(f"Enter on a problem of row {row} selected the row {selected!r}")
    say(f"OK: Enter on it selected row {row} in the Rows grid: {selected!r}")
    return 0


def problem_list(app):
    app.clear_cache()
    return next((a for a in cs_atspi.walk(app, prune=cs_atspi.pruned) if (a.name or "") == "Problems of all rows"),
                None)


def texts(acc):
    """The names and texts of acc and everything below it"""
    for a in cs_atspi.walk(acc):
        for t in (a.name, cs_atspi.text_of(a)):
            if t:
                yield a, t


def listed_problems(app):
    lst = problem_list(app)
    if lst is None:
        return None
    return [t for _a, t in texts(lst) if PROBLEM.search(t)] or None


def focused_problem(lst):
    """The text of the problem in the list lst that has the focus (its row,
    or inside it)"""
    lst.clear_cache()
    for a in cs_atspi.walk(lst):
        if cs_atspi.focused(a):
            return next((t for _b, t in texts(a) if PROBLEM.search(t)), None)
    return None


def selected_row(app):
    """The text of the Rows grid's selected row, or None"""
    import pyatspi
    app.clear_cache()
    grid = next((a for a in cs_atspi.walk(app) if (a.name or "") == "Rows of the table"), None)
    if grid is None:
        return None
    for acc in cs_atspi.walk(grid):
        try:
            if acc.getState().contains(pyatspi.STATE_SELECTED):
                return " ".join(filter(None, (c.name for c in cs_atspi.walk(acc))))
        except Exception:
            continue
    return None


def main():
    gui = os.environ.get("CS_GUI")
    src = os.environ.get("G_TEST_SRCDIR")
    if not gui or not os.path.exists(gui) or not src:
        print("FAIL: CS_GUI or G_TEST_SRCDIR is not set")
        return 1
    if not os.environ.get("DISPLAY"):
        print("SKIP: no DISPLAY (run under xvfb-run)")
        return 77
    table = os.path.join(src, "..", "mapping-assist", "data", "clinical.csv")

    tmp = tempfile.mkdtemp(prefix="cohortscope-mapping-atspi-")
    env = dict(os.environ)
    env.pop("NO_AT_BRIDGE", None)
    env["XDG_CACHE_HOME"] = os.path.join(tmp, "cache")
    env["XDG_CONFIG_HOME"] = os.path.join(tmp, "config")
    env["GTK_A11Y"] = "atspi"
    env.setdefault("GSETTINGS_BACKEND", "memory")

    log = os.path.join(tmp, "cohortscope.log")
    proc = cs_atspi.start_app(gui, env, log, [])
    try:
        desktop = pyatspi.Registry.getDesktop(0)
        deadline = time.monotonic() + TIMEOUT
        app = None
        while app is None and time.monotonic() < deadline:
            if proc.poll() is not None:
                print(f"FAIL: cohortscope exited with status {proc.returncode}")
                with open(log) as err:
                    print(err.read(), file=sys.stderr)
                return 1
            app = cs_atspi.find_app(desktop, proc.pid)
            time.sleep(0.5)
        if app is None:
            print("note: the application did not appear on the accessibility bus")
            return cs_atspi.NOT_ON_BUS
        try:
            return journey(app, proc.pid, os.path.abspath(table))
        except (cs_atspi.JourneyError, subprocess.SubprocessError, IndexError) as e:
            print(f"FAIL: data steward's journey: {e}; what the application shows:")
            cs_atspi.dump(app)
            return 1
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main() if sys.argv[1:] == ["--inner"] else cs_atspi.outer(os.path.abspath(__file__)))
