#!/usr/bin/env python3
"""The Flatpak manifest (flatpak/*.json) and the install tree it builds.

  test-flatpak.py manifest SOURCE_ROOT
      flatpak-builder --show-manifest reads the manifest without a warning;
      the sandbox is the minimal one (network, IPC, Wayland with X11 as
      fallback, DRI; no --filesystem on home or host, no direct access to the
      Secret Service: libsecret goes through the Secret portal); the GNOME
      runtime and SDK; the app module builds with meson.

  test-flatpak.py tree SOURCE_ROOT
      configures the project as flatpak-builder does (--prefix=/app
      --libdir=lib --buildtype=release plus the module's own config-opts, read
      from the manifest), builds what is installed, installs it into a DESTDIR
      and checks the tree: both binaries (and the manifest's command), the
      desktop file, metainfo, icons, GSettings schema, the German catalogue
      and the help in C and German, nothing outside /app.

The GNOME runtime cannot be downloaded here, so this is what can be tested of
a real `flatpak-builder --user --install` (README). Skips (77) only when
flatpak-builder is not installed (Debian package flatpak-builder).
"""
import configparser
import glob
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

mode, root = sys.argv[1], os.path.abspath(sys.argv[2])
failures = []


def fail(message):
    failures.append(message)
    print("FAIL:", message, flush=True)


def finish():
    if failures:
        print(f"{len(failures)} problems")
        sys.exit(1)
    print("OK")
    sys.exit(0)


manifests = sorted(glob.glob(os.path.join(root, "flatpak", "*.json")))
if len(manifests) != 1:
    print(f"FAIL: expected one manifest in flatpak/, found {manifests}")
    sys.exit(1)
manifest_path = manifests[0]
with open(manifest_path, encoding="utf-8") as f:
    manifest = json.load(f)
app_id = manifest.get("id") or manifest.get("app-id")
command = manifest.get("command")
module = next((m for m in manifest.get("modules", []) if isinstance(m, dict) and m.get("name") == "cohortscope"), None)
if module is None:
    print("FAIL: the manifest has no module named cohortscope")
    sys.exit(1)
config_opts = module.get("config-opts", [])
print(f"manifest {os.path.relpath(manifest_path, root)}: {app_id}, command {command}, config-opts {config_opts}")


def check_manifest():
    if os.path.basename(manifest_path) != f"{app_id}.json":
        fail(f"the manifest is named {os.path.basename(manifest_path)}, not after its id {app_id}")
    if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
        fail(f"runtime {manifest.get('runtime')} / sdk {manifest.get('sdk')}: use org.gnome.Platform and "
             "org.gnome.Sdk (GTK 4, libadwaita, libsoup 3, json-glib, libsecret and GtkSourceView 5 are in them)")
    if not re.fullmatch(r"\d+", str(manifest.get("runtime-version", ""))):
        fail(f"runtime-version {manifest.get('runtime-version')!r} is not a GNOME release such as \"49\"")
    if module.get("buildsystem") != "meson":
        fail(f"the cohortscope module's buildsystem is {module.get('buildsystem')}, not meson")

    args = manifest.get("finish-args", [])
    for needed in ("--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11", "--device=dri"):
        if needed not in args:
            fail(f"finish-args lack {needed}")
    for arg in args:
        if arg.startswith("--filesystem=") and arg.split("=", 1)[1].split(":")[0] in ("home", "host", "host-os", "host-etc", "~"):
            fail(f"finish-args: {arg}: files come through the portals (file chooser, drag and drop)")
        if arg in ("--socket=x11", "--device=all", "--socket=session-bus", "--socket=system-bus"):
            fail(f"finish-args: {arg} is more than the app needs")
        if arg.startswith("--talk-name=org.freedesktop.secrets"):
            fail(f"finish-args: {arg}: libsecret uses the Secret portal inside the sandbox; this would expose "
                 "every application's secrets")
        if arg.startswith("--own-name=") or arg.startswith("--talk-name=org.freedesktop.Flatpak"):
            fail(f"finish-args: {arg} is not needed")

    if shutil.which("flatpak-builder") is None:
        print("SKIP: flatpak-builder is not installed (Debian package flatpak-builder, scripts/deps-debian.txt)")
        sys.exit(77)
    p = subprocess.run(["flatpak-builder", "--show-manifest", manifest_path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        fail(f"flatpak-builder --show-manifest exited {p.returncode}: {p.stderr.strip()}")
    else:
        if p.stderr.strip():
            fail(f"flatpak-builder --show-manifest warned: {p.stderr.strip()}")
        shown = json.loads(p.stdout)
        if (shown.get("id") or shown.get("app-id")) != app_id:
            fail(f"flatpak-builder read the id {shown.get('id')!r}, not {app_id!r}")
        if shown.get("finish-args", []) != args:
            fail("flatpak-builder read other finish-args than the JSON holds")
    finish()


def run(args, **kw):
    print("$", " ".join(args), flush=True)
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if p.returncode != 0:
        print(p.stdout)
        print(f"FAIL: exit {p.returncode}: {' '.join(args)}")
        sys.exit(1)
    return p.stdout


def check_tree():
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="cs-flatpak-") as tmp:
        build = os.path.join(tmp, "build")
        destdir = os.path.join(tmp, "dest")
        env = dict(os.environ)
        env.update(module.get("build-options", {}).get("env", {}))
        run(["meson", "setup", build, root, "--prefix=/app", "--libdir=lib", "--buildtype=release",
             "--wrap-mode=nodownload"] + config_opts, env=env)
        # What is installed, not the tests (flatpak-builder builds those too, to run them)
        targets = json.loads(run(["meson", "introspect", build, "--targets"]))
        outputs = [os.path.relpath(f, build) for t in targets if t.get("installed") for f in t["filename"]]
        run(["ninja", "-C", build] + outputs, env=env)
        run(["meson", "install", "-C", build, "--no-rebuild", "--destdir", destdir], env=env)
        print(f"configured, built and installed in {time.monotonic() - start:.0f} s", flush=True)

        outside = [e for e in os.listdir(destdir) if e != "app"]
        if outside:
            fail(f"installed outside /app: {outside}")
        app = os.path.join(destdir, "app")
        share = os.path.join(app, "share")

        def need(rel, kind="file"):
            path = os.path.join(app, rel)
            ok = os.path.isfile(path) if kind == "file" else os.access(path, os.X_OK) and os.path.isfile(path)
            if not ok:
                fail(f"/app/{rel} is missing" + (" or not executable" if kind == "exe" else ""))
            return ok

        for exe in ("cohortscope", "cohortscope-cli"):
            need(f"bin/{exe}", "exe")
        if command and not need(f"bin/{command}", "exe"):
            fail(f"the manifest's command {command} is not installed")
        if os.path.exists(os.path.join(app, "bin", "cohortscope-cli")):
            out = subprocess.run([os.path.join(app, "bin", "cohortscope-cli"), "--version"],
                                 stdout=subprocess.PIPE, text=True).stdout
            if not out.startswith("cohortscope-cli "):
                fail(f"/app/bin/cohortscope-cli --version printed {out!r}")

        desktop = f"share/applications/{app_id}.desktop"
        if need(desktop):
            entry = configparser.ConfigParser(interpolation=None, strict=False)
            entry.optionxform = str
            entry.read(os.path.join(app, desktop), encoding="utf-8")
            de = entry["Desktop Entry"]
            if de.get("Icon") != app_id:
                fail(f"{desktop}: Icon={de.get('Icon')}, not the app id {app_id}")
            if de.get("Exec", "").split()[0:1] != [command]:
                fail(f"{desktop}: Exec={de.get('Exec')} does not start the manifest's command {command}")
            if "Comment[de]" not in de:
                fail(f"{desktop}: no German comment (Comment[de]): the catalogue was not merged")

        metainfo = f"share/metainfo/{app_id}.metainfo.xml"
        if need(metainfo):
            component = ET.parse(os.path.join(app, metainfo)).getroot()
            if component.findtext("id") != app_id:
                fail(f"{metainfo}: id {component.findtext('id')}, not {app_id}")
            launchable = component.find("launchable")
            if launchable is None or launchable.text != f"{app_id}.desktop":
                fail(f"{metainfo}: the launchable is not {app_id}.desktop")
            binaries = {e.text for e in component.iterfind("provides/binary")}
            if binaries != {"cohortscope", "cohortscope-cli"}:
                fail(f"{metainfo}: provides binaries {sorted(binaries)}, not cohortscope and cohortscope-cli")

        need(f"share/icons/hicolor/scalable/apps/{app_id}.svg")
        need(f"share/icons/hicolor/symbolic/apps/{app_id}-symbolic.svg")

        schemas = os.path.join(share, "glib-2.0", "schemas")
        if need(f"share/glib-2.0/schemas/{app_id}.gschema.xml"):
            p = subprocess.run(["glib-compile-schemas", "--strict", "--dry-run", schemas],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if p.returncode != 0:
                fail(f"the installed schemas do not compile: {p.stdout.strip()}")

        if need("share/locale/de/LC_MESSAGES/cohortscope.mo"):
            p = subprocess.run(["msgunfmt", os.path.join(share, "locale/de/LC_MESSAGES/cohortscope.mo")],
                               stdout=subprocess.PIPE, text=True)
            if "msgstr \"Kohorte\"" not in p.stdout:
                fail("the installed German catalogue does not translate “Cohort”")

        pages_c = sorted(os.path.basename(p) for p in glob.glob(os.path.join(root, "help", "C", "*.page")))
        figures = sorted(os.path.basename(p) for p in glob.glob(os.path.join(root, "help", "C", "figures", "*.png")))
        for lang in ("C", "de"):
            for page in pages_c:
                rel = f"share/help/{lang}/cohortscope/{page}"
                if need(rel) and lang == "de":
                    with open(os.path.join(app, rel), encoding="utf-8") as f, \
                         open(os.path.join(root, "help", "C", page), encoding="utf-8") as g:
                        if f.read() == g.read():
                            fail(f"/app/{rel} is the English page: the German translation was not merged")
            for figure in figures:
                # the German pages may link to the C figures: the link must resolve inside /app
                path = os.path.join(share, "help", lang, "cohortscope", "figures", figure)
                real = os.path.realpath(path)
                if not os.path.isfile(real) or not real.startswith(os.path.realpath(app) + os.sep):
                    fail(f"/app/share/help/{lang}/cohortscope/figures/{figure} is missing or points outside /app")

        n_files = sum(len(files) for _, _, files in os.walk(app))
        print(f"{n_files} files in /app; {len(pages_c)} help pages in C and de; {time.monotonic() - start:.0f} s in all")
    finish()


if mode == "manifest":
    check_manifest()
elif mode == "tree":
    check_tree()
else:
    print(f"usage: {sys.argv[0]} manifest|tree SOURCE_ROOT")
    sys.exit(2)
