#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The examples: examples/lung1/convert.sh over a folder laid out like
../shared/data (a synthetic one in tests/mapping/data/lung1-mini, and the
real data when CS_SHARED_DATA has it), every output checked by the two
independent FHIR validators (the HL7 R4 JSON schema and FHIR.js, pinned in
tests/mapping/package-lock.json; a failed `npm ci` fails the test), and the
round trip: `cohortscope-cli table` on the output gives back the CSV values
(age, survival time, vital status, gender, T, N, M, stage, histology, the
features) with NA as missing."""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid

CLI = os.environ.get("CS_CLI")
ROOT = os.environ.get("CS_SOURCE_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
SHARED = os.environ.get("CS_SHARED_DATA", "")
HERE = os.path.join(ROOT, "tests", "mapping")
EXAMPLE = os.path.join(ROOT, "examples", "lung1")
MINI = os.path.join(HERE, "data", "lung1-mini")
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://cohortscope.github.io/fhir/lung1")

if not CLI or not os.path.exists(CLI):
    print("CS_CLI not set or not built")
    sys.exit(1)
if shutil.which("node") is None or shutil.which("npm") is None:
    print("node and npm are needed (scripts/deps-debian.txt installs them)")
    sys.exit(1)
if not os.path.isdir(os.path.join(HERE, "node_modules", "fhir")):
    npm = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE,
                         capture_output=True, text=True, timeout=900)
    if npm.returncode != 0:
        print(npm.stdout[-3000:], npm.stderr[-3000:])
        print("npm ci failed in tests/mapping")
        sys.exit(1)

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)
    else:
        print("ok:", what)


def convert(data, out, *extra):
    env = dict(os.environ, COHORTSCOPE_CLI=CLI)
    p = subprocess.run(["sh", os.path.join(EXAMPLE, "convert.sh"), data, out, *extra], capture_output=True,
                       text=True, env=env, timeout=900)
    print(p.stderr.strip())
    return p


def validate(*files):
    p = subprocess.run(["node", os.path.join(HERE, "validate-fhir.js"), *files], capture_output=True, text=True,
                       timeout=1800)
    print(p.stdout.strip())
    print(p.stderr.strip()[-6000:])
    return p.returncode == 0


def table(source):
    p = subprocess.run([CLI, "table", "--source", source, "--format", "csv"], capture_output=True, text=True,
                       timeout=900)
    if p.returncode != 0:
        failures.append("table: " + p.stderr)
        return {}
    return {r["patient"]: r for r in csv.DictReader(io.StringIO(p.stdout))}


def concept_map(name):
    """source value → the (system, code) pairs of a ConceptMap, and back."""
    with open(os.path.join(EXAMPLE, "conceptmaps", name + ".json")) as f:
        cm = json.load(f)
    back = {}
    for group in cm["group"]:
        for element in group["element"]:
            for target in element.get("target", []):
                if "code" in target:
                    back[target["code"]] = element["code"]
    return back


def patient_id(lung1_id):
    return str(uuid.uuid5(NAMESPACE, "patient\x1f" + lung1_id))


def number(text):
    return None if text in ("", "NA") else float(text)


def feature_key(column):
    """The store's key for a variable named by code.text (docs/VARIABLES.md)."""
    key = re.sub(r"[^a-z0-9]+", "_", column.lower()).strip("_")[:60]
    return "_" + key if key[:1].isdigit() else key


def features_round_trip(feature_dir, got, label):
    """Each feature cell comes back as its variable; a failed extraction
    (every feature 0) and a patient without a row come back missing."""
    bad = []
    n = 0
    for name in sorted(os.listdir(feature_dir)):
        rows = list(csv.DictReader(open(os.path.join(feature_dir, name), newline="")))
        for r in rows:
            columns = [c for c in r if c not in ("", "PatientID")]
            failed = all(float(r[c]) == 0 for c in columns)
            t = got.get(patient_id(r["PatientID"]), {})
            for c in columns:
                have = t.get(feature_key(c), "<no column>")
                want = None if failed else float(r[c])
                n += 1
                if (want is None and have != "") or (want is not None and (have == "" or float(have) != want)):
                    bad.append("%s %s %s → %s" % (r["PatientID"], c, r[c], have))
    check(n > 0 and not bad, "%s: %d feature values come back %s" % (label, n, bad[:10]))


def round_trip(clinical_path, output, label):
    rows = list(csv.DictReader(open(clinical_path, newline="")))
    got = table(output)
    maps = {"t_stage": (concept_map("lung1-t-category"), "clinical.T.Stage"),
            "n_stage": (concept_map("lung1-n-category"), "Clinical.N.Stage"),
            "m_stage": (concept_map("lung1-m-category"), "Clinical.M.Stage"),
            "stage_group": (concept_map("lung1-stage-group"), "Overall.Stage"),
            "histology": (concept_map("lung1-histology"), "Histology")}
    bad = []
    for r in rows:
        t = got.get(patient_id(r["PatientID"]))
        if t is None:
            bad.append("%s: no row" % r["PatientID"])
            continue
        if number(r["age"]) != number(t["age_at_diagnosis"]):
            bad.append("%s age %s → %s" % (r["PatientID"], r["age"], t["age_at_diagnosis"]))
        if number(r["Survival.time"]) != number(t["survival_time"]):
            bad.append("%s survival %s → %s" % (r["PatientID"], r["Survival.time"], t["survival_time"]))
        if {"1": "true", "0": "false"}[r["deadstatus.event"]] != t["deceased"]:
            bad.append("%s deceased %s → %s" % (r["PatientID"], r["deadstatus.event"], t["deceased"]))
        if r["gender"] != t["gender"]:
            bad.append("%s gender %s → %s" % (r["PatientID"], r["gender"], t["gender"]))
        for key, (back, column) in maps.items():
            want = r[column]
            have = back.get(t[key], t[key]) if t[key] != "" else "NA"
            # values the ConceptMap maps to no code (Lung1's M 3) come back as missing
            if want not in back.values() and want != "NA":
                want = "NA"
            if want != have:
                bad.append("%s %s %s → %s" % (r["PatientID"], key, r[column], have))
    check(not bad, "%s: the table gives back the CSV values of %d patients %s" % (label, len(rows), bad[:10]))
    return got


tmp = tempfile.mkdtemp(prefix="cs-examples-")

# --- the synthetic folder: both releases present ---------------------------
out = os.path.join(tmp, "mini")
p = convert(MINI, out)
check(p.returncode == 0, "convert.sh on the synthetic Lung1 folder")
check("both releases" in p.stderr and "version 3" in p.stderr, "with both releases, version 3 is used and said")
ndjson = os.path.join(out, "lung1.ndjson")
check(os.path.exists(ndjson) and os.path.exists(os.path.join(out, "lung1-problems.csv")), "output and report")
check(validate(ndjson), "the synthetic output passes both validators")
got = round_trip(os.path.join(MINI, "lung1", "NSCLC-Radiomics-Lung1.clinical-version3-Oct-2019.csv"), ndjson,
                 "synthetic version 3")
features_round_trip(os.path.join(MINI, "radiomics", "filipjb-lung1"), got, "synthetic features")
with open(ndjson) as f:
    resources = [json.loads(l) for l in f]
patients = [r for r in resources if r["resourceType"] == "Patient"]
check(all(r["identifier"][0]["value"].startswith("LUNG1-") for r in patients), "each Patient carries its LUNG1 id")
m3 = [r for r in resources if r["resourceType"] == "Observation" and r["code"]["coding"][0]["code"] == "399387003"
      and "valueCodeableConcept" not in r]
check(len(m3) == 1 and m3[0]["dataAbsentReason"]["coding"][0]["code"] == "unknown",
      "M 3 gets dataAbsentReason, not a value")
stage = [r for r in resources if r["resourceType"] == "Observation" and r["code"]["coding"][0]["code"] == "399537006"]
check(all(r["method"]["coding"][0]["code"] == "443830009" for r in stage), "the staging method comes from the mapping")
check(all(len(r.get("hasMember", [])) >= 2 and r["focus"][0]["reference"].startswith("Condition/") for r in stage),
      "stage groups have members and focus on the Condition")

features = [r for r in resources if r["resourceType"] == "Observation" and
            r["code"]["coding"][0]["system"] == "https://pyradiomics.readthedocs.io"]
by_code = {r["code"]["coding"][0]["code"]: r for r in features}
check("wavelet-HLH_glrlm_GrayLevelNonUniformity" in by_code, "bare HLH names get their canonical pyradiomics code")
check(by_code["original_firstorder_Mean"]["code"]["coding"][1]["code"] == "Q4LE", "Mean gets its IBSI code")
check(len(by_code["original_firstorder_Kurtosis"]["code"]["coding"]) == 1, "Kurtosis never gets an IBSI code")
check(by_code["wavelet-HLH_glrlm_RunEntropy"]["method"]["coding"][0]["code"] == "wavelet-HLH",
      "the image filter is in method")
check(by_code["original_shape_MeshVolume"]["valueQuantity"]["code"] == "mm3", "volumes are in mm3")
groups = [r for r in resources if r["resourceType"] == "Observation" and r["code"]["coding"][0]["code"] == "125007"]
check(len(groups) == 3 and all(len(g["hasMember"]) >= 10 for g in groups),
      "one lesion group per patient with features (not for the failed extraction): %d" % len(groups))
check(all(g["derivedFrom"][0]["reference"].startswith("ImagingStudy/") for g in groups),
      "lesion groups link to the ImagingStudy")

# the Bundle form validates too
bundle_out = os.path.join(tmp, "mini-bundle")
p = convert(MINI, bundle_out, "--format", "transaction")
check(p.returncode == 0 and validate(os.path.join(bundle_out, "lung1.json")), "the transaction Bundle validates")

# --- only the older release: CRLF, every field quoted ----------------------
old_only = os.path.join(tmp, "old-only")
shutil.copytree(MINI, old_only)
os.unlink(os.path.join(old_only, "lung1", "NSCLC-Radiomics-Lung1.clinical-version3-Oct-2019.csv"))
out = os.path.join(tmp, "old")
p = convert(old_only, out)
check(p.returncode == 0 and "both releases" not in p.stderr, "convert.sh takes the older release when alone")
round_trip(os.path.join(old_only, "lung1", "Lung1.clinical.csv"), os.path.join(out, "lung1.ndjson"),
           "synthetic older release")

# --- the validators can fail -------------------------------------------------
broken = os.path.join(tmp, "broken.ndjson")
with open(ndjson) as f, open(broken, "w") as g:
    for line in f:
        g.write(line.replace('"status":"final"', '"status":"done"'))
p = subprocess.run(["node", os.path.join(HERE, "validate-fhir.js"), "--invalid", broken], capture_output=True,
                   text=True)
check(p.returncode == 0, "the validators reject a broken status")

# --- the pyradiomics batch example -------------------------------------------
out = os.path.join(tmp, "pyradiomics.ndjson")
p = subprocess.run([CLI, "map", "--mapping", os.path.join(ROOT, "examples", "pyradiomics", "pyradiomics.json"),
                    "--input", os.path.join(ROOT, "examples", "pyradiomics", "sample", "features.csv"),
                    "--ibsi", os.path.join(MINI, "radiomics", "ibsi", "featuresDict_IBSIv7.tsv"),
                    "-o", out, "--format", "ndjson"], capture_output=True, text=True)
check(p.returncode == 0, "the pyradiomics example maps its sample: " + p.stderr.strip()[-500:])
check(validate(out), "the pyradiomics example's output passes both validators")
with open(out) as f:
    resources = [json.loads(l) for l in f]
groups = [r for r in resources if r["resourceType"] == "Observation" and r["code"]["coding"][0]["code"] == "125007"]
check(sorted(g["code"]["text"] for g in groups) == ["Lesion 1", "Lesion 1", "Lesion 2"],
      "one group Observation per lesion, two for the patient with two lesions")
devices = [r for r in resources if r["resourceType"] == "Device" and r["deviceName"][0]["name"] == "pyradiomics"]
check(len(devices) == 1 and devices[0]["version"][0]["value"] == "v3.0.1",
      "the diagnostics columns make one extractor Device")
features = [r for r in resources if r["resourceType"] == "Observation" and "hasMember" not in r]
check(all(f["device"]["reference"] == "Device/" + devices[0]["id"] for f in features),
      "every feature names the extractor")
check(not any(c["code"].startswith("diagnostics") for f in features for c in f["code"]["coding"]),
      "no diagnostics column became a feature")
check(len(features) == 3 * 7, "7 features for each of the 3 lesions that did not fail")

# --- the real data -------------------------------------------------------------
if SHARED and os.path.isdir(os.path.join(SHARED, "lung1")):
    out = os.path.join(tmp, "shared")
    p = convert(SHARED, out)
    check(p.returncode == 0, "convert.sh on ../shared/data")
    check("version 3" in p.stderr, "the real folder has both releases: version 3 is used")
    ndjson = os.path.join(out, "lung1.ndjson")
    check(validate(ndjson), "the real output passes both validators")
    got = round_trip(os.path.join(SHARED, "lung1", "NSCLC-Radiomics-Lung1.clinical-version3-Oct-2019.csv"), ndjson,
                     "Lung1 version 3")
    features_round_trip(os.path.join(SHARED, "radiomics", "filipjb-lung1"), got, "Lung1 features")
else:
    print("../shared/data not present: the real Lung1 tables were not converted")

shutil.rmtree(tmp)
if failures:
    print("%d failures" % len(failures), file=sys.stderr)
    sys.exit(1)
