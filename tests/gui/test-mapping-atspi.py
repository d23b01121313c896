#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Starts `cohortscope clinical.csv` (a Lung1-shaped table written for the
tests) and, through AT-SPI, finds the table's columns on the Mapping page and
the Patient its first row becomes in the preview.

Run under Xvfb and dbus-run-session (tests/gui/meson.build does). Exit 0 on
success, 1 on failure (also when the app never reaches the accessibility bus in
three fresh sessions), 77 only when a tool of scripts/deps-debian.txt is missing.
"""
import os
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
    proc = cs_atspi.start_app(gui, env, log, [table])
    try:
        desktop = pyatspi.Registry.getDesktop(0)
        deadline = time.monotonic() + TIMEOUT
        app = None
        found_columns = set()
        preview = None
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                print(f"FAIL: cohortscope exited with status {proc.returncode}")
                with open(log) as err:
                    print(err.read(), file=sys.stderr)
                return 1
            if app is None:
                app = cs_atspi.find_app(desktop, proc.pid)
            if app is not None:
                app.clear_cache()
                for acc in cs_atspi.walk(app):
                    try:
                        name = acc.name
                    except Exception:
                        continue
                    if name in COLUMNS:
                        found_columns.add(name)
                    elif name == PREVIEW:
                        preview = cs_atspi.text_of(acc)
                if (len(found_columns) == len(COLUMNS) and preview
                        and '"resourceType": "Patient"' in preview and "CASE-001" in preview):
                    print(f"OK: columns {sorted(found_columns)} and the previewed Patient of CASE-001")
                    return 0
            time.sleep(0.5)
        if app is None:
            print("note: the application did not appear on the accessibility bus")
            return cs_atspi.NOT_ON_BUS
        print(f"FAIL: columns found {sorted(found_columns)}, preview {preview[:200] if preview else preview!r}")
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
