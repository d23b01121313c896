#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""cohortscope-cli chart: every kind from the demo cohort to PNG (SVG and PDF for some).

Checks the files (PNG signature and size from IHDR, SVG parses as XML, PDF
header and trailer), that the same command gives the same PNG, that
--filter changes the chart, and the exit status and message of bad usage.
Fails when CS_CLI does not name the built CLI (never skips).
"""
import os
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

CLI = os.environ.get("CS_CLI", "")
if not CLI or not os.access(CLI, os.X_OK):
    print("FAIL: CS_CLI does not name the built cohortscope-cli (tests/meson.build sets it)")
    sys.exit(1)

# Fontconfig keeps its caches until exit; under AddressSanitizer that is
# reported as a leak, so use the project's suppressions for third-party code.
_supp = os.path.join(os.environ.get("CS_SOURCE_ROOT", ""), "tests", "lsan.supp")
if os.path.exists(_supp) and "LSAN_OPTIONS" not in os.environ:
    os.environ["LSAN_OPTIONS"] = "suppressions=%s:print_suppressions=0" % _supp

failures = []


def run(args, expect=0):
    proc = subprocess.run([CLI] + args, capture_output=True, text=True, timeout=120)
    if proc.returncode != expect:
        failures.append("%s: exit %d, expected %d; stderr: %s"
                        % (" ".join(args), proc.returncode, expect, proc.stderr.strip()))
    return proc


def check_png(path, width, height):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        failures.append("%s: not a PNG" % path)
        return
    w, h = struct.unpack(">II", data[16:24])
    if (w, h) != (width, height):
        failures.append("%s: %dx%d, expected %dx%d" % (path, w, h, width, height))
    if len(data) < 8000:
        failures.append("%s: only %d bytes" % (path, len(data)))


def check_svg(path):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        failures.append("%s: SVG does not parse: %s" % (path, e))
        return
    if not root.tag.endswith("svg"):
        failures.append("%s: root element is %s" % (path, root.tag))
    if os.path.getsize(path) < 3000:
        failures.append("%s: only %d bytes" % (path, os.path.getsize(path)))


def check_pdf(path):
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-64:]:
        failures.append("%s: not a complete PDF" % path)
    if len(data) < 2000:
        failures.append("%s: only %d bytes" % (path, len(data)))


with tempfile.TemporaryDirectory() as tmp:
    demo = os.path.join(tmp, "demo.json")
    run(["demo", "-o", demo, "--patients", "120"])
    src = ["--source", demo]

    kinds = {
        "scatter": ["--x", "original_shape_meshvolume", "--y", "original_shape_sphericity", "--by", "histology"],
        "box": ["--x", "stage_group", "--y", "original_shape_maximum3ddiameter"],
        "violin": ["--kind", "box", "--y", "stage_group", "--x", "original_shape_maximum3ddiameter", "--violin"],
        "histogram": ["--x", "age_at_diagnosis", "--bins", "sturges"],
        "bar": ["--x", "smoking_status", "--labels"],
        "km": ["--time", "os", "--by", "stage_group"],
        "km-split": ["--kind", "km", "--time", "survival_time", "--event", "deceased",
                     "--split", "original_shape_meshvolume:median"],
        "heatmap": ["--features", "original_shape_*", "--clinical", "age_at_diagnosis,survival_time,ldh"],
        "forest": ["--time", "os", "--covariates", "age_at_diagnosis,stage_group,gender,original_shape_meshvolume",
                   "--reference", "gender=female", "--strata", "histology"],
        "forest-model": ["--kind", "forest", "--time", "survival_time", "--event", "deceased",
                         "--covariates", "signature,age_at_diagnosis", "--model", "MODEL", "--labels"],
    }
    # every kind as PNG; the vector formats for a few (the same drawing code)
    vector_too = {"scatter", "km", "heatmap", "violin", "forest"}
    # a saved model's score as a covariate (cox --save-model, --model)
    model = os.path.join(tmp, "model.json")
    run(["cox"] + src + ["--time", "os", "--covariates", "original_shape_meshvolume,ldh", "--save-model", model])
    kinds["forest-model"] = [model if a == "MODEL" else a for a in kinds["forest-model"]]
    for name, args in kinds.items():
        if "--kind" not in args:
            args = ["--kind", name] + args
        for ext in ("png", "svg", "pdf") if name in vector_too else ("png",):
            out = os.path.join(tmp, "%s.%s" % (name, ext))
            run(["chart"] + src + args + ["-o", out, "--width", "720", "--height", "480"])
            if not os.path.exists(out):
                failures.append("%s: not written" % out)
                continue
            {"png": lambda p: check_png(p, 720, 480), "svg": check_svg, "pdf": check_pdf}[ext](out)

    # default size, dark style
    out = os.path.join(tmp, "dark.png")
    run(["chart"] + src + ["--kind", "km", "--time", "os", "--dark", "-o", out])
    if os.path.exists(out):
        check_png(out, 960, 640)

    # deterministic output; --filter changes the chart
    a, b, c = (os.path.join(tmp, n) for n in ("a.png", "b.png", "c.png"))
    base = ["chart"] + src + ["--kind", "bar", "--x", "smoking_status"]
    run(base + ["-o", a])
    run(base + ["-o", b])
    run(base + ["--filter", "age_at_diagnosis >= 65", "-o", c])
    if all(os.path.exists(p) for p in (a, b, c)):
        if open(a, "rb").read() != open(b, "rb").read():
            failures.append("the same chart twice gave different PNGs")
        if open(a, "rb").read() == open(c, "rb").read():
            failures.append("--filter did not change the bar chart")
    o1, o2 = os.path.join(tmp, "o1.png"), os.path.join(tmp, "o2.png")
    run(base + ["--filter", "age_at_diagnosis >= 65", "--overlay", "-o", o1])
    run(["chart"] + src + ["--kind", "scatter", "--x", "age_at_diagnosis", "--y", "ldh",
                           "--filter", "age_at_diagnosis >= 65", "--overlay", "-o", o2])
    for p in (o1, o2):
        if os.path.exists(p):
            check_png(p, 960, 640)
        else:
            failures.append("%s: not written" % p)

    # labels unique among the variables, radiomics ones by class and feature
    import json
    variables = json.loads(run(["variables"] + src + ["--json"]).stdout or "[]")
    labels = [v["label"].casefold() for v in variables]
    if len(set(labels)) != len(labels):
        failures.append("variables: labels shared: %r" % sorted(l for l in set(labels) if labels.count(l) > 1))
    by_key = {v["key"]: v["label"] for v in variables}
    if by_key.get("original_shape_meshvolume") != "Shape Mesh Volume":
        failures.append("variables: original_shape_meshvolume is labelled %r"
                        % by_key.get("original_shape_meshvolume"))

    # the caption: drawn under the chart and kept as text in the SVG's
    # <title> and <desc> (cairo writes the drawn text as glyphs)
    ns = "{http://www.w3.org/2000/svg}"
    env_date = dict(os.environ, SOURCE_DATE_EPOCH="1780000000")
    for args, title, needles in [
        (["--kind", "scatter", "--x", "original_shape_meshvolume", "--y", "original_shape_sphericity",
          "--filter", "age_at_diagnosis >= 60"],
         "Shape Sphericity vs Shape Mesh Volume",
         ["Spearman ρ = ", "n = ", "p ", "x: Shape Mesh Volume (mm³, UCUM mm3; key original_shape_meshvolume)",
          "of 120 patients: Age at diagnosis ≥ 60 years · Source: " + os.path.basename(demo), "2026-05-28",
          "\nFilter: age_at_diagnosis >= 60"]),
        (["--kind", "km", "--time", "survival_time", "--event", "deceased", "--split",
          "original_shape_meshvolume:median", "--time-unit", "months"],
         "Survival by Shape Mesh Volume",
         ["Log-rank χ² = ", "df = 1", "All 120 patients", "groups: Shape Mesh Volume",
          "time: Survival time", "), shown in months"]),
        (["--kind", "histogram", "--x", "age_at_diagnosis"], None, ["n = ", "with a value"]),
        (["--kind", "forest", "--time", "os", "--covariates", "age_at_diagnosis", "--time-unit", "months"],
         "Hazard ratios, Overall survival",
         ["time: Overall survival (days, UCUM d; key os), in months: median survival ", " months, median follow-up "]),
    ]:
        out = os.path.join(tmp, "caption.svg")
        proc = subprocess.run([CLI, "chart"] + src + args + ["-o", out], capture_output=True, text=True,
                              timeout=120, env=env_date)
        if proc.returncode != 0:
            failures.append("chart %s: exit %d: %s" % (" ".join(args), proc.returncode, proc.stderr.strip()))
            continue
        root = ET.parse(out).getroot()
        t, desc = root.find(ns + "title"), root.find(ns + "desc")
        if desc is None or (title is not None and (t is None or t.text != title)):
            failures.append("chart %s: SVG title %r, desc %r" % (" ".join(args), t is not None and t.text,
                                                                desc is not None and desc.text))
            continue
        for needle in needles:
            if needle not in desc.text:
                failures.append("chart %s: caption %r lacks %r" % (" ".join(args), desc.text, needle))
    # Cox: the time unit rescales the medians, never the hazard ratios
    import json
    fits = {}
    for unit in ("days", "months", "years"):
        proc = run(["cox"] + src + ["--time", "os", "--covariates", "age_at_diagnosis,stage_group",
                                    "--time-unit", unit, "--json"])
        if proc.returncode == 0:
            fits[unit] = json.loads(proc.stdout)
    if len(fits) == 3:
        for unit, code, factor in (("months", "mo", 12 / 365.25), ("years", "a", 1 / 365.25)):
            fit = fits[unit]
            if fit["time_unit"] != code:
                failures.append("cox --time-unit %s: time_unit %r" % (unit, fit["time_unit"]))
            if [t["hr"] for t in fit["terms"]] != [t["hr"] for t in fits["days"]["terms"]] \
               or fit["lr_test"] != fits["days"]["lr_test"] or fit["concordance"] != fits["days"]["concordance"]:
                failures.append("cox --time-unit %s: the hazard ratios or tests changed" % unit)
            for median in ("median_survival", "median_follow_up"):
                if abs(fit[median] - fits["days"][median] * factor) > 1e-9 * fit[median]:
                    failures.append("cox --time-unit %s: %s %r, expected %r days × %g"
                                    % (unit, median, fit[median], fits["days"][median], factor))

    # --no-caption: no metadata, no caption
    out = os.path.join(tmp, "bare.svg")
    run(["chart"] + src + ["--kind", "histogram", "--x", "age_at_diagnosis", "--no-caption", "-o", out])
    if os.path.exists(out) and ET.parse(out).getroot().find(ns + "desc") is not None:
        failures.append("--no-caption: the SVG still has a <desc>")

    # what does not fit these data: exit 1 with a message naming the variable
    for args, needle in [
        (["--kind", "scatter", "--x", "no_such_var", "--y", "age_at_diagnosis",
          "-o", os.path.join(tmp, "x.png")], "no_such_var"),
        (["--kind", "scatter", "--x", "gender", "--y", "age_at_diagnosis",
          "-o", os.path.join(tmp, "x.png")], "gender"),
        (["--kind", "km", "--time", "os", "--by", "no_such_var", "-o", os.path.join(tmp, "x.png")], "no_such_var"),
        # a level the data do not have (docs/STATISTICS.md, cox exit status)
        (["--kind", "forest", "--time", "os", "--covariates", "stage_group", "--reference", "stage_group=9Z",
          "-o", os.path.join(tmp, "x.png")], "9Z"),
    ]:
        proc = run(["chart"] + src + args, expect=1)
        if needle not in proc.stderr:
            failures.append("chart %s: message %r does not name %r" % (" ".join(args), proc.stderr.strip(), needle))

    # bad usage (wrong whatever the data): exit 2 with a message naming the problem
    for args, needle in [
        (["--kind", "pie", "-o", os.path.join(tmp, "x.png")], "pie"),
        (["--kind", "bar", "--x", "gender"], "-o"),
        (["--kind", "bar", "--x", "gender", "-o", os.path.join(tmp, "x.jpg")], "x.jpg"),
        (["--kind", "histogram", "--x", "age_at_diagnosis", "--bins", "zero",
          "-o", os.path.join(tmp, "x.png")], "--bins"),
        (["--kind", "bar", "--x", "gender", "--filter", "age >", "-o", os.path.join(tmp, "x.png")], "filter"),
        (["--kind", "km", "--time", "os", "--by", "gender", "--split", "age_at_diagnosis:median",
          "-o", os.path.join(tmp, "x.png")], "--split"),
        (["--kind", "bar", "--x", "gender", "--overlay", "-o", os.path.join(tmp, "x.png")], "--filter"),
        (["--kind", "km", "--time", "os", "--overlay", "--filter", "ldh > 1",
          "-o", os.path.join(tmp, "x.png")], "--overlay"),
        (["--kind", "forest", "--time", "os", "-o", os.path.join(tmp, "x.png")], "--covariates"),
        (["--kind", "km", "--time", "os", "--time-unit", "fortnights", "-o", os.path.join(tmp, "x.png")],
         "--time-unit"),
        (["--kind", "forest", "--time", "os", "--covariates", "stage_group", "--reference", "gender=male",
          "-o", os.path.join(tmp, "x.png")], "gender"),
    ]:
        proc = run(["chart"] + src + args, expect=2)
        if needle not in proc.stderr:
            failures.append("chart %s: message %r does not name %r" % (" ".join(args), proc.stderr.strip(), needle))

    # a failed write: exit 1, naming the file
    bad = os.path.join(tmp, "no", "such", "dir", "x.png")
    proc = run(["chart"] + src + ["--kind", "bar", "--x", "gender", "-o", bad], expect=1)
    if "x.png" not in proc.stderr:
        failures.append("failed write: message %r does not name the file" % proc.stderr.strip())

for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
