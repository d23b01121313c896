#!/usr/bin/python3
# test-cli-data.py: `cohortscope-cli summary/variables/table` on real data,
# checked against values computed here from the source JSON.
#
# SPDX-License-Identifier: GPL-3.0-or-later
import csv
import io
import json
import os
import tempfile

from clitest import check, finish, run

SKIP = 77


def resources_of(doc):
    """Resources in input order, nested Bundles expanded, DELETE entries skipped."""
    if doc.get("resourceType") == "Bundle":
        for entry in doc.get("entry", []):
            if entry.get("request", {}).get("method") == "DELETE":
                continue
            res = entry.get("resource")
            if res is None:
                continue
            if res.get("resourceType") == "Bundle":
                yield from resources_of(res)
            else:
                yield entry.get("fullUrl"), res
    else:
        yield None, doc


def load_dir(path):
    out = []
    for name in sorted(os.listdir(path)):
        if name.endswith(".json"):
            with open(os.path.join(path, name), encoding="utf-8") as f:
                out.extend(resources_of(json.load(f)))
    return out


def count_types(resources):
    counts = {}
    for _, res in resources:
        counts[res["resourceType"]] = counts.get(res["resourceType"], 0) + 1
    return counts


def patient_rows(resources):
    """Patient id -> demographics; a later version of a Patient wins."""
    rows = {}
    for full_url, res in resources:
        if res["resourceType"] != "Patient":
            continue
        key = res.get("id") or full_url
        rows[key] = {
            "gender": res.get("gender"),
            "birth_date": res.get("birthDate"),
            "deceased": bool(res.get("deceasedBoolean", False)) or "deceasedDateTime" in res,
        }
    return rows


def table_json(*sources, columns):
    args = ["table", "--format", "json", "--columns", ",".join(columns)]
    for s in sources:
        args += ["--source", s]
    out, _ = run(*args)
    return json.loads(out)


def check_demographics(name, rows, table):
    check(len(table) == len(rows), "%s: %d rows, expected %d" % (name, len(table), len(rows)))
    for line in table:
        expected = rows.get(line["patient"])
        check(expected is not None, "%s: unexpected patient %s" % (name, line["patient"]))
        if expected is None:
            continue
        for key in ("gender", "birth_date", "deceased"):
            check(line[key] == expected[key],
                  "%s: %s %s = %r, expected %r" % (name, line["patient"], key, line[key], expected[key]))


def csv_cell(value):
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return value


def check_csv_matches_json(name, source):
    """Every cell of the whole table, CSV and TSV against JSON, with --labels too."""
    for labels in ([], ["--labels"]):
        table = json.loads(run("table", "--source", source, "--format", "json", *labels)[0])
        for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
            out, _ = run("table", "--source", source, "--format", fmt, *labels)
            if fmt == "csv":
                rows = list(csv.reader(io.StringIO(out, newline="")))
            else:
                rows = [line.split("\t") for line in out.split("\n")[:-1]]
            header = rows[0]
            check(len(rows) == len(table) + 1, "%s %s: %d lines" % (name, fmt, len(rows)))
            for row, obj in zip(rows[1:], table):
                check(len(row) == len(header), "%s %s: ragged row for %s" % (name, fmt, row[0]))
                for key, text in zip(header, row):
                    value = csv_cell(obj[key])
                    if isinstance(value, float) or isinstance(value, int):
                        ok = float(text) == value
                    else:
                        if fmt == "tsv":
                            value = value.replace("\t", " ").replace("\n", " ").replace("\r", " ")
                        ok = text == value
                    check(ok, "%s %s %s: %s %r != %r" % (name, fmt, " ".join(labels), key, text, value))


def main():
    shared = os.environ.get("CS_SHARED_DATA", "")
    synthea = os.path.join(shared, "synthea-r4")
    hl7 = os.path.join(shared, "hl7-r4-examples")
    if not shared or not os.path.isdir(synthea) or not os.path.isdir(hl7):
        print("no shared test data; skipping")
        return SKIP

    # ------------------------------------------------------------ Synthea
    resources = load_dir(synthea)
    summary = json.loads(run("summary", "--source", synthea, "--json")[0])
    check(summary["resources"] == count_types(resources),
          "synthea: resource counts %r != %r" % (summary["resources"], count_types(resources)))
    rows = patient_rows(resources)
    check(summary["patients"] == len(rows) == 9, "synthea: %d patients" % summary["patients"])

    variables = json.loads(run("variables", "--source", synthea, "--json")[0])
    check(summary["variables"] == len(variables), "synthea: variables count differs from `variables`")
    by_key = {v["key"]: v for v in variables}
    labels = [v["label"].casefold() for v in variables]
    check(len(set(labels)) == len(labels), "synthea: labels shared by variables: %r"
          % sorted(l for l in set(labels) if labels.count(l) > 1))
    for v in variables:
        fields = {"key", "label", "type", "unit", "unit_display", "codes", "n"}
        if v["key"].startswith("condition."):
            fields.add("n_unknown")   # false values that mean "no Condition data at all"
        check(set(v) == fields, "variables: fields of %s" % v["key"])
        check((v["unit"] is None) == (v["unit_display"] is None), "variables: unit_display of %s" % v["key"])
    # Luigi Wiegand, an infant, has no Condition: his condition flags are unknown, not "no such Condition"
    check(by_key["condition.254637007"]["n_unknown"] == 1,
          "synthea: n_unknown %r" % by_key["condition.254637007"]["n_unknown"])
    check(by_key["gender"]["unit"] is None and by_key["gender"]["type"] == "categorical", "gender variable")
    # the code for machines, the unit as clinicians write it beside it
    dbp = by_key["diastolic_blood_pressure"]
    check(dbp["unit"] == "mm[Hg]" and dbp["unit_display"] == "mmHg",
          "diastolic_blood_pressure: unit %r, unit_display %r" % (dbp["unit"], dbp["unit_display"]))
    check(by_key["deceased"]["type"] == "boolean" and by_key["deceased"]["n"] == 9, "deceased variable")

    # Latest Body Height (LOINC 8302-2) per patient, by effectiveDateTime.
    patient_of_url = {url: res["id"] for url, res in resources if res["resourceType"] == "Patient"}
    heights = {}
    for _, res in resources:
        coding = res.get("code", {}).get("coding", [{}])[0]
        if res["resourceType"] != "Observation" or coding.get("code") != "8302-2":
            continue
        pid = patient_of_url[res["subject"]["reference"]]
        when = res["effectiveDateTime"]
        if pid not in heights or when >= heights[pid][0]:
            heights[pid] = (when, res["valueQuantity"]["value"])
    check(len(heights) == 9, "synthea: every patient has a Body Height")
    height = by_key.get("body_height")
    check(height is not None and height["unit"] == "cm" and height["codes"] == ["http://loinc.org|8302-2"]
          and height["n"] == len(heights), "body_height variable: %r" % height)

    columns = ["gender", "birth_date", "deceased", "body_height"]
    table = table_json(synthea, columns=columns)
    check_demographics("synthea", rows, table)
    for line in table:
        check(line["body_height"] == heights[line["patient"]][1],
              "synthea: %s body_height %r, expected %r" % (line["patient"], line["body_height"],
                                                           heights[line["patient"]][1]))
    # Austin Franecki (NSCLC), by his Synthea identifier in the file name.
    austin = [r for _, r in resources if r["resourceType"] == "Patient"
              and r["identifier"][0]["value"].startswith("f23eef30")][0]
    line = [x for x in table if x["patient"] == austin["id"]][0]
    check(line["birth_date"] == "1920-04-23" and line["deceased"] is True and line["gender"] == "male",
          "synthea: Austin Franecki demographics %r" % line)

    # CSV holds the same cells; numbers parse back to the same doubles.
    out, _ = run("table", "--source", synthea, "--columns", ",".join(columns), "--format", "csv")
    reader = list(csv.reader(io.StringIO(out)))
    check(reader[0] == ["patient"] + columns, "csv header %r" % reader[0])
    for csv_row, line in zip(reader[1:], table):
        check(csv_row[0] == line["patient"], "csv patient order")
        check(float(csv_row[4]) == line["body_height"], "csv body_height round trip")
        check(csv_row[3] == ("true" if line["deceased"] else "false"), "csv boolean")
    out, _ = run("table", "--source", synthea, "--columns", "gender,birth_date", "--format", "tsv")
    check(out.splitlines()[0] == "patient\tgender\tbirth_date", "tsv header")

    # A filter, and unknown columns / formats.
    out, _ = run("table", "--source", synthea, "--columns", "birth_date", "--format", "csv",
                 "--filter", 'gender = "female"')
    females = sorted(k for k, v in rows.items() if v["gender"] == "female")
    check(sorted(r[0] for r in list(csv.reader(io.StringIO(out)))[1:]) == females, "filtered table")
    _, err = run("table", "--source", synthea, "--columns", "gender,no_such_thing", expect=1)
    check("no_such_thing" in err and "cohortscope-cli variables" in err, "unknown column message: " + err)
    run("table", "--source", synthea, "--format", "xlsx", expect=2)
    run("summary", "--json", expect=2)
    _, err = run("summary", "--source", os.path.join(synthea, "missing.json"), expect=1)
    check("missing.json" in err, "missing source named in the error: " + err)

    # Chet Thompson has one DX ImagingStudy.
    chet = [r for _, r in resources if r["resourceType"] == "Patient"
            and r["identifier"][0]["value"].startswith("eda17701")][0]
    line = [x for x in table_json(synthea, columns=["imaging_modality", "n_imaging_studies", "study_date"])
            if x["patient"] == chet["id"]][0]
    check(line == {"patient": chet["id"], "imaging_modality": "DX", "n_imaging_studies": 1,
                   "study_date": "1954-11-04"}, "synthea: Chet Thompson imaging %r" % line)

    check_csv_matches_json("synthea", synthea)

    # ------------------------------------------------------------ NDJSON
    # A Bulk Data style export of the same resources: one per line, references
    # rewritten from urn:uuid: fullUrls to Type/id.
    relative = {url: "%s/%s" % (res["resourceType"], res["id"]) for url, res in resources if url}

    def rewrite(node):
        if isinstance(node, dict):
            return {k: (relative.get(v, v) if k == "reference" and isinstance(v, str) else rewrite(v))
                    for k, v in node.items()}
        if isinstance(node, list):
            return [rewrite(x) for x in node]
        return node

    with tempfile.TemporaryDirectory() as tmp:
        ndjson = os.path.join(tmp, "synthea.ndjson")
        with open(ndjson, "w", encoding="utf-8") as f:
            for _, res in resources:
                f.write(json.dumps(rewrite(res), ensure_ascii=False) + "\n")
        all_bundle, _ = run("table", "--source", synthea, "--format", "csv")
        all_ndjson, _ = run("table", "--source", ndjson, "--format", "csv")
        check(all_bundle == all_ndjson, "NDJSON table differs from the Bundle table")
        check(all_bundle.count("\n") == 10, "table has a header and 9 rows")
        summary_nd = json.loads(run("summary", "--source", ndjson, "--json")[0])
        check(summary_nd == summary, "NDJSON summary %r != %r" % (summary_nd, summary))

        # Bad data: exit 1 and a message naming the file.
        broken = os.path.join(tmp, "broken.ndjson")
        with open(broken, "w", encoding="utf-8") as f:
            f.write('{"resourceType":"Patient","id":"a"}\n{"resourceType":"Patient","id":\n')
        _, err = run("table", "--source", broken, expect=1)
        check("broken.ndjson" in err, "malformed input named in the error: " + err)

    # ------------------------------------------------------------ HL7 examples
    resources = load_dir(hl7)
    summary = json.loads(run("summary", "--source", hl7, "--json")[0])
    check(summary["resources"] == count_types(resources),
          "hl7: resource counts %r != %r" % (summary["resources"], count_types(resources)))
    rows = patient_rows(resources)
    check(summary["patients"] == len(rows), "hl7: %d patients, expected %d" % (summary["patients"], len(rows)))
    table = table_json(hl7, columns=["gender", "birth_date", "deceased"])
    check_demographics("hl7", rows, table)
    check_csv_matches_json("hl7", hl7)
    example = [x for x in table if x["patient"] == "example"]
    check(len(example) == 1 and example[0]["birth_date"] == "1974-12-25", "hl7: Patient/example %r" % example)

    return finish()


if __name__ == "__main__":
    raise SystemExit(main())
