#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Starts `cohortscope --demo`, reads the patient count through AT-SPI, then
walks the clinician's journey with real key events (xdotool) across the
three views, reading what a screen reader gets (see journey()).

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


def walk(acc, depth=0, prune=None):
    """Yields every accessible below acc (depth-first), not below those for
    which prune(acc) is true."""
    if acc is None or depth > 60:
        return
    yield acc
    if prune is not None and prune(acc):
        return
    try:
        n = acc.childCount
    except Exception:
        return
    for i in range(n):
        try:
            child = acc.getChildAtIndex(i)
        except Exception:
            continue
        yield from walk(child, depth + 1, prune)


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
    # where the journey's export goes (inherited by journey() through os.environ)
    os.environ["CS_JOURNEY_DIR"] = tmp

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
                    return journey(app, proc.pid)
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


def wait_for(what, find, timeout=30.0):
    """Calls find() (None: not yet) until it answers or timeout s pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = find()
        if found is not None:
            return found
        time.sleep(0.3)
    raise JourneyError(f"{what}: not seen within {timeout:.0f} s")


class JourneyError(Exception):
    pass


# The patient table holds thousands of cells and the variable list hundreds
# of widgets; what the journey reads is never inside a table or a list, and
# walking them over D-Bus takes seconds each time.
PRUNED_ROLES = {"table", "tree table", "list"}


def pruned(acc):
    try:
        return acc.getRoleName() in PRUNED_ROLES
    except Exception:
        return True


def accessibles(app):
    app.clear_cache()
    for acc in walk(app, prune=pruned):
        try:
            yield acc, acc.name or "", acc.description or ""
        except Exception:
            continue


def patient_count(app):
    for acc, _name, description in accessibles(app):
        if description == "Patient count":
            return text_of(acc) or acc.name
    return None


def keys(*args):
    """Real key events through the X server (XTEST), as a keyboard makes them."""
    subprocess.run(["xdotool", *args], check=True, timeout=30)


def say(text, started=[]):
    if not started:
        started.append(time.monotonic())
    print(f"{text} ({time.monotonic() - started[0]:.1f} s)")


def focused(acc):
    import pyatspi
    try:
        return acc.getState().contains(pyatspi.STATE_FOCUSED)
    except Exception:
        return False


def type_path_in_chooser(app, path, title):
    """In GTK's file chooser (what GtkFileChooserNative shows without a
    portal): Ctrl+L for the location entry (a save dialog's name entry takes
    a whole path too), select what is there, type the path, Enter."""
    def chooser():
        # (GTK 4.8 does not put the chooser on the accessibility bus at
        # once: look for its X window)
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{title}$"],
                               capture_output=True, text=True, timeout=30).stdout.split()
        return found[-1] if found else None

    window = wait_for(f"the file chooser “{title}”", chooser, 20.0)
    keys("windowfocus", "--sync", window)
    time.sleep(0.5)
    keys("key", "ctrl+l")
    time.sleep(0.3)
    keys("key", "ctrl+a")
    keys("type", "--delay", "10", path)
    time.sleep(0.3)
    keys("key", "Return")


def dump(app):
    """What is showing, and what has the focus: for a failure's message"""
    import pyatspi
    for acc, name, _d in accessibles(app):
        try:
            state = acc.getState()
            flags = "".join(f" ({s})" for s, v in (("showing", pyatspi.STATE_SHOWING),
                                                     ("focused", pyatspi.STATE_FOCUSED)) if state.contains(v))
            if name or flags:
                print(f"  {acc.getRoleName()}: {name!r}{flags}", file=sys.stderr)
        except Exception as e:
            print(f"  ? {e}", file=sys.stderr)


def export_by_keyboard(app):
    """Explore's Export menu by its mnemonic (Alt+E), Down to "Data as
    CSV…" and Enter, the path typed in the file chooser: the file is
    written."""
    out = os.path.join(os.environ.get("CS_JOURNEY_DIR", tempfile.gettempdir()), "pair-data.csv")
    if os.path.exists(out):
        os.unlink(out)
    keys("key", "alt+e")
    def open_menu():
        # GTK 4.8 does not say SHOWING of a popover's items; an item of the
        # open menu has the focus
        items = [a for a, _n, _d in accessibles(app) if a.getRoleName() == "menu item"]
        if not any(focused(a) for a in items):
            return None
        return next((a for a in items if (a.name or "").replace("_", "") == "Data as CSV…"), None)

    menu = wait_for("the Export menu after Alt+E", open_menu, 10.0)
    say("OK: Alt+E opened the Export menu")
    # the menu's items, in order: Down until "Data as CSV…" has the focus
    for _ in range(12):
        app.clear_cache()
        if focused(menu):
            break
        keys("key", "Down")
        time.sleep(0.2)
    else:
        raise JourneyError("Down never reached “Data as CSV…” in the Export menu")
    keys("key", "Return")
    type_path_in_chooser(app, out, "Export")
    wait_for(f"{out} written by the export", lambda: out if os.path.exists(out) and os.path.getsize(out) > 0
             else None, 20.0)
    with open(out, encoding="utf-8") as f:
        header = f.readline().strip()
    if "," not in header:
        raise JourneyError(f"the exported CSV's first line is {header!r}, not a header")
    say(f"OK: exported the pair chart's data by keyboard ({os.path.getsize(out)} bytes, header {header!r})")


def journey(app, pid):
    """The clinician's journey with the keyboard alone, read back over
    AT-SPI: filter the cohort (Ctrl+E, type, Enter) and read the dashboard's
    words; Explore (Ctrl+2): the heat map's words, Tab to it, move the focus
    cell, Enter for its pair chart; the Mapping page (Ctrl+3). Keys are real
    X key events (xdotool), so focus traps and unreachable controls fail.
    Then the Export menu by keyboard writes the pair chart's data
    (export_by_keyboard)."""
    if shutil.which("xdotool") is None:
        print("SKIP: xdotool is not installed (package xdotool, in scripts/deps-debian.txt)")
        return SKIP
    say("keyboard journey")
    try:
        out = subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--pid", str(pid)],
                             capture_output=True, text=True, timeout=30, check=True).stdout.split()
        keys("windowfocus", "--sync", out[-1])

        # Cohort: a filter typed in the Advanced entry
        keys("key", "ctrl+e")
        time.sleep(0.5)
        keys("type", "--delay", "20", "age_at_diagnosis >= 70")
        keys("key", "Return")
        count = wait_for("the filtered patient count",
                         lambda: (lambda t: t if t and t != EXPECTED and t.endswith(" of 400 patients")
                                  else None)(patient_count(app)))
        say(f"OK: typed a filter; the count reads {count!r}")
        words = wait_for("the dashboard chart's description",
                         lambda: next((d for _a, n, d in accessibles(app)
                                       if n == "Chart stage_group" and "patients in the cohort" in d), None))
        say(f"OK: the stage chart says {words!r}")

        # Explore: the heat map's words, reached and walked with the keyboard
        keys("key", "ctrl+2")
        heat = wait_for("the heat map's description",
                        lambda: next((a for a, _n, d in accessibles(app)
                                      if "heat map of ρ" in d and "strongest: " in d), None), 90.0)
        say(f"OK: the heat map says {heat.description!r}")
        cell = None
        for _ in range(40):
            keys("key", "Tab")
            time.sleep(0.3)
            app.clear_cache()
            name = heat.name or ""
            if " × " in name and "ρ = " in name:
                cell = name
                break
        if cell is None:
            raise JourneyError("Tab never reached the heat map (a focus trap, or it is not focusable)")
        say(f"OK: Tab reached the heat map; its focus cell reads {cell!r}")
        keys("key", "Right")
        moved = wait_for("the focus cell after Right",
                         lambda: (lambda n: n if n != cell and " × " in n else None)(heat.name or ""), 10.0)
        say(f"OK: Right moved it to {moved!r}")
        keys("key", "Return")
        pair = wait_for("the pair chart's description after Enter",
                        lambda: next((d for _a, n, d in accessibles(app)
                                      if n == "Pair chart" and d.startswith(("Scatter plot", "Box plot",
                                                                             "Bar chart", "Histogram"))),
                                     None))
        say(f"OK: Enter opened the pair chart, which says {pair!r}")

        export_by_keyboard(app)

        # Mapping: with no table open, the page that says how to start
        keys("key", "ctrl+3")
        wait_for("the Mapping page",
                 lambda: next((n for _a, n, _d in accessibles(app) if n == "Map a Table to FHIR"), None))
        say("OK: Ctrl+3 shows the Mapping page, ready to open a table")
        return 0
    except (JourneyError, subprocess.SubprocessError, IndexError) as e:
        print(f"FAIL: keyboard journey: {e}; what the application shows:")
        dump(app)
        return 1


def outer(script=None):
    """Runs script --inner (this file's inner() by default) in a fresh Xvfb
    and D-Bus session, again in a new pair while the application does not
    reach the accessibility bus (exit status NOT_ON_BUS); then fails."""
    xvfb = os.environ.get("CS_RUN_WITH_XVFB")
    dbus = os.environ.get("CS_DBUS_RUN_SESSION") or shutil.which("dbus-run-session")
    if not xvfb or not os.path.exists(xvfb):
        print("FAIL: CS_RUN_WITH_XVFB does not name tests/gui/run-with-xvfb.sh")
        return 1
    if not dbus:
        print("SKIP: dbus-run-session is not installed (package dbus, in scripts/deps-debian.txt)")
        return SKIP
    command = [xvfb, dbus, "--", sys.executable, script or os.path.abspath(__file__), "--inner"]
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
