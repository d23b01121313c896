#!/usr/bin/python3
# test-cli-order.py: the order of --source changes the order of the rows,
# nothing else: `variables --json` is identical and every cell is the same.
# Self-written fixtures: two NDJSON exports of one cohort that describe the
# same codes differently (with and without text, in other units, with
# clinical and pathological staging on one day).
#
# SPDX-License-Identifier: GPL-3.0-or-later
import json
import os
import tempfile

from clitest import check, finish, run


def patient(pid, birth):
    return {"resourceType": "Patient", "id": pid, "birthDate": birth}


def observation(oid, pid, system, code, value, text=None, display=None, when="2020-01-01"):
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    concept = {"coding": [coding]}
    if text:
        concept["text"] = text
    res = {"resourceType": "Observation", "id": oid, "status": "final", "code": concept,
           "subject": {"reference": "Patient/" + pid}, "effectiveDateTime": when}
    res.update(value)
    return res


def quantity(value, unit):
    return {"valueQuantity": {"value": value, "system": "http://unitsofmeasure.org", "code": unit}}


def coded(system, code, display=None):
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"valueCodeableConcept": {"coding": [coding]}}


def condition(cid, pid, code, display, onset):
    return {"resourceType": "Condition", "id": cid, "subject": {"reference": "Patient/" + pid},
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": code, "display": display}]},
            "onsetDateTime": onset}


LOINC = "http://loinc.org"
SCT = "http://snomed.info/sct"
AJCC = "http://cancerstaging.org"

FIRST = [
    patient("p", "1950-01-01"),
    patient("q", "1960-01-01"),
    observation("a1", "p", LOINC, "89247-1", {"valueInteger": 1}),
    observation("a2", "p", "http://example.org/lab", "glu", quantity(5.5, "mmol/L"), text="Glucose"),
    observation("a3", "p", LOINC, "1751-7", quantity(4.1, "g/dL"), text="Albumin"),
    observation("a4", "p", SCT, "399504009", coded(AJCC, "cT2")),
    observation("a5", "p", SCT, "399537006", coded(AJCC, "IIA", "Stage IIA")),
    observation("a6", "q", LOINC, "72166-2", coded(SCT, "8517006", "Former smoker")),
    condition("c1", "p", "162573006", "Suspected lung cancer (situation)", "2019-12-01"),
    condition("c2", "p", "254637007", "Non-small cell lung cancer (disorder)", "2019-12-20"),
    {"resourceType": "Encounter", "id": "e1", "status": "finished", "subject": {"reference": "Patient/p"},
     "period": {"start": "2020-03-01", "end": "2020-03-02"}},
]
SECOND = [
    patient("r", "1970-01-01"),
    observation("b1", "r", LOINC, "89247-1", {"valueInteger": 0},
                text="ECOG performance status", display="ECOG Performance Status score"),
    observation("b2", "r", LOINC, "2345-7", quantity(99, "mg/dL"), text="Glucose"),
    observation("b3", "r", LOINC, "1751-7", quantity(38, "g/L"), text="Albumin"),
    observation("b4", "q", LOINC, "1751-7", quantity(40, "g/L"), text="Albumin"),
    observation("b5", "p", SCT, "384625004", coded(AJCC, "pT3")),
    observation("b6", "p", LOINC, "21908-9", coded(AJCC, "IIIA", "Stage IIIA")),
    observation("b7", "r", LOINC, "72166-2", coded(SCT, "8517006", "Ex-smoker")),
    observation("b8", "p", LOINC, "72166-2", coded(SCT, "8517006", "Ex-smoker")),
    observation("b9", "q", LOINC, "1751-7", {"valueString": "not done"}, text="Albumin"),
    {"resourceType": "Device", "id": "d1", "patient": {"reference": "Patient/p"}, "expirationDate": "2040-01-01"},
    condition("c3", "nobody", "44054006", "Diabetes mellitus type 2", "2010-01-01"),
]


def write(path, resources):
    with open(path, "w", encoding="utf-8") as f:
        for res in resources:
            f.write(json.dumps(res) + "\n")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        first = os.path.join(tmp, "first.ndjson")
        second = os.path.join(tmp, "second.ndjson")
        write(first, FIRST)
        write(second, SECOND)
        forward = ["--source", first, "--source", second]
        backward = ["--source", second, "--source", first]

        variables, _ = run("variables", *forward, "--json")
        check(variables == run("variables", *backward, "--json")[0],
              "variables --json differs with the sources the other way round")
        by_key = {v["key"]: v for v in json.loads(variables)}
        for key in ("ecog_performance_status", "glucose_2345_7", "glucose_glu", "albumin", "albumin_coded",
                    "t_stage", "pt_stage", "stage_group", "smoking_status", "diagnosis", "os"):
            check(key in by_key, "no variable %s in %s" % (key, sorted(by_key)))
        check("_89247_1" not in by_key, "the ECOG score is keyed by its bare code")
        check(not any(k.startswith("condition.44054006") for k in by_key), "an orphan Condition added a column")
        check(by_key.get("albumin", {}).get("unit") == "g/L" and by_key.get("albumin", {}).get("n") == 3,
              "albumin: %r" % by_key.get("albumin"))

        tables = []
        for sources in (forward, backward):
            rows = json.loads(run("table", *sources, "--format", "json")[0])
            tables.append(sorted(rows, key=lambda row: row["patient"]))
        check(tables[0] == tables[1], "table cells differ with the sources the other way round:\n%r\n%r"
              % (tables[0], tables[1]))
        p = {row["patient"]: row for row in tables[0]}["p"]
        check(p["t_stage"] == "cT2" and p["pt_stage"] == "pT3", "p staging %r" % p)
        check(p["stage_group"] == "IIIA", "p stage group on a tie: %r" % p["stage_group"])
        check(p["diagnosis"] == "254637007", "p diagnosis %r" % p["diagnosis"])
        check(p["albumin"] == 41, "p albumin in g/L: %r" % p["albumin"])
        check(p["os"] == 73, "p follow-up ends at the Encounter, not the Device: %r" % p["os"])
        labels = json.loads(run("table", *forward, "--format", "json", "--labels", "--columns", "smoking_status")[0])
        check(all(row["smoking_status"] in (None, "Ex-smoker") for row in labels),
              "smoking status display %r" % labels)

    return finish()


if __name__ == "__main__":
    raise SystemExit(main())
