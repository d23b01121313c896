#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Writes a large, simple NDJSON cohort for bench-cohort-builder (not a test):
# N Patients (gender, birthDate), each with a body height and a smoking
# status Observation and a lung-cancer Condition with onsetAge and a stage.
# The full demo at 100,000 patients is 6 GB; this is about 100 MB.
# usage: make-large-cohort.py N OUT.ndjson
import json
import random
import sys

n = int(sys.argv[1])
rng = random.Random(42)
smoking = [("449868002", "Current every day smoker"), ("8517006", "Ex-smoker"),
           ("266919005", "Never smoker")]
stages = ["I", "II", "IIIA", "IIIB", "IV"]
with open(sys.argv[2], "w") as out:
    for i in range(n):
        pid = "p%06d" % i
        year = rng.randint(1930, 1975)
        out.write(json.dumps({"resourceType": "Patient", "id": pid,
                              "gender": rng.choice(["male", "female"]),
                              "birthDate": "%d-%02d-%02d" % (year, rng.randint(1, 12), rng.randint(1, 28))}) + "\n")
        out.write(json.dumps({"resourceType": "Observation", "id": pid + "-h", "status": "final",
                              "code": {"coding": [{"system": "http://loinc.org", "code": "8302-2", "display": "Body height"}]},
                              "subject": {"reference": "Patient/" + pid},
                              "valueQuantity": {"value": round(rng.gauss(172, 9), 1), "unit": "cm",
                                                "system": "http://unitsofmeasure.org", "code": "cm"}}) + "\n")
        code, display = rng.choice(smoking)
        out.write(json.dumps({"resourceType": "Observation", "id": pid + "-s", "status": "final",
                              "code": {"coding": [{"system": "http://loinc.org", "code": "72166-2", "display": "Smoking status"}]},
                              "subject": {"reference": "Patient/" + pid},
                              "valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct", "code": code,
                                                                   "display": display}]}}) + "\n")
        out.write(json.dumps({"resourceType": "Condition", "id": pid + "-c",
                              "code": {"coding": [{"system": "http://snomed.info/sct", "code": "254637007",
                                                   "display": "Non-small cell lung cancer"}]},
                              "subject": {"reference": "Patient/" + pid},
                              "onsetAge": {"value": rng.randint(40, 85), "unit": "a",
                                           "system": "http://unitsofmeasure.org", "code": "a"},
                              "stage": [{"summary": {"text": rng.choice(stages)}}]}) + "\n")
