/* test-mapping-run.c: compiling mappings against headers and running them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifdef __linux__
#define _GNU_SOURCE   /* O_DIRECT */
#endif
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <utime.h>

#include "mapping-test-util.h"
#include "cs-mapping-output.h"
#include "cs-mapping-program.h"
#include "cs-mapping-runtime.h"
#include "cs-mapping-writer-private.h"

#define replace map_test_replace

static const char *clinical_mapping =
  "{\"format\": \"cohortscope-mapping/1\", \"id\": \"t\", \"version\": \"1\",\n"
  " \"namespace\": \"https://example.org/t\",\n"
  " \"inputs\": [{\"role\": \"clinical\", \"key\": \"PatientID\",\n"
  "   \"columns\": {\"age\": {\"type\": \"decimal\"}, \"Survival.time\": {\"type\": \"integer\"},\n"
  "                 \"dead\": {\"type\": \"boolean\"}, \"diagnosed\": {\"type\": \"date\", \"format\": \"%d.%m.%Y\"}}}],\n"
  " \"conceptMaps\": [{\"resourceType\": \"ConceptMap\", \"id\": \"gender\", \"status\": \"active\",\n"
  "   \"group\": [{\"target\": \"http://hl7.org/fhir/administrative-gender\",\n"
  "     \"element\": [{\"code\": \"male\", \"target\": [{\"code\": \"male\", \"equivalence\": \"equal\"}]},\n"
  "                 {\"code\": \"female\", \"target\": [{\"code\": \"female\", \"equivalence\": \"equal\"}]}]}]}],\n"
  " \"resources\": [\n"
  "  {\"name\": \"patient\", \"input\": \"clinical\",\n"
  "   \"template\": {\"resourceType\": \"Patient\",\n"
  "     \"identifier\": [{\"system\": \"https://example.org/id\", \"value\": \"{{PatientID}}\"}],\n"
  "     \"gender\": {\"$map\": \"gender\", \"column\": \"gender\", \"as\": \"code\"},\n"
  "     \"deceasedBoolean\": {\"$column\": \"dead\"}}},\n"
  "  {\"name\": \"age\", \"input\": \"clinical\", \"when\": {\"column\": \"age\", \"present\": true},\n"
  "   \"template\": {\"resourceType\": \"Observation\", \"status\": \"final\",\n"
  "     \"code\": {\"coding\": [{\"system\": \"http://loinc.org\", \"code\": \"30525-0\"}], \"text\": \"Age {{PatientID}}\"},\n"
  "     \"subject\": {\"$ref\": \"patient\"},\n"
  "     \"effectiveDateTime\": \"{{diagnosed}}\",\n"
  "     \"valueQuantity\": {\"value\": {\"$column\": \"age\"}, \"unit\": \"a\", \"system\": \"http://unitsofmeasure.org\", \"code\": \"a\"}}}\n"
  " ]}";

static const char *clinical_csv =
  "PatientID,age,gender,Survival.time,dead,diagnosed\n"
  "P1,78.7515,male,2165,1,03.02.2009\n"
  "P2,NA,female,155,0,\n";

static void
test_basic (void)
{
  g_autoptr(MapRun) r = map_run_new (clinical_mapping, 0, "clinical", clinical_csv, NULL);

  map_run_execute (r, NULL);
  g_assert_no_error (r->error);
  g_assert_true (r->ok);
  g_assert_cmpuint (r->problems->len, ==, 0);
  g_assert_cmpuint (r->stats.rows, ==, 2);
  g_assert_cmpuint (r->stats.resources, ==, 3);

  /* ids: UUIDv5 of the namespace and "template\x1fkey" (checked with Python's uuid.uuid5) */
  g_assert_cmpstr (map_run_find (r, "Patient/f0d4719d-ac7a-5d77-b000-850babdffe08"), ==,
                   "{\"resourceType\":\"Patient\",\"id\":\"f0d4719d-ac7a-5d77-b000-850babdffe08\","
                   "\"identifier\":[{\"system\":\"https://example.org/id\",\"value\":\"P1\"}],"
                   "\"gender\":\"male\",\"deceasedBoolean\":true}");
  g_assert_cmpstr (map_run_find (r, "Observation/a5d8e0be-3eba-5617-8293-ad7312164eab"), ==,
                   "{\"resourceType\":\"Observation\",\"id\":\"a5d8e0be-3eba-5617-8293-ad7312164eab\","
                   "\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"30525-0\"}],"
                   "\"text\":\"Age P1\"},"
                   "\"subject\":{\"reference\":\"Patient/f0d4719d-ac7a-5d77-b000-850babdffe08\"},"
                   "\"effectiveDateTime\":\"2009-02-03\","
                   "\"valueQuantity\":{\"value\":78.7515,\"unit\":\"a\",\"system\":\"http://unitsofmeasure.org\","
                   "\"code\":\"a\"}}");
  /* P2 has no age: no Observation; its Patient has no missing elements */
  g_assert_cmpuint (map_run_count (r, "Observation"), ==, 1);
  g_assert_nonnull (map_run_find (r, "Patient/2f5d3637-870b-5ea8-b1ef-48b1f8688808"));
  g_assert_cmpuint (g_hash_table_size (cs_mapping_run_get_type_counts (r->run)), ==, 2);
}

static void
test_missing_values (void)
{
  /* an empty cell leaves its element out; the object around it stays when
   * it has other members; an object left empty goes */
  g_autofree char *m = replace (clinical_mapping, "\"deceasedBoolean\": {\"$column\": \"dead\"}",
                                "\"deceasedBoolean\": {\"$column\": \"dead\"},"
                                " \"extension\": [{\"$when\": {\"column\": \"age\", \"present\": true},"
                                "   \"url\": \"https://example.org/age\", \"valueDecimal\": {\"$column\": \"age\"}}],"
                                " \"name\": [{\"use\": \"official\", \"text\": \"{{age}}\"}, {\"text\": \"{{age}}\"}]");
  g_autoptr(MapRun) r = map_run_new (m, 0, "clinical", "PatientID,age,gender,Survival.time,dead,diagnosed\n"
                                                        "P1,NA,,,NA,\n", NULL);
  /* without "$when" the extension keeps its url and nothing else: the
   * validator rejects the row (FHIR invariant ext-1) */
  g_autofree char *bare = replace (m, "{\"$when\": {\"column\": \"age\", \"present\": true},", "{");
  g_autoptr(MapRun) r2 = map_run_new (bare, 0, "clinical", "PatientID,age,gender,Survival.time,dead,diagnosed\n"
                                                            "P1,NA,,,NA,\nP2,61,,,NA,\n", NULL);
  const char *patient;

  map_run_execute (r, NULL);
  g_assert_cmpuint (r->problems->len, ==, 0);
  patient = map_run_first (r, "Patient");
  g_assert_cmpstr (patient, ==, "{\"resourceType\":\"Patient\",\"id\":\"f0d4719d-ac7a-5d77-b000-850babdffe08\","
                                "\"identifier\":[{\"system\":\"https://example.org/id\",\"value\":\"P1\"}],"
                                "\"name\":[{\"use\":\"official\"}]}");

  map_run_execute (r2, NULL);
  /* the extension's value would have come from the cell of "age" */
  map_run_assert_problem (r2, "error|clinical|1|age|NA|patient|",
                          "(ext-1) (in the mapping at resources[0].template.extension[0])");
  g_assert_cmpuint (r2->stats.rows_rejected, ==, 1);
  g_assert_cmpuint (map_run_count (r2, "Patient"), ==, 1);
  g_assert_nonnull (strstr (map_run_first (r2, "Patient"), "\"valueDecimal\":61"));
}

/* Values from cells are checked against their FHIR element as they are
 * written: the type's format, a required value set */
static void
test_value_checks (void)
{
  const char *m =
    "{\"format\": \"cohortscope-mapping/1\", \"id\": \"v\", \"version\": \"1\", \"namespace\": \"https://example.org/t\",\n"
    " \"inputs\": [{\"role\": \"t\", \"key\": \"PatientID\"}],\n"
    " \"resources\": [{\"name\": \"patient\", \"input\": \"t\", \"template\": {\"resourceType\": \"Patient\",\n"
    "   \"gender\": \"{{gender}}\", \"birthDate\": {\"$column\": \"born\"}, \"multipleBirthInteger\": {\"$column\": \"twin\"}}}]}";
  g_autoptr(MapRun) r = map_run_new (m, 0, "t", "PatientID,gender,born,twin\n"
                                                "P1,female,1970-01-31,1\n"
                                                "P2,mail,1970-01-31,1\n"
                                                "P3,male,1970-13-01,1\n"
                                                "P4,male,1970,3.5\n", NULL);
  g_autoptr(MapRun) all = map_run_new (m, CS_MAPPING_RUN_VALIDATE_ALL, "t", "PatientID,gender,born,twin\n"
                                       "P1,female,1970-01-31,1\n"
                                       "P2,mail,1970-01-31,1\n", NULL);

  map_run_execute (r, NULL);
  map_run_assert_problem (r, "error|t|2|gender|mail|patient|",
                          "“mail” is not in the value set http://hl7.org/fhir/ValueSet/administrative-gender");
  map_run_assert_problem (r, "error|t|3|born|1970-13-01|patient|", "is not a valid FHIR date for Patient.birthDate");
  map_run_assert_problem (r, "error|t|4|twin|3.5|patient|", "is not a whole number");
  g_assert_cmpuint (r->stats.rows_rejected, ==, 3);
  g_assert_cmpstr (map_run_first (r, "Patient"), ==,
                   "{\"resourceType\":\"Patient\",\"id\":\"f0d4719d-ac7a-5d77-b000-850babdffe08\","
                   "\"gender\":\"female\",\"birthDate\":\"1970-01-31\",\"multipleBirthInteger\":1}");

  /* checking every resource in full finds the same */
  map_run_execute (all, NULL);
  g_assert_cmpuint (all->stats.rows_rejected, ==, 1);
  g_assert_cmpstr (map_run_first (all, "Patient"), ==, map_run_first (r, "Patient"));
}

static void
test_bad_cells (void)
{
  g_autoptr(MapRun) r = map_run_new (clinical_mapping, 0, "clinical",
                                     "PatientID,age,gender,Survival.time,dead,diagnosed\n"
                                     "P1,7x,male,2165,1,31.02.2009\n"
                                     "P2,60,female,155,maybe,\n"
                                     "P3,61,female,155,0,\n", NULL);

  map_run_execute (r, NULL);
  g_assert_true (r->ok);
  /* every problem names input, row, column, value */
  map_run_assert_problem (r, "error|clinical|1|age|7x|age|", "“7x” is not a decimal number");
  map_run_assert_problem (r, "error|clinical|1|diagnosed|31.02.2009|age|", "not a date in the format %d.%m.%Y");
  map_run_assert_problem (r, "error|clinical|2|dead|maybe|patient|", "“maybe” is not true or false");
  /* a row with an error makes nothing at all */
  g_assert_cmpuint (r->stats.rows_rejected, ==, 2);
  g_assert_cmpuint (r->stats.errors, ==, 3);
  g_assert_cmpuint (r->stats.resources, ==, 2);
  g_assert_cmpuint (map_run_count (r, "Patient"), ==, 1);
}

/* What only the validator finds (a UCUM unit, here) names the cell the
 * element came from, with or without tracing, and the same problems either
 * way; a finding about no cell names none. */
static void
test_validator_cells (void)
{
  const char *m =
    "{\"format\": \"cohortscope-mapping/1\", \"id\": \"v\", \"version\": \"1\", \"namespace\": \"https://example.org/t\",\n"
    " \"inputs\": [{\"role\": \"t\", \"key\": \"PatientID\"}],\n"
    " \"resources\": [{\"name\": \"dose\", \"input\": \"t\", \"template\": {\"resourceType\": \"Observation\",\n"
    "   \"status\": \"final\", \"code\": {\"text\": \"dose\"},\n"
    "   \"valueQuantity\": {\"value\": {\"$column\": \"dose\"}, \"system\": \"http://unitsofmeasure.org\",\n"
    "                     \"code\": {\"$column\": \"unit\"}}}}]}";
  const char *csv = "PatientID,dose,unit\nP1,60,Gy\nP2,2,furlong\nP3,1.8,Gy\n";

  for (guint trace = 0; trace < 2; trace++)
    {
      g_autoptr(MapRun) r = map_run_new (m, trace ? CS_MAPPING_RUN_TRACE : 0, "t", csv, NULL);

      map_run_execute (r, NULL);
      g_assert_cmpuint (r->problems->len, ==, 1);
      map_run_assert_problem (r, "error|t|2|unit|furlong|dose|", "furlong");
      g_assert_cmpuint (r->stats.rows_rejected, ==, 1);
      g_assert_cmpuint (map_run_count (r, "Observation"), ==, 2);
    }
}

/* A finding about constants of the template names the element in the
 * mapping file it came from (its index there, not in the output) */
static void
test_validator_constants (void)
{
  const char *m =
    "{\"format\": \"cohortscope-mapping/1\", \"id\": \"v\", \"version\": \"1\", \"namespace\": \"https://example.org/t\",\n"
    " \"inputs\": [{\"role\": \"t\", \"key\": \"PatientID\"}],\n"
    " \"resources\": [{\"name\": \"patient\", \"input\": \"t\", \"template\": {\"resourceType\": \"Patient\",\n"
    "   \"gender\": \"{{gender}}\",\n"
    "   \"extension\": [{\"$when\": {\"column\": \"nick\", \"present\": true},\n"
    "                   \"url\": \"https://example.org/nick\", \"valueString\": \"{{nick}}\"},\n"
    "                  {\"url\": \"https://example.org/a\", \"valueString\": \"a\"},\n"
    "                  {\"url\": \"https://example.org/flag\"}]}}]}";
  const char *csv = "PatientID,gender,nick\nP1,female,Jo\nP2,male,\n";

  for (guint trace = 0; trace < 2; trace++)
    {
      g_autoptr(MapRun) r = map_run_new (m, trace ? CS_MAPPING_RUN_TRACE : 0, "t", csv, NULL);

      map_run_execute (r, NULL);
      /* P1: the constant extension is the output's third; P2: its second,
       * the first being left out. No cell feeds it: no column. */
      g_assert_cmpuint (r->problems->len, ==, 2);
      map_run_assert_problem (r, "error|t|1|||patient|", "(ext-1) (in the mapping at resources[0].template.extension[2])");
      map_run_assert_problem (r, "error|t|2|||patient|", "(ext-1) (in the mapping at resources[0].template.extension[2])");
      g_assert_cmpuint (r->stats.rows_rejected, ==, 2);
    }
}

static void
test_duplicate_key (void)
{
  g_autoptr(MapRun) r = map_run_new (clinical_mapping, 0, "clinical",
                                     "PatientID,age,gender,Survival.time,dead,diagnosed\n"
                                     "P1,60,male,1,1,\n"
                                     "P2,61,male,1,1,\n"
                                     "P1,62,male,1,1,\n"
                                     ",63,male,1,1,\n", NULL);

  map_run_execute (r, NULL);
  map_run_assert_problem (r, "error|clinical|3|PatientID|P1|", "duplicate key PatientID = “P1” (first in row 1)");
  map_run_assert_problem (r, "error|clinical|4|PatientID||", "the key column “PatientID” is empty");
  g_assert_cmpuint (r->stats.rows_rejected, ==, 2);
  g_assert_cmpuint (map_run_count (r, "Patient"), ==, 2);
}

/* Enough keys that the streamed table's fingerprint set grows several
 * times: duplicates of the first and of a late key are still found. */
static void
test_duplicate_key_many (void)
{
  g_autoptr(GString) csv = g_string_new ("PatientID,age,gender,Survival.time,dead,diagnosed\n");
  g_autoptr(MapRun) r = NULL;

  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (csv, "P%u,60,male,1,1,\n", i);
  g_string_append (csv, "P0,61,male,1,1,\nP4321,62,male,1,1,\nP5000,63,male,1,1,\n");
  r = map_run_new (clinical_mapping, 0, "clinical", csv->str, NULL);
  map_run_execute (r, NULL);
  g_assert_cmpuint (r->problems->len, ==, 2);
  map_run_assert_problem (r, "error|clinical|5001|PatientID|P0|", "duplicate key PatientID = “P0” (first in row 1)");
  map_run_assert_problem (r, "error|clinical|5002|PatientID|P4321|",
                          "duplicate key PatientID = “P4321” (first in row 4322)");
  g_assert_cmpuint (r->stats.rows_rejected, ==, 2);
  g_assert_cmpuint (map_run_count (r, "Patient"), ==, 5001);
}

static void
test_unmapped_policies (void)
{
  const char *csv = "PatientID,age,gender,Survival.time,dead,diagnosed\nP1,60,other,1,1,\n";
  g_autofree char *keep = replace (clinical_mapping, "\"as\": \"code\"", "\"as\": \"code\", \"unmapped\": \"keep\"");
  g_autofree char *keep_cm = replace (clinical_mapping, "\"gender\": {\"$map\": \"gender\", \"column\": \"gender\", \"as\": \"code\"}",
                                      "\"maritalStatus\": {\"coding\": [{\"$map\": \"gender\", \"column\": \"gender\", "
                                      "\"as\": \"codings\", \"unmapped\": \"keep\"}]}");
  g_autofree char *omit = replace (clinical_mapping, "\"as\": \"code\"", "\"as\": \"code\", \"unmapped\": \"omit\"");
  g_autofree char *fixed = replace (clinical_mapping, "\"target\": \"http://hl7.org/fhir/administrative-gender\",",
                                    "\"target\": \"http://hl7.org/fhir/administrative-gender\", "
                                    "\"unmapped\": {\"mode\": \"fixed\", \"code\": \"unknown\"},");
  g_autofree char *provided = replace (clinical_mapping, "\"target\": \"http://hl7.org/fhir/administrative-gender\",",
                                       "\"target\": \"http://hl7.org/fhir/administrative-gender\", "
                                       "\"unmapped\": {\"mode\": \"provided\"},");

  {
    g_autoptr(MapRun) r = map_run_new (clinical_mapping, 0, "clinical", csv, NULL);

    map_run_execute (r, NULL);
    map_run_assert_problem (r, "error|clinical|1|gender|other|patient|", "“other” is not in the ConceptMap “gender”");
    g_assert_cmpuint (r->stats.resources, ==, 0);
  }
  {
    g_autoptr(MapRun) r = map_run_new (keep, 0, "clinical", csv, NULL);

    map_run_execute (r, NULL);
    g_assert_cmpuint (r->problems->len, ==, 0);
    g_assert_nonnull (strstr (map_run_first (r, "Patient"), "\"gender\":\"other\""));
  }
  {
    /* the ConceptMap has no unmapped.mode provided: the kept value has no system */
    g_autoptr(MapRun) r = map_run_new (keep_cm, 0, "clinical", csv, NULL);

    map_run_execute (r, NULL);
    g_assert_nonnull (strstr (map_run_first (r, "Patient"), "\"maritalStatus\":{\"coding\":[{\"code\":\"other\"}]}"));
  }
  {
    g_autoptr(MapRun) r = map_run_new (omit, 0, "clinical", csv, NULL);

    map_run_execute (r, NULL);
    map_run_assert_problem (r, "warning|clinical|1|gender|other|patient|", "left out");
    g_assert_null (strstr (map_run_first (r, "Patient"), "gender"));
    g_assert_cmpuint (r->stats.rows_rejected, ==, 0);
  }
  {
    g_autoptr(MapRun) r = map_run_new (fixed, 0, "clinical", csv, NULL);

    map_run_execute (r, NULL);
    g_assert_cmpuint (r->problems->len, ==, 0);
    g_assert_nonnull (strstr (map_run_first (r, "Patient"), "\"gender\":\"unknown\""));
  }
  {
    g_autoptr(MapRun) r = map_run_new (provided, 0, "clinical", csv, NULL);

    map_run_execute (r, NULL);
    g_assert_cmpuint (r->problems->len, ==, 0);
    g_assert_nonnull (strstr (map_run_first (r, "Patient"), "\"gender\":\"other\""));
  }
}

/* one-to-many value maps, explicit "no code", CodeableConcept.text */
static void
test_concept_map_shapes (void)
{
  const char *m =
    "{\"format\": \"cohortscope-mapping/1\", \"id\": \"t\", \"version\": \"1\", \"namespace\": \"https://example.org/t\",\n"
    " \"inputs\": [{\"role\": \"clinical\", \"key\": \"PatientID\"}],\n"
    " \"conceptMaps\": [{\"$file\": \"t-stage.json\"}],\n"
    " \"resources\": [{\"name\": \"t\", \"input\": \"clinical\",\n"
    "   \"template\": {\"resourceType\": \"Observation\", \"status\": \"final\", \"code\": {\"text\": \"T\"},\n"
    "     \"valueCodeableConcept\": {\"$map\": \"test-t-stage\", \"column\": \"T\", \"text\": true},\n"
    "     \"component\": [{\"code\": {\"coding\": [{\"$map\": \"test-t-stage\", \"column\": \"T\", \"as\": \"codings\"},\n"
    "                                            {\"system\": \"https://example.org/x\", \"code\": \"x\"}]}}]}}]}";
  g_autoptr(MapRun) r = map_run_new (m, 0, "clinical", "PatientID,T\nP1,2\nP2,9\n", NULL);
  const char *p1, *p2;

  map_run_execute (r, NULL);
  g_assert_cmpuint (r->problems->len, ==, 0);
  p1 = r->resources->pdata[0];
  p2 = r->resources->pdata[1];
  g_assert_nonnull (strstr (p1, "\"valueCodeableConcept\":{\"coding\":[{\"system\":\"http://snomed.info/sct\","
                                "\"code\":\"1228929004\",\"display\":\"American Joint Committee on Cancer cT2 "
                                "(qualifier value)\"},{\"system\":\"https://example.org/local-t\",\"code\":\"T2\"}],"
                                "\"text\":\"2\"}"));
  g_assert_nonnull (strstr (p1, "\"component\":[{\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\","
                                "\"code\":\"1228929004\",\"display\":\"American Joint Committee on Cancer cT2 "
                                "(qualifier value)\"},{\"system\":\"https://example.org/local-t\",\"code\":\"T2\"},"
                                "{\"system\":\"https://example.org/x\",\"code\":\"x\"}]}}]"));
  /* 9 is listed as unmatched: no value, no problem */
  g_assert_null (strstr (p2, "valueCodeableConcept"));
  g_assert_nonnull (strstr (p2, "\"component\":[{\"code\":{\"coding\":[{\"system\":\"https://example.org/x\","
                                "\"code\":\"x\"}]}}]"));
}

static const char *join_mapping =
  "{\"format\": \"cohortscope-mapping/1\", \"id\": \"j\", \"version\": \"1\", \"namespace\": \"https://example.org/t\",\n"
  " \"inputs\": [{\"role\": \"clinical\", \"key\": \"PatientID\", \"columns\": {\"age\": {\"type\": \"decimal\"}}},\n"
  "            {\"role\": \"dicom\", \"key\": \"PatientID\", \"join\": {\"input\": \"clinical\", \"on\": \"PatientID\"}}],\n"
  " \"resources\": [\n"
  "  {\"name\": \"patient\", \"input\": \"clinical\", \"template\": {\"resourceType\": \"Patient\",\n"
  "     \"identifier\": [{\"value\": \"{{PatientID}}\"}]}},\n"
  "  {\"name\": \"study\", \"input\": \"dicom\", \"template\": {\"resourceType\": \"ImagingStudy\", \"status\": \"available\",\n"
  "     \"identifier\": [{\"system\": \"urn:dicom:uid\", \"value\": \"urn:oid:{{StudyUID}}\"}],\n"
  "     \"subject\": {\"$ref\": \"patient\"}, \"description\": {\"$column\": \"age\", \"input\": \"clinical\", \"as\": \"string\"}}},\n"
  "  {\"name\": \"age\", \"input\": \"clinical\", \"template\": {\"resourceType\": \"Observation\", \"status\": \"final\",\n"
  "     \"code\": {\"text\": \"age\"}, \"subject\": {\"$ref\": \"patient\"},\n"
  "     \"derivedFrom\": [{\"$ref\": \"study\", \"optional\": true}], \"valueQuantity\": {\"value\": {\"$column\": \"age\"}}}}\n"
  " ]}";

static void
test_joins (void)
{
  g_autoptr(MapRun) r = map_run_new (join_mapping, 0,
                                     "clinical", "PatientID,age\nP1,60\nP2,7x\nP3,70\n",
                                     "dicom", "PatientID,StudyUID\nP1,1.2.3\nP2,1.2.4\nP9,1.2.5\n", NULL);
  const char *study, *age3;

  map_run_execute (r, NULL);
  g_assert_true (cs_mapping_program_input_is_indexed (r->program, 0));
  g_assert_true (cs_mapping_program_input_is_indexed (r->program, 1));
  /* P2's clinical row is rejected, so its study (which refers to its
   * Patient) is rejected too; P9 has no clinical row */
  map_run_assert_problem (r, "error|clinical|2|age|7x|", NULL);
  map_run_assert_problem (r, "error|dicom|2|||study|", "refers to the “patient” resource of row 2 of “clinical”, "
                                                        "which is not made");
  map_run_assert_problem (r, "error|dicom|3|||study|", "no row of “clinical” belongs to this row");
  g_assert_cmpuint (r->stats.rows_rejected, ==, 3);
  study = map_run_first (r, "ImagingStudy");
  g_assert_nonnull (study);
  g_assert_nonnull (strstr (study, "\"subject\":{\"reference\":\"Patient/f0d4719d-ac7a-5d77-b000-850babdffe08\"}"));
  g_assert_nonnull (strstr (study, "\"value\":\"urn:oid:1.2.3\""));
  /* a column of the joined table */
  g_assert_nonnull (strstr (study, "\"description\":\"60\""));
  /* P3 has no study: the optional reference is left out */
  age3 = r->resources->pdata[r->resources->len - 2];
  g_assert_null (strstr (age3, "derivedFrom"));
  g_assert_cmpuint (map_run_count (r, "Observation"), ==, 2);
  g_assert_nonnull (strstr (r->resources->pdata[1], "\"derivedFrom\":[{\"reference\":\"ImagingStudy/"));
}

/* ------------------------------------------------------------------ */
/* Held tables read again from their file                              */

/* A held table whose records hold quoted line breaks and end in CRLF, a
 * duplicate key, a bad cell; the streamed-through joins both ways. */
static const char *held_clinical =
  "PatientID,note,age\r\n"
  "P1,\"first\r\nline\",60\r\n"
  "P2,\"x\",7x\r\n"
  "P3,\"a\nb\r\nc\",70\r\n"
  "P1,\"dup\",80\r\n"
  "P4,,75\r\n";
static const char *held_clinical_plain =
  "PatientID,note,age\n"
  "P1,first line,60\n"
  "P2,x,7x\n"
  "P3,a b c,70\n"
  "P1,dup,80\n"
  "P4,,75\n";
static const char *held_dicom =
  "PatientID,StudyUID\r\n"
  "P1,1.2.3\r\n"
  "P2,1.2.4\r\n"
  "P9,1.2.5\r\n"
  "P3,1.2.6\r\n"
  "P4,1.2.7\r\n"
  "P4,1.2.8\r\n";

static guint64
colliding_fingerprint (const char *key)
{
  return 42;   /* every key collides: only the real keys tell the rows apart */
}

static void
assert_same_output (MapRun *a,
                    MapRun *b)
{
  g_assert_true (a->ok);
  g_assert_true (b->ok);
  g_assert_cmpuint (a->resources->len, ==, b->resources->len);
  for (guint i = 0; i < a->resources->len; i++)
    g_assert_cmpstr (a->resources->pdata[i], ==, b->resources->pdata[i]);
  g_assert_cmpuint (a->problems->len, ==, b->problems->len);
  for (guint i = 0; i < a->problems->len; i++)
    g_assert_cmpstr (a->problems->pdata[i], ==, b->problems->pdata[i]);
}

static void
test_held_rows (void)
{
  g_autoptr(MapRun) r = map_run_new (join_mapping, 0, "clinical", held_clinical, "dicom", held_dicom, NULL);
  g_autoptr(MapRun) plain = map_run_new (join_mapping, 0, "clinical", held_clinical_plain, "dicom",
                                         "PatientID,StudyUID\nP1,1.2.3\nP2,1.2.4\nP9,1.2.5\nP3,1.2.6\nP4,1.2.7\n"
                                         "P4,1.2.8\n", NULL);
  g_autoptr(MapRun) colliding = map_run_new (join_mapping, 0, "clinical", held_clinical, "dicom", held_dicom, NULL);
  g_autoptr(MapRun) piped = NULL;
  const char *study3 = NULL;

  map_run_execute (r, NULL);
  g_assert_true (r->ok);
  g_assert_true (cs_mapping_program_input_is_indexed (r->program, 0));
  g_assert_true (cs_mapping_program_input_is_indexed (r->program, 1));
  map_run_assert_problem (r, "error|clinical|2|age|7x|", NULL);
  map_run_assert_problem (r, "error|clinical|4|PatientID|P1|", "duplicate key PatientID = “P1” (first in row 1)");
  map_run_assert_problem (r, "error|dicom|6|PatientID|P4|", "duplicate key PatientID = “P4” (first in row 5)");
  /* P3's study, after two records with line breaks, has P3's age */
  for (guint i = 0; i < r->resources->len; i++)
    if (strstr (r->resources->pdata[i], "urn:oid:1.2.6") != NULL)
      study3 = r->resources->pdata[i];
  g_assert_nonnull (study3);
  g_assert_nonnull (strstr (study3, "\"description\":\"70\""));
  g_assert_cmpuint (map_run_count (r, "Patient"), ==, 3);
  g_assert_cmpuint (map_run_count (r, "ImagingStudy"), ==, 3);
  g_assert_cmpuint (map_run_count (r, "Observation"), ==, 3);

  /* the same rows without line breaks in quotes and with LF */
  map_run_execute (plain, NULL);
  assert_same_output (r, plain);

  /* every key with the same fingerprint: no row joins another patient's */
  _cs_mapping_run_set_fingerprint_func (colliding->run, colliding_fingerprint);
  map_run_execute (colliding, NULL);
  assert_same_output (r, colliding);

  /* a Latin-1 export with ';' and a decimal comma: read again from the
   * converted copy, the same as UTF-8 with '.' */
  {
    g_autofree char *latin1_mapping = map_test_replace (join_mapping, "{\"role\": \"clinical\", \"key\": \"PatientID\"",
                                                        "{\"role\": \"clinical\", \"key\": \"PatientID\", \"dialect\": "
                                                        "{\"delimiter\": \";\", \"encoding\": \"ISO-8859-1\", "
                                                        "\"decimalComma\": true}");
    g_autoptr(MapRun) latin1 = map_run_new (latin1_mapping, 0, "clinical",
                                            "PatientID;note;age\r\nP1;\"M\xFCller\r\n;x\";60,5\r\nP2;x;7x\r\n"
                                            "P3;\"Stra\xDF" "e\";70,25\r\nP1;dup;80\r\n",
                                            "dicom", held_dicom, NULL);
    g_autoptr(MapRun) utf8 = map_run_new (join_mapping, 0, "clinical",
                                          "PatientID,note,age\nP1,Müller,60.5\nP2,x,7x\nP3,Straße,70.25\nP1,dup,80\n",
                                          "dicom", held_dicom, NULL);

    map_run_execute (latin1, NULL);
    map_run_execute (utf8, NULL);
    assert_same_output (latin1, utf8);
    g_assert_nonnull (strstr (map_run_first (latin1, "Observation"), "\"value\":60.5"));
  }

  /* through pipes: the held tables are copied aside while read */
  map_test_pipe_inputs = TRUE;
  piped = map_run_new (join_mapping, 0, "clinical", held_clinical, "dicom", held_dicom, NULL);
  map_test_pipe_inputs = FALSE;
  map_run_execute (piped, NULL);
  assert_same_output (r, piped);
}

/* Tables whose indexes and keys seen live in files (a memory limit of 0):
 * the same resources and problems as on the heap. */
static void
test_index_in_files (void)
{
  g_autoptr(GString) clinical = g_string_new ("PatientID,note,age\n");
  g_autoptr(GString) dicom = g_string_new ("PatientID,StudyUID\n");
  g_autoptr(GString) streamed = g_string_new ("PatientID,age,gender,Survival.time,dead,diagnosed\n");
  g_autoptr(MapRun) heap = NULL, files = NULL, heap_streamed = NULL, files_streamed = NULL;
  CsBigMem *mem;

  for (guint i = 0; i < 40000; i++)
    {
      g_string_append_printf (clinical, "P%u,\"n\n%u\",%s\n", i, i, i % 997 == 0 ? "7x" : "61");
      g_string_append_printf (streamed, "P%u,60,male,1,1,\n", (i * 7919) % 40000);
    }
  g_string_append (clinical, "P17,dup,80\n");
  for (guint i = 0; i < 40000; i += 3)
    g_string_append_printf (dicom, "P%u,1.2.%u\n", (i * 104729) % 40003, i);
  g_string_append (dicom, "P3,1.2.999\n");
  g_string_append (streamed, "P0,61,male,1,1,\nP4321,62,male,1,1,\n");

  g_setenv ("CS_MAPPING_MEMORY_LIMIT", "64M", TRUE);
  heap = map_run_new (join_mapping, 0, "clinical", clinical->str, "dicom", dicom->str, NULL);
  heap_streamed = map_run_new (clinical_mapping, 0, "clinical", streamed->str, NULL);
  g_setenv ("CS_MAPPING_MEMORY_LIMIT", "0", TRUE);
  files = map_run_new (join_mapping, 0, "clinical", clinical->str, "dicom", dicom->str, NULL);
  files_streamed = map_run_new (clinical_mapping, 0, "clinical", streamed->str, NULL);
  g_unsetenv ("CS_MAPPING_MEMORY_LIMIT");

  /* records longer than a page (the fixed part in the first, what the row
   * makes running on) on the heap and in files */
  {
    g_autoptr(GString) few_clinical = g_string_new (held_clinical);
    g_autoptr(GString) few_dicom = g_string_new (held_dicom);
    g_autoptr(MapRun) few = NULL, long_heap = NULL, long_files = NULL;

    for (guint i = 10; i < 400; i++)
      {
        g_string_append_printf (few_clinical, "P%u,\"x\r\ny\",%u\r\n", i, 40 + i % 50);
        g_string_append_printf (few_dicom, "P%u,1.2.%u\r\n", (i * 37) % 400, i);
      }
    few = map_run_new (join_mapping, 0, "clinical", few_clinical->str, "dicom", few_dicom->str, NULL);
    long_heap = map_run_new (join_mapping, 0, "clinical", few_clinical->str, "dicom", few_dicom->str, NULL);
    g_setenv ("CS_MAPPING_MEMORY_LIMIT", "0", TRUE);
    long_files = map_run_new (join_mapping, 0, "clinical", few_clinical->str, "dicom", few_dicom->str, NULL);
    g_unsetenv ("CS_MAPPING_MEMORY_LIMIT");
    _cs_mapping_run_set_page_records (long_heap->run, TRUE);
    _cs_mapping_run_set_page_records (long_files->run, TRUE);
    map_run_execute (few, NULL);
    map_run_execute (long_heap, NULL);
    map_run_execute (long_files, NULL);
    g_assert_cmpuint (cs_big_mem_get_file_size (_cs_mapping_run_get_memory (long_files->run)), >, 400 * 4096);
    g_assert_cmpuint (few->resources->len, >, 1000);
    assert_same_output (few, long_heap);
    assert_same_output (few, long_files);
  }

  map_run_execute (heap, NULL);
  map_run_execute (files, NULL);
  mem = _cs_mapping_run_get_memory (files->run);
  if (cs_big_mem_get_file_size (mem) == 0)
    {
      g_test_skip ("$TMPDIR's file system cannot hold a mapped file with reserved space (fallocate)");
      return;
    }
  g_assert_cmpuint (cs_big_mem_get_heap_size (mem), ==, 0);
  g_assert_cmpuint (cs_big_mem_get_file_size (_cs_mapping_run_get_memory (heap->run)), ==, 0);
  g_assert_cmpuint (heap->problems->len, >, 40);
  map_run_assert_problem (files, "error|clinical|40001|PatientID|P17|", "duplicate key PatientID = “P17” (first in row 18)");
  assert_same_output (heap, files);

  map_run_execute (heap_streamed, NULL);
  map_run_execute (files_streamed, NULL);
  map_run_assert_problem (files_streamed, "error|clinical|40002|PatientID|P4321|", "duplicate key");
  g_assert_cmpuint (files_streamed->problems->len, ==, 2);
  assert_same_output (heap_streamed, files_streamed);
}

/* A held file that changes between reading it and reading its rows again:
 * the run fails and names it. */
static void
test_held_file_changed (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cs-test-held-XXXXXX", &error);
  g_autofree char *clinical = g_build_filename (dir, "clinical.csv", NULL);
  g_autofree char *dicom = g_build_filename (dir, "dicom.csv", NULL);
  g_autoptr(CsMapping) mapping = cs_mapping_load_data (join_mapping, -1, "mapping.json", NULL, &error);
  g_autoptr(CsMappingProgram) program = NULL;
  CsMappingRun *run;
  CsCsvReader *readers[2];
  CsMappingTableInfo infos[2] = { { 0 } };
  struct utimbuf times = { 1000000000, 1000000000 };
  FILE *f;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (clinical, "PatientID,age\nP1,60\nP2,70\n", -1, &error));
  g_assert_true (g_file_set_contents (dicom, "PatientID,StudyUID\nP1,1.2.3\nP2,1.2.4\n", -1, &error));
  for (guint i = 0; i < 2; i++)
    {
      readers[i] = cs_csv_reader_new_for_path (i == 0 ? clinical : dicom, cs_mapping_get_input_dialect (mapping, i),
                                               &error);
      g_assert_no_error (error);
      infos[i].role = i == 0 ? "clinical" : "dicom";
      infos[i].name = cs_csv_reader_get_name (readers[i]);
      infos[i].header = cs_csv_reader_get_header (readers[i]);
    }
  program = cs_mapping_compile (mapping, infos, 2, &error);
  g_assert_no_error (error);
  run = cs_mapping_run_new (program, 0);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_true (cs_mapping_run_add_input (run, infos[i].role, readers[i], &error));
      g_assert_no_error (error);
    }
  g_assert_true (cs_mapping_run_prepare (run, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  /* P2 becomes P3, in place: the same size, another modification time */
  f = fopen (clinical, "r+b");
  g_assert_nonnull (f);
  g_assert_cmpint (fseek (f, 20, SEEK_SET), ==, 0);
  g_assert_cmpint (fputc ('3', f), ==, '3');
  g_assert_cmpint (fclose (f), ==, 0);
  g_assert_cmpint (g_utime (clinical, &times), ==, 0);

  g_assert_false (cs_mapping_run_all (run, NULL, NULL, NULL, &error));
  g_assert_error (error, CS_CSV_ERROR, CS_CSV_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "clinical.csv: the file changed while it was being read"));
  cs_mapping_run_free (run);
  g_unlink (clinical);
  g_unlink (dicom);
  g_rmdir (dir);
}

/* An optional input left out: what is made from it is not, optional
 * references to it are left out, required ones are a compile error */
static void
test_optional_input (void)
{
  g_autofree char *m = replace (join_mapping, "{\"role\": \"dicom\", \"key\"", "{\"role\": \"dicom\", \"optional\": true, \"key\"");
  g_autofree char *required = replace (m, "{\"$ref\": \"study\", \"optional\": true}", "{\"$ref\": \"study\"}");
  g_autoptr(MapRun) r = map_run_new (m, 0, "clinical", "PatientID,age\nP1,60\n", NULL);
  g_autoptr(GError) error = map_compile_error (required, "clinical", "PatientID,age\n", NULL);

  map_run_execute (r, NULL);
  g_assert_no_error (r->error);
  g_assert_cmpuint (r->problems->len, ==, 0);
  g_assert_true (cs_mapping_program_input_is_absent (r->program, 1));
  g_assert_cmpuint (map_run_count (r, "ImagingStudy"), ==, 0);
  g_assert_cmpuint (map_run_count (r, "Observation"), ==, 1);
  g_assert_null (strstr (map_run_first (r, "Observation"), "derivedFrom"));
  g_assert_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_COMPILE);
  g_assert_nonnull (strstr (error->message, "refers to “study”, which is made from the input “dicom”"));
}

/* {"mapped": ConceptMap}: a value the map gives a code to */
static void
test_mapped_condition (void)
{
  const char *m =
    "{\"format\": \"cohortscope-mapping/1\", \"id\": \"t\", \"version\": \"1\", \"namespace\": \"https://example.org/t\",\n"
    " \"inputs\": [{\"role\": \"clinical\", \"key\": \"PatientID\"}],\n"
    " \"conceptMaps\": [{\"$file\": \"t-stage.json\"}],\n"
    " \"resources\": [{\"name\": \"t\", \"input\": \"clinical\", \"when\": {\"column\": \"T\", \"present\": true},\n"
    "   \"template\": {\"resourceType\": \"Observation\", \"status\": \"final\", \"code\": {\"text\": \"T\"},\n"
    "     \"valueCodeableConcept\": {\"$map\": \"test-t-stage\", \"column\": \"T\"},\n"
    "     \"dataAbsentReason\": {\"$when\": {\"not\": {\"column\": \"T\", \"mapped\": \"test-t-stage\"}},\n"
    "       \"coding\": [{\"system\": \"http://terminology.hl7.org/CodeSystem/data-absent-reason\", \"code\": \"unknown\"}]}}}]}";
  g_autoptr(MapRun) r = map_run_new (m, 0, "clinical", "PatientID,T\nP1,2\nP2,9\nP3,NA\n", NULL);

  map_run_execute (r, NULL);
  g_assert_cmpuint (r->problems->len, ==, 0);
  g_assert_cmpuint (r->resources->len, ==, 2);
  g_assert_nonnull (strstr (r->resources->pdata[0], "valueCodeableConcept"));
  g_assert_null (strstr (r->resources->pdata[0], "dataAbsentReason"));
  g_assert_null (strstr (r->resources->pdata[1], "valueCodeableConcept"));
  g_assert_nonnull (strstr (r->resources->pdata[1], "\"dataAbsentReason\":{\"coding\":[{\"system\":"));
}

/* Same-row references, forward and in a cycle; a reference to a resource
 * the row does not make */
static void
test_same_row_references (void)
{
  const char *m =
    "{\"format\": \"cohortscope-mapping/1\", \"id\": \"s\", \"version\": \"1\", \"namespace\": \"https://example.org/t\",\n"
    " \"inputs\": [{\"role\": \"clinical\", \"key\": \"PatientID\"}],\n"
    " \"resources\": [\n"
    "  {\"name\": \"condition\", \"input\": \"clinical\", \"template\": {\"resourceType\": \"Condition\",\n"
    "     \"code\": {\"text\": \"NSCLC\"}, \"subject\": {\"$ref\": \"patient\"},\n"
    "     \"stage\": [{\"assessment\": [{\"$ref\": \"stage\", \"optional\": true}]}]}},\n"
    "  {\"name\": \"patient\", \"input\": \"clinical\", \"template\": {\"resourceType\": \"Patient\", \"active\": true}},\n"
    "  {\"name\": \"t\", \"input\": \"clinical\", \"when\": {\"column\": \"T\", \"present\": true},\n"
    "   \"template\": {\"resourceType\": \"Observation\", \"status\": \"final\", \"code\": {\"text\": \"T\"},\n"
    "     \"valueString\": \"{{T}}\"}},\n"
    "  {\"name\": \"stage\", \"input\": \"clinical\", \"when\": {\"column\": \"Stage\", \"present\": true},\n"
    "   \"template\": {\"resourceType\": \"Observation\", \"status\": \"final\", \"code\": {\"text\": \"stage\"},\n"
    "     \"focus\": [{\"$ref\": \"condition\"}], \"hasMember\": [{\"$ref\": \"t\", \"optional\": true}],\n"
    "     \"valueString\": \"{{Stage}}\"}}\n"
    " ]}";
  g_autoptr(MapRun) r = map_run_new (m, 0, "clinical", "PatientID,T,Stage\nP1,2,IIIa\nP2,,I\nP3,1,\n", NULL);
  g_autofree char *required = replace (m, "{\"$ref\": \"t\", \"optional\": true}", "{\"$ref\": \"t\"}");
  g_autoptr(MapRun) r2 = map_run_new (required, 0, "clinical", "PatientID,T,Stage\nP1,2,IIIa\nP2,,I\n", NULL);
  const char *cond1, *cond3;

  map_run_execute (r, NULL);
  g_assert_cmpuint (r->problems->len, ==, 0);
  cond1 = r->resources->pdata[0];
  g_assert_nonnull (strstr (cond1, "\"stage\":[{\"assessment\":[{\"reference\":\"Observation/"));
  /* P3 has no stage: the condition's forward reference is left out */
  cond3 = NULL;
  for (guint i = 0; i < r->ids->len; i++)
    if (g_str_has_prefix (r->resources->pdata[i], "{\"resourceType\":\"Condition\""))
      cond3 = r->resources->pdata[i];
  g_assert_null (strstr (cond3, "stage"));
  /* P2's stage has no T member */
  g_assert_cmpuint (map_run_count (r, "Observation"), ==, 4);

  /* a required reference to a resource the row does not make rejects the row */
  map_run_execute (r2, NULL);
  map_run_assert_problem (r2, "error|clinical|2|||stage|", "refers to the “t” resource, which this row does not make");
  g_assert_cmpuint (r2->stats.rows_rejected, ==, 1);
  /* and so the condition of P2 goes too (the whole row) */
  g_assert_cmpuint (map_run_count (r2, "Condition"), ==, 1);
}

static const char *wide_mapping =
  "{\"format\": \"cohortscope-mapping/1\", \"id\": \"w\", \"version\": \"1\", \"namespace\": \"https://example.org/t\",\n"
  " \"inputs\": [{\"role\": \"features\", \"key\": [\"PatientID\", \"Lesion\"]}],\n"
  " \"resources\": [\n"
  "  {\"name\": \"feature\", \"input\": \"features\", \"forEachColumn\": {\"match\": \"f_.*\", \"exclude\": \"f_skip\"},\n"
  "   \"template\": {\"resourceType\": \"Observation\", \"status\": \"final\",\n"
  "     \"code\": {\"coding\": [{\"system\": \"https://example.org/f\", \"code\": {\"$feature\": \"column\"}}],\n"
  "              \"text\": \"{{$feature.name}} of {{Lesion}}\"},\n"
  "     \"valueQuantity\": {\"value\": {\"$feature\": \"value\", \"as\": \"decimal\"}, \"unit\": \"1\"}}},\n"
  "  {\"name\": \"lesion\", \"input\": \"features\", \"template\": {\"resourceType\": \"Observation\", \"status\": \"final\",\n"
  "     \"code\": {\"text\": \"lesion {{Lesion}}\"}, \"hasMember\": [{\"$refAll\": \"feature\"}]}}\n"
  " ]}";

static void
test_wide_to_long (void)
{
  g_autoptr(MapRun) r = map_run_new (wide_mapping, CS_MAPPING_RUN_TRACE, "features",
                                     "PatientID,Lesion,f_a,f_b,f_skip,other\n"
                                     "P1,L1,1.5,,9,x\n"
                                     "P1,L2,2.5,3e2,9,x\n"
                                     "P1,L3,,,9,x\n", NULL);
  const char *group1 = NULL, *group3 = NULL;
  guint n_features = 0;

  map_run_execute (r, NULL);
  g_assert_cmpuint (r->problems->len, ==, 0);
  for (guint i = 0; i < r->resources->len; i++)
    {
      const char *json = r->resources->pdata[i];

      if (strstr (json, "hasMember") != NULL || strstr (json, "lesion L3") != NULL)
        {
          if (strstr (json, "lesion L1"))
            group1 = json;
          if (strstr (json, "lesion L3"))
            group3 = json;
        }
      else
        n_features++;
    }
  /* missing cells make no feature: 1 + 2 */
  g_assert_cmpuint (n_features, ==, 3);
  g_assert_nonnull (strstr (r->resources->pdata[0], "\"code\":{\"coding\":[{\"system\":\"https://example.org/f\","
                                                    "\"code\":\"f_a\"}],\"text\":\"f_a of L1\"}"));
  g_assert_nonnull (strstr (r->resources->pdata[0], "\"valueQuantity\":{\"value\":1.5,\"unit\":\"1\"}"));
  /* the id: the row's UUID and a suffix from the column name */
  g_assert_cmpuint (strlen (strchr (r->ids->pdata[0], '/') + 1), ==, 36 + 1 + 13);
  /* the group lists exactly the features its row made */
  g_assert_nonnull (group1);
  {
    g_autofree char *member = g_strdup_printf ("\"hasMember\":[{\"reference\":\"%s\"}]", (char *) r->ids->pdata[0]);

    g_assert_nonnull (strstr (group1, member));
  }
  g_assert_nonnull (group3);
  g_assert_null (strstr (group3, "hasMember"));

  /* the same resources without tracing (parts that depend on the column
   * only are then rendered once per column) */
  {
    g_autoptr(MapRun) plain = map_run_new (wide_mapping, 0, "features",
                                           "PatientID,Lesion,f_a,f_b,f_skip,other\n"
                                           "P1,L1,1.5,,9,x\n"
                                           "P1,L2,2.5,3e2,9,x\n"
                                           "P1,L3,,,9,x\n", NULL);

    map_run_execute (plain, NULL);
    g_assert_cmpuint (plain->resources->len, ==, r->resources->len);
    for (guint i = 0; i < r->resources->len; i++)
      g_assert_cmpstr (plain->resources->pdata[i], ==, r->resources->pdata[i]);
  }

  /* provenance: the value came from the cell, the code from the header */
  {
    g_autofree char *value = g_strdup_printf ("%s Observation.valueQuantity.value <- features:1:f_a",
                                              (char *) r->ids->pdata[0]);
    g_autofree char *code = g_strdup_printf ("%s Observation.code.coding[0].code <- features:0:f_a",
                                             (char *) r->ids->pdata[0]);
    g_autofree char *text = g_strdup_printf ("%s Observation.code.text <- features:0:f_a features:1:Lesion",
                                             (char *) r->ids->pdata[0]);
    gboolean found_value = FALSE, found_code = FALSE, found_text = FALSE;

    for (guint i = 0; i < r->elements->len; i++)
      {
        found_value |= g_str_equal (r->elements->pdata[i], value);
        found_code |= g_str_equal (r->elements->pdata[i], code);
        found_text |= g_str_equal (r->elements->pdata[i], text);
      }
    g_assert_true (found_value);
    g_assert_true (found_code);
    g_assert_true (found_text);
  }
}

/* A row whose features are all 0 (a failed extraction) makes no feature:
 * a warning says so, and the group made from the row has no members. */
static void
test_zero_rows (void)
{
  g_autoptr(GString) m = g_string_new (wide_mapping);
  g_autoptr(GString) one = NULL;
  g_autoptr(MapRun) r = NULL, single = NULL;

  g_string_replace (m, "\"exclude\": \"f_skip\"}", "\"exclude\": \"f_skip\", \"zeroRowIsMissing\": true}", 1);
  r = map_run_new (m->str, 0, "features",
                   "PatientID,Lesion,f_a,f_b,f_skip,other\n"
                   "P1,L1,0,0.0,9,x\n"        /* failed */
                   "P1,L2,0,2,9,x\n"          /* a 0 among values is a value */
                   "P1,L3,0,,9,x\n", NULL);   /* failed: every value present is 0 */
  map_run_execute (r, NULL);
  g_assert_cmpuint (r->problems->len, ==, 2);
  map_run_assert_problem (r, "warning|features|1|", "all 2 features are 0, as a failed extraction leaves them");
  map_run_assert_problem (r, "warning|features|3|", "all 2 features are 0");
  /* L2's two features and three groups, only L2's with members */
  g_assert_cmpuint (r->resources->len, ==, 2 + 3);
  for (guint i = 0; i < r->resources->len; i++)
    if (strstr (r->resources->pdata[i], "hasMember") != NULL)
      g_assert_nonnull (strstr (r->resources->pdata[i], "lesion L2"));

  one = g_string_new (m->str);
  g_string_replace (one, "\"exclude\": \"f_skip\"", "\"exclude\": \"f_b|f_skip\"", 1);
  single = map_run_new (one->str, 0, "features", "PatientID,Lesion,f_a,f_b,f_skip\nP1,L1,0,3,9\n", NULL);
  map_run_execute (single, NULL);
  map_run_assert_problem (single, "warning|features|1|", "the row's only feature is 0");
}

/* pyradiomics names: bare names take their table's class; the same
 * feature named two ways gets one id; a column that is no feature is an
 * error naming it */
static void
test_radiomics (void)
{
  const char *m =
    "{\"format\": \"cohortscope-mapping/1\", \"id\": \"r\", \"version\": \"1\", \"namespace\": \"https://example.org/t\",\n"
    " \"inputs\": [{\"role\": \"bare\", \"key\": \"PatientID\", \"radiomics\": {\"featureClass\": \"glrlm\"}},\n"
    "            {\"role\": \"full\", \"key\": \"PatientID\"}],\n"
    " \"resources\": [{\"name\": \"feature\", \"input\": [\"bare\"], \"forEachColumn\": {\"radiomics\": true, \"modality\": \"CT\"},\n"
    "   \"template\": {\"resourceType\": \"Observation\", \"status\": \"final\",\n"
    "     \"code\": {\"coding\": [{\"system\": \"https://pyradiomics.readthedocs.io\", \"code\": {\"$feature\": \"code\"}}],\n"
    "              \"text\": \"{{$feature.label}}\"},\n"
    "     \"method\": {\"text\": \"{{$feature.filter}} {{$feature.class}} {{$feature.name}}\"},\n"
    "     \"valueQuantity\": {\"value\": {\"$feature\": \"value\"}, \"code\": {\"$feature\": \"unit\"},\n"
    "                       \"system\": {\"$feature\": \"unitSystem\"}}}},\n"
    "  {\"name\": \"other\", \"input\": \"full\", \"forEachColumn\": {\"radiomics\": true},\n"
    "   \"template\": {\"resourceType\": \"Observation\", \"status\": \"final\", \"code\": {\"text\": \"{{$feature.code}}\"},\n"
    "     \"valueQuantity\": {\"value\": {\"$feature\": \"value\"}}}}]}";
  g_autoptr(MapRun) r = map_run_new (m, 0,
                                     "bare", ",PatientID,HLH GrayLevelNonUniformity,RunEntropy\n0,P1,12.5,3.25\n",
                                     "full", "PatientID,wavelet-HLH_glrlm_GrayLevelNonUniformity,diagnostics_Versions_Numpy\n"
                                     "P1,12.5,1.24\n", NULL);
  g_autoptr(GError) error = map_compile_error (m, "bare", ",PatientID,RunEntropy,Lesion\n",
                                               "full", "PatientID,original_glcm_JointEntropy\n", NULL);
  const char *hlh = NULL;

  map_run_execute (r, NULL);
  g_assert_cmpuint (r->problems->len, ==, 0);
  /* the pandas index column and the diagnostics are not features */
  g_assert_cmpuint (map_run_count (r, "Observation"), ==, 3);
  for (guint i = 0; i < r->resources->len; i++)
    if (strstr (r->resources->pdata[i], "wavelet-HLH_glrlm_GrayLevelNonUniformity") != NULL && hlh == NULL)
      hlh = r->resources->pdata[i];
  g_assert_nonnull (hlh);
  g_assert_nonnull (strstr (hlh, "\"method\":{\"text\":\"wavelet-HLH glrlm GrayLevelNonUniformity\"}"));
  /* GLRLM features have no unit but 1 */
  g_assert_nonnull (strstr (hlh, "\"code\":\"1\",\"system\":\"http://unitsofmeasure.org\""));
  /* one feature, two spellings, one id suffix (the row ids differ: another template) */
  {
    const char *a = strrchr (r->ids->pdata[0], '-'), *b = NULL;

    for (guint i = 0; i < r->ids->len; i++)
      if (g_str_has_prefix (r->resources->pdata[i], "{\"resourceType\":\"Observation\"") &&
          strstr (r->resources->pdata[i], "\"text\":\"wavelet-HLH_glrlm_GrayLevelNonUniformity\"") != NULL)
        b = strrchr (r->ids->pdata[i], '-');
    g_assert_nonnull (b);
    g_assert_cmpstr (a, ==, b);
  }

  g_assert_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_COMPILE);
  g_assert_nonnull (strstr (error->message, "the column “Lesion” of bare is not a pyradiomics feature"));
  g_assert_nonnull (strstr (error->message, "leave it out with “exclude”"));
}

/* Whether the wide template of resource `name` was flattened (CStencil) */
static gboolean
has_stencil (MapRun     *r,
             const char *name)
{
  for (guint i = 0; i < r->program->templates->len; i++)
    {
      const CTemplate *tmpl = r->program->templates->pdata[i];

      if (g_str_equal (tmpl->def->name, name))
        return tmpl->stencil != NULL;
    }
  g_assert_not_reached ();
}

/* A wide template whose leaves are written or fail the resource is
 * written from a stencil per column: the same bytes, shapes and problems
 * as the walk of the tree (which tracing uses) */
static void
test_stencil (void)
{
  const char *m =
    "{\"format\": \"cohortscope-mapping/1\", \"id\": \"s\", \"version\": \"1\", \"namespace\": \"https://example.org/t\",\n"
    " \"inputs\": [{\"role\": \"features\", \"key\": [\"PatientID\", \"Lesion\"]}],\n"
    " \"resources\": [\n"
    "  {\"name\": \"feature\", \"input\": \"features\", \"forEachColumn\": {\"match\": \"f_.*\"},\n"
    "   \"template\": {\"resourceType\": \"Observation\", \"status\": \"final\",\n"
    "     \"category\": [{\"text\": \"imaging\"}, {\"text\": \"{{$feature.name}}\"}],\n"
    "     \"code\": {\"coding\": [{\"system\": \"https://example.org/f\", \"code\": {\"$feature\": \"column\"}}]},\n"
    "     \"derivedFrom\": [{\"$ref\": \"lesion\"}],\n"
    "     \"bodySite\": {\"text\": {\"$column\": \"site\", \"required\": true}},\n"
    "     \"valueQuantity\": {\"value\": {\"$feature\": \"value\", \"as\": \"decimal\"}, \"unit\": \"1\",\n"
    "                       \"system\": \"http://unitsofmeasure.org\", \"code\": \"1\"}}},\n"
    "  {\"name\": \"lesion\", \"input\": \"features\", \"template\": {\"resourceType\": \"Observation\", \"status\": \"final\",\n"
    "     \"code\": {\"text\": \"lesion {{Lesion}}\"}, \"hasMember\": [{\"$refAll\": \"feature\"}]}}\n"
    " ]}";
  const char *csv = "PatientID,Lesion,site,f_a,f_b,f_c\n"
                    "P1,L1,lung,1.5,,-0.25\n"
                    "P1,L2,lung,2.5,3e2,x\n"
                    "P2,L1,,1,2,3\n"
                    "P3,L1,lung,007,1,2\n";
  g_autoptr(MapRun) tree = map_run_new (m, CS_MAPPING_RUN_TRACE, "features", csv, NULL);
  g_autoptr(MapRun) flat = map_run_new (m, 0, "features", csv, NULL);
  /* an optional reference may be left out: no stencil, the tree */
  g_autofree char *optional = replace (m, "{\"$ref\": \"lesion\"}", "{\"$ref\": \"lesion\", \"optional\": true}");
  g_autoptr(MapRun) walked = map_run_new (optional, 0, "features", csv, NULL);

  g_assert_true (has_stencil (flat, "feature"));
  g_assert_false (has_stencil (walked, "feature"));
  map_run_execute (tree, NULL);
  map_run_execute (flat, NULL);
  map_run_execute (walked, NULL);

  /* row 2's f_c is not a number; row 3 has no site, which each of its
   * three features needed: both rows are rejected with those problems */
  g_assert_cmpuint (flat->problems->len, ==, 1 + 3);
  map_run_assert_problem (flat, "error|features|2|f_c|x|feature|", "not");
  map_run_assert_problem (flat, "error|features|3|site||feature|", "the column “site” must have a value");
  g_assert_cmpuint (flat->stats.rows_rejected, ==, 2);
  g_assert_cmpuint (map_run_count (flat, "Observation"), ==, 2 + 1 + 3 + 1);
  g_assert_nonnull (strstr (flat->resources->pdata[0],
                            "\"status\":\"final\",\"category\":[{\"text\":\"imaging\"},{\"text\":\"f_a\"}],"
                            "\"code\":{\"coding\":[{\"system\":\"https://example.org/f\",\"code\":\"f_a\"}]},"
                            "\"derivedFrom\":[{\"reference\":\"Observation/"));
  g_assert_nonnull (strstr (flat->resources->pdata[0],
                            "\"bodySite\":{\"text\":\"lung\"},\"valueQuantity\":{\"value\":1.5,\"unit\":\"1\","
                            "\"system\":\"http://unitsofmeasure.org\",\"code\":\"1\"}}"));
  g_assert_nonnull (strstr (flat->resources->pdata[3], "\"value\":7,"));

  for (guint k = 0; k < 2; k++)
    {
      MapRun *other = k == 0 ? tree : walked;

      g_assert_cmpuint (other->resources->len, ==, flat->resources->len);
      for (guint i = 0; i < flat->resources->len; i++)
        g_assert_cmpstr (other->resources->pdata[i], ==, flat->resources->pdata[i]);
      g_assert_cmpuint (other->problems->len, ==, flat->problems->len);
      for (guint i = 0; i < flat->problems->len; i++)
        g_assert_cmpstr (other->problems->pdata[i], ==, flat->problems->pdata[i]);
    }
}

/* An output larger than the writer's buffer and its drop-behind chunks
 * (cs-mapping-writer.c) is written whole, in order, and renamed into place
 * only at the commit */
static void
test_writer_large (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cs-test-writer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.ndjson", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMappingWriter) writer = cs_mapping_writer_new (path, CS_MAPPING_OUTPUT_NDJSON, &error);
  g_autoptr(GChecksum) expected = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GChecksum) actual = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(GString) json = g_string_new (NULL);
  g_autofree char *contents = NULL;
  gsize length = 0, total = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < 2600; i++)
    {
      char id[16];

      g_snprintf (id, sizeof id, "r%u", i);
      g_string_printf (json, "{\"resourceType\":\"Basic\",\"id\":\"%s\",\"x\":\"", id);
      /* mostly ~10 kB; every 500th 160 kB, more than half the buffer: written
       * past it; every 1000th 2.4 MB, more than the buffer */
      for (guint k = 0; k < (i % 1000 == 3 ? 600000u : i % 500 == 7 ? 40000u : 2500u + i % 13); k++)
        g_string_append_printf (json, "%04x", (i * 31 + k) & 0xffff);
      g_string_append (json, "\"}");
      g_assert_true (cs_mapping_writer_add (writer, "Basic", id, json->str, json->len, &error));
      g_assert_no_error (error);
      g_checksum_update (expected, (const guchar *) json->str, json->len);
      g_checksum_update (expected, (const guchar *) "\n", 1);
      total += json->len + 1;
      if (i == 10)
        g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    }
  g_assert_cmpuint (total, >, 24 << 20);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (cs_mapping_writer_commit (writer, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_cmpuint (length, ==, total);
  g_checksum_update (actual, (const guchar *) contents, length);
  g_assert_cmpstr (g_checksum_get_string (actual), ==, g_checksum_get_string (expected));
  g_unlink (path);
  g_rmdir (dir);
}

/* The Provenance lists every resource written, in order, whatever its id
 * (UUIDs with or without a suffix, other ids, ids longer than a byte's
 * length) and however many types the run writes, across more than one
 * read of the temporary file. */
static void
test_writer_provenance_targets (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cs-test-writer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.ndjson", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMapping) mapping = cs_mapping_load_data (clinical_mapping, -1, "mapping.json", NULL, &error);
  g_autoptr(CsMappingWriter) writer = NULL;
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) listed = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *contents = NULL;
  gsize length = 0;
  CsMappingProvenanceInfo info = { 0 };
  guint n_provenance = 0;

  g_assert_no_error (error);
  writer = cs_mapping_writer_new (path, CS_MAPPING_OUTPUT_NDJSON, &error);
  g_assert_no_error (error);
  info.mapping = mapping;
  info.recorded = 1700000000;
  cs_mapping_writer_set_provenance (writer, &info);

  for (guint i = 0; i < 61234; i++)   /* more than a 1 MiB read of the temporary file */
    {
      g_autofree char *type = NULL;
      g_autofree char *id = NULL;
      g_autofree char *json = NULL;

      /* 300 types in all: more than a byte numbers */
      type = i % 7 == 0 ? g_strdup_printf ("Type%u", i % 300) : g_strdup (i % 2 ? "Observation" : "Patient");
      switch (i % 6)
        {
        case 0:
          id = g_strdup_printf ("%08x-%04x-5%03x-8%03x-%012x", i * 2654435761u, i & 0xffff, i & 0xfff,
                                (i * 7) & 0xfff, i * 40503u);
          break;
        case 1:   /* uppercase: not the canonical form, kept as text */
          id = g_strdup_printf ("%08X-%04X-5%03X-8%03X-%012X", i * 2654435761u, i & 0xffff, i & 0xfff,
                                (i * 7) & 0xfff, i * 40503u);
          break;
        case 2:
          id = g_strdup_printf ("lung1-%u", i);
          break;
        case 3:   /* longer than a byte's length */
          id = g_strnfill (300 + i % 50, 'a' + i % 26);
          break;
        case 4:
          id = g_strdup_printf ("%08x-%04x-5%03x-8%03x-%012xz", i, i, i & 0xfff, i & 0xfff, i);
          break;
        default:  /* a UUID and a suffix, as wide-to-long resources get */
          id = g_strdup_printf ("%08x-%04x-5%03x-8%03x-%012x-%s", i, i, i & 0xfff, i & 0xfff, i,
                                i % 11 == 0 ? "n7wf4y6gdkvq6" : i % 11 == 1 ? "x" : "abc-def");
          break;
        }
      json = g_strdup_printf ("{\"resourceType\":\"%s\",\"id\":\"%s\"}", type, id);
      g_assert_true (cs_mapping_writer_add (writer, type, id, json, strlen (json), &error));
      g_assert_no_error (error);
      g_ptr_array_add (expected, g_strdup_printf ("%s/%s", type, id));
    }
  g_assert_true (cs_mapping_writer_commit (writer, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  /* line by line with memchr: g_strsplit's strstr is quadratic under ASan */
  for (char *line = contents, *nl; line < contents + length; line = nl + 1)
    {
      static const char provenance[] = "{\"resourceType\":\"Provenance\"";
      g_autoptr(JsonNode) node = NULL;
      JsonArray *targets;

      nl = memchr (line, '\n', contents + length - line);
      g_assert_nonnull (nl);
      *nl = '\0';
      if (nl - line < (gssize) sizeof provenance - 1 || memcmp (line, provenance, sizeof provenance - 1) != 0)
        continue;
      node = json_from_string (line, &error);
      g_assert_no_error (error);
      targets = json_object_get_array_member (json_node_get_object (node), "target");
      for (guint k = 0; k < json_array_get_length (targets); k++)
        g_ptr_array_add (listed, g_strdup (json_object_get_string_member (json_array_get_object_element (targets, k),
                                                                           "reference")));
      n_provenance++;
    }
  g_assert_cmpuint (n_provenance, ==, 7);
  g_assert_cmpuint (listed->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    g_assert_cmpstr (listed->pdata[i], ==, expected->pdata[i]);
  g_unlink (path);
  g_rmdir (dir);
}

/* Whether the file system of dir takes O_DIRECT writes (tmpfs before
 * Linux 6.6, for one, does not) */
static gboolean
folder_takes_direct_io (const char *dir)
{
#ifdef O_DIRECT
  g_autofree char *probe = g_build_filename (dir, "probe", NULL);
  int fd = g_open (probe, O_WRONLY | O_CREAT | O_EXCL | O_DIRECT, 0600);

  if (fd < 0)
    return FALSE;
  close (fd);
  g_unlink (probe);
  return TRUE;
#else
  return FALSE;
#endif
}

/* Only the file named is left in dir */
static void
assert_folder_holds (const char *dir,
                     const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = g_dir_open (dir, 0, &error);
  const char *entry;
  guint n = 0;

  g_assert_no_error (error);
  while ((entry = g_dir_read_name (listing)) != NULL)
    {
      g_assert_cmpstr (entry, ==, name);
      n++;
    }
  g_assert_cmpuint (n, ==, name != NULL ? 1 : 0);
}

/* Pieces of every size, from a byte to more than three of the direct
 * writer's 1 MiB buffers, come out whole and in order, with direct I/O
 * (several buffers in flight on the writer threads, the partial last one
 * through the page cache) and without it (CS_MAPPING_DIRECT_IO=0) */
static void
test_writer_direct_io (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cs-test-writer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.ndjson", NULL);
  gboolean direct_ok = folder_takes_direct_io (dir);

  for (guint mode = 0; mode < 2; mode++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GRand) rand = g_rand_new_with_seed (mode + 7);
      g_autoptr(GString) expected = g_string_new (NULL);
      g_autofree char *contents = NULL;
      g_autofree char *piece = g_malloc (3700000);
      gsize length = 0;
      MapFile file;

      g_setenv ("CS_MAPPING_DIRECT_IO", mode == 0 ? "1" : "0", TRUE);
      g_assert_true (map_file_open (&file, path, &error));
      g_assert_no_error (error);
      g_assert_true ((file.dio != NULL) == (mode == 0 && direct_ok));
      while (expected->len < (14u << 20) + 4321)
        {
          guint kind = g_rand_int_range (rand, 0, 10);
          gsize n = kind < 6 ? (gsize) g_rand_int_range (rand, 1, 800)
                    : kind < 9 ? (gsize) g_rand_int_range (rand, 1000, 300000)
                               : (gsize) g_rand_int_range (rand, 1 << 20, 3700000);

          for (gsize k = 0; k < n; k++)
            piece[k] = (char) ('a' + (expected->len + k) % 23);
          g_assert_true (map_file_write (&file, piece, n, &error));
          g_assert_no_error (error);
          g_string_append_len (expected, piece, n);
        }
      /* nothing under the final name before the commit */
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
      g_assert_true (map_file_commit (&file, &error));
      g_assert_no_error (error);
      map_file_clear (&file);
      assert_folder_holds (dir, "out.ndjson");

      g_assert_true (g_file_get_contents (path, &contents, &length, &error));
      g_assert_cmpuint (length, ==, expected->len);
      g_assert_true (memcmp (contents, expected->str, length) == 0);
      g_unlink (path);
    }
  g_unsetenv ("CS_MAPPING_DIRECT_IO");
  g_rmdir (dir);
  if (!direct_ok)
    g_test_skip ("the file system of the temporary folder takes no O_DIRECT writes: only the page-cache path ran");
}

/* A write refused half-way (a file size limit: EFBIG), with direct I/O and
 * without: the error names the file and the system's reason, at a later
 * buffer or at the commit, and no temporary file stays */
static void
test_writer_write_refused (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cs-test-writer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.ndjson", NULL);
  g_autoptr(GString) json = g_string_new ("{\"resourceType\":\"Basic\",\"id\":\"a\",\"x\":\"");
  struct rlimit saved_limit, limit;
  void (*saved_handler) (int) = signal (SIGXFSZ, SIG_IGN);

  for (guint k = 0; k < 70000; k++)
    g_string_append (json, "0123456789");
  g_string_append (json, "\"}");
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved_limit), ==, 0);

  for (guint mode = 0; mode < 2; mode++)
    {
      g_autoptr(GError) error = NULL;
      CsMappingWriter *writer;
      gboolean ok = TRUE;

      g_setenv ("CS_MAPPING_DIRECT_IO", mode == 0 ? "1" : "0", TRUE);
      writer = cs_mapping_writer_new (path, CS_MAPPING_OUTPUT_NDJSON, &error);
      g_assert_no_error (error);
      limit = saved_limit;
      limit.rlim_cur = (5 << 20) + 1000;
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
      for (guint i = 0; i < 16 && ok; i++)
        ok = cs_mapping_writer_add (writer, "Basic", "a", json->str, json->len, &error);
      if (ok)
        ok = cs_mapping_writer_commit (writer, &error);
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved_limit), ==, 0);
      g_assert_false (ok);
      g_assert_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_IO);
      g_assert_nonnull (strstr (error->message, path));
      g_assert_nonnull (strstr (error->message, g_strerror (EFBIG)));
      cs_mapping_writer_free (writer);
      assert_folder_holds (dir, NULL);
    }
  g_unsetenv ("CS_MAPPING_DIRECT_IO");
  signal (SIGXFSZ, saved_handler);
  g_rmdir (dir);
}

/* Every way out of a large write: a write error reaches the caller with
 * the file's name and the system's message, and an abandoned run leaves
 * no temporary file behind. */
static void
test_writer_errors (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cs-test-writer-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.ndjson", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) json = g_string_new ("{\"resourceType\":\"Basic\",\"id\":\"a\",\"x\":\"");
  g_autoptr(GDir) listing = NULL;
  CsMappingWriter *writer;
  gboolean ok = TRUE;

  for (guint k = 0; k < 100000; k++)
    g_string_append (json, "0123456789");
  g_string_append (json, "\"}");

  /* abandoned after several buffers: the temporary file goes */
  writer = cs_mapping_writer_new (path, CS_MAPPING_OUTPUT_NDJSON, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 8; i++)
    g_assert_true (cs_mapping_writer_add (writer, "Basic", "a", json->str, json->len, &error));
  cs_mapping_writer_free (writer);
  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  g_assert_null (g_dir_read_name (listing));
  g_rmdir (dir);

  if (!g_file_test ("/dev/full", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("this system has no /dev/full to fail writes with");
      return;
    }
  /* every write fails (ENOSPC): said at a later buffer or at the commit */
  writer = cs_mapping_writer_new ("/dev/full", CS_MAPPING_OUTPUT_NDJSON, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 16 && ok; i++)
    ok = cs_mapping_writer_add (writer, "Basic", "a", json->str, json->len, &error);
  if (ok)
    ok = cs_mapping_writer_commit (writer, &error);
  g_assert_false (ok);
  g_assert_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "/dev/full"));
  g_assert_nonnull (strstr (error->message, g_strerror (ENOSPC)));
  cs_mapping_writer_free (writer);
}

static void
test_trace (void)
{
  g_autoptr(MapRun) r = map_run_new (clinical_mapping, CS_MAPPING_RUN_TRACE, "clinical", clinical_csv, NULL);
  const char *expected[] = {
    "Patient/f0d4719d-ac7a-5d77-b000-850babdffe08 Patient.identifier[0].value <- clinical:1:PatientID",
    "Patient/f0d4719d-ac7a-5d77-b000-850babdffe08 Patient.gender <- clinical:1:gender",
    "Patient/f0d4719d-ac7a-5d77-b000-850babdffe08 Patient.deceasedBoolean <- clinical:1:dead",
    "Observation/a5d8e0be-3eba-5617-8293-ad7312164eab Observation.code.text <- clinical:1:PatientID",
    "Observation/a5d8e0be-3eba-5617-8293-ad7312164eab Observation.subject <- clinical:1:PatientID",
    "Observation/a5d8e0be-3eba-5617-8293-ad7312164eab Observation.effectiveDateTime <- clinical:1:diagnosed",
    "Observation/a5d8e0be-3eba-5617-8293-ad7312164eab Observation.valueQuantity.value <- clinical:1:age",
  };

  map_run_execute (r, NULL);
  for (guint i = 0; i < r->elements->len; i++)
    g_test_message ("%s", (char *) r->elements->pdata[i]);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      gboolean found = FALSE;

      for (guint k = 0; k < r->elements->len; k++)
        found |= g_str_equal (r->elements->pdata[k], expected[i]);
      if (!found)
        g_error ("no element “%s”", expected[i]);
    }
  /* nothing from constants */
  for (guint k = 0; k < r->elements->len; k++)
    g_assert_null (strstr (r->elements->pdata[k], "status"));
}

static void
test_explicit_and_shared_ids (void)
{
  const char *m =
    "{\"format\": \"cohortscope-mapping/1\", \"id\": \"e\", \"version\": \"1\", \"namespace\": \"https://example.org/t\",\n"
    " \"inputs\": [{\"role\": \"t\", \"key\": \"PatientID\"}],\n"
    " \"resources\": [\n"
    "  {\"name\": \"patient\", \"input\": \"t\", \"id\": \"{{PatientID}}\", \"template\": {\"resourceType\": \"Patient\"}},\n"
    "  {\"name\": \"device\", \"input\": \"t\", \"key\": [\"Version\"], \"template\": {\"resourceType\": \"Device\",\n"
    "     \"version\": [{\"value\": \"{{Version}}\"}]}},\n"
    "  {\"name\": \"obs\", \"input\": \"t\", \"template\": {\"resourceType\": \"Observation\", \"status\": \"final\",\n"
    "     \"code\": {\"text\": \"x\"}, \"subject\": {\"$ref\": \"patient\"}, \"device\": {\"$ref\": \"device\"}}}\n"
    " ]}";
  g_autoptr(MapRun) r = map_run_new (m, 0, "t", "PatientID,Version\nLUNG1-001,3.0\nLUNG1-002,3.0\nbad_id,3.1\n", NULL);

  map_run_execute (r, NULL);
  g_assert_nonnull (map_run_find (r, "Patient/LUNG1-001"));
  g_assert_nonnull (strstr (r->resources->pdata[2], "\"subject\":{\"reference\":\"Patient/LUNG1-001\"}"));
  map_run_assert_problem (r, "error|t|3|", "the id \"bad_id\" is not a FHIR id");
  /* one Device for both rows of version 3.0 */
  g_assert_cmpuint (map_run_count (r, "Device"), ==, 1);
  g_assert_cmpuint (map_run_count (r, "Observation"), ==, 2);
}

static void
test_compile_errors (void)
{
  g_autoptr(GError) missing = map_compile_error (clinical_mapping, "clinical", "PatientID,Age,gender,dead\nP1,1,male,0\n", NULL);
  g_autoptr(GError) no_table = map_compile_error (join_mapping, "clinical", "PatientID,age\n", NULL);
  g_autoptr(GError) extra = map_compile_error (clinical_mapping, "clinical", clinical_csv, "clinic", "a\n1\n", NULL);
  g_autofree char *refall = replace (join_mapping, "\"subject\": {\"$ref\": \"patient\"}, \"description\"",
                                     "\"subject\": {\"$refAll\": \"patient\"}, \"description\"");
  g_autoptr(GError) refall_error = map_compile_error (refall, "clinical", "PatientID,age\n",
                                                      "dicom", "PatientID,StudyUID\n", NULL);
  g_autofree char *ref_wide = replace (wide_mapping, "[{\"$refAll\": \"feature\"}]", "[{\"$ref\": \"feature\"}]");
  g_autoptr(GError) ref_wide_error = map_compile_error (ref_wide, "features", "PatientID,Lesion,f_a\n", NULL);
  g_autoptr(GError) no_match = map_compile_error (wide_mapping, "features", "PatientID,Lesion,x\n", NULL);
  g_autofree char *unjoined = replace (join_mapping, ", \"join\": {\"input\": \"clinical\", \"on\": \"PatientID\"}", "");
  g_autoptr(GError) unjoined_error = map_compile_error (unjoined, "clinical", "PatientID,age\n",
                                                        "dicom", "PatientID,StudyUID\n", NULL);
  g_autofree char *no_key = replace (clinical_mapping, "\"key\": \"PatientID\",", "");
  g_autoptr(GError) no_key_error = map_compile_error (no_key, "clinical", clinical_csv, NULL);

  /* a missing column: which, and the header */
  g_assert_error (missing, CS_MAPPING_ERROR, CS_MAPPING_ERROR_COMPILE);
  g_assert_nonnull (strstr (missing->message, "mapping.json: inputs[0].columns[\"Survival.time\"]: no column "
                                              "“Survival.time” in clinical (clinical.csv); its columns: “PatientID”, "
                                              "“Age”, “gender”, “dead”"));
  /* found ignoring case: no complaint about age */
  g_assert_null (strstr (missing->message, "“age”"));
  g_assert_nonnull (strstr (missing->message, "no column “diagnosed”"));
  g_assert_error (no_table, CS_MAPPING_ERROR, CS_MAPPING_ERROR_COMPILE);
  g_assert_nonnull (strstr (no_table->message, "inputs[1]: no table is given for the input “dicom”"));
  g_assert_nonnull (strstr (extra->message, "the table clinic.csv is given for the role “clinic”, which the mapping "
                                            "does not have (did you mean “clinical”?)"));
  g_assert_nonnull (strstr (refall_error->message, "resources[1].template.subject: $refAll gives several references"));
  g_assert_nonnull (strstr (ref_wide_error->message, "“feature” makes one resource per column"));
  g_assert_nonnull (strstr (no_match->message, "resources[0].forEachColumn: no column of features (features.csv) matches"));
  g_assert_nonnull (strstr (unjoined_error->message, "“dicom” and “clinical” are not joined"));
  g_assert_nonnull (strstr (no_key_error->message, "the input “clinical” has no “key”"));
}

static void
test_limit_and_cancel (void)
{
  g_autoptr(GString) csv = g_string_new ("PatientID,age,gender,Survival.time,dead,diagnosed\n");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  for (guint i = 0; i < 500; i++)
    g_string_append_printf (csv, "P%u,%u,male,1,0,\n", i, i % 90);

  {
    g_autoptr(MapRun) r = map_run_new (clinical_mapping, 0, "clinical", csv->str, NULL);

    cs_mapping_run_set_limit (r->run, 10);
    map_run_execute (r, NULL);
    g_assert_true (r->ok);
    g_assert_cmpuint (r->stats.rows, ==, 10);
  }
  {
    g_autoptr(MapRun) r = map_run_new (clinical_mapping, 0, "clinical", csv->str, NULL);

    g_cancellable_cancel (cancellable);
    map_run_execute (r, cancellable);
    g_assert_false (r->ok);
    g_assert_error (r->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }
}

/* The editor's preview: one row, its resources and problems */
static gboolean
collect_resource (const CsMappingResource *res,
                  gpointer                 user_data,
                  GError                 **error)
{
  g_ptr_array_add (user_data, g_strndup (res->json, res->length));
  return TRUE;
}

static void
test_preview_row (void)
{
  g_autoptr(MapRun) r = map_run_new (join_mapping, CS_MAPPING_RUN_TRACE,
                                     "clinical", "PatientID,age\nP1,60\n",
                                     "dicom", "PatientID,StudyUID\nP1,1.2.3\n", NULL);
  const char *fields[] = { "P1", "61.5" };
  const gsize lengths[] = { 2, 4 };
  CsCsvRecord record = { 5, 6, 0, 2, fields, lengths };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  const CsMappingSink sink = { collect_resource, NULL, NULL };
  static const CsMappingSink none = { NULL, NULL, NULL };

  cs_mapping_run_prepare (r->run, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cs_mapping_run_row (r->run, 0, &record, &sink, seen, &error));
  g_assert_no_error (error);
  /* a Patient and an age Observation that refers to the study of the
   * dicom table, which is in memory */
  g_assert_cmpuint (seen->len, ==, 2);
  g_assert_nonnull (strstr (seen->pdata[1], "\"valueQuantity\":{\"value\":61.5}"));
  g_assert_nonnull (strstr (seen->pdata[1], "\"derivedFrom\":[{\"reference\":\"ImagingStudy/"));
  /* the sink may leave out what it does not want */
  g_assert_true (cs_mapping_run_row (r->run, 0, &record, &none, NULL, &error));
}

static void
on_async_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  MapRun *r = user_data;

  r->ok = cs_mapping_run_all_finish (r->run, result, &r->error);
}

static void
on_progress (const CsMappingProgress *progress,
             gpointer                 user_data)
{
  guint *n = user_data;

  (*n)++;
}

static void
test_async (void)
{
  g_autoptr(MapRun) r = map_run_new (clinical_mapping, 0, "clinical", clinical_csv, NULL);
  guint n_progress = 0;
  const CsMappingSink sink = { NULL, NULL, on_progress };

  cs_mapping_run_all_async (r->run, &sink, &n_progress, NULL, on_async_done, r);
  while (!r->ok && r->error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (r->error);
  cs_mapping_run_get_stats (r->run, &r->stats);
  g_assert_cmpuint (r->stats.resources, ==, 3);
  /* at least the final report */
  g_assert_cmpuint (n_progress, >=, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mapping/run/basic", test_basic);
  g_test_add_func ("/mapping/run/missing-values", test_missing_values);
  g_test_add_func ("/mapping/run/bad-cells", test_bad_cells);
  g_test_add_func ("/mapping/run/value-checks", test_value_checks);
  g_test_add_func ("/mapping/run/validator-cells", test_validator_cells);
  g_test_add_func ("/mapping/run/validator-constants", test_validator_constants);
  g_test_add_func ("/mapping/run/duplicate-key", test_duplicate_key);
  g_test_add_func ("/mapping/run/duplicate-key-many", test_duplicate_key_many);
  g_test_add_func ("/mapping/run/unmapped-policies", test_unmapped_policies);
  g_test_add_func ("/mapping/run/concept-map-shapes", test_concept_map_shapes);
  g_test_add_func ("/mapping/run/joins", test_joins);
  g_test_add_func ("/mapping/run/held-rows", test_held_rows);
  g_test_add_func ("/mapping/run/held-file-changed", test_held_file_changed);
  g_test_add_func ("/mapping/run/index-in-files", test_index_in_files);
  g_test_add_func ("/mapping/run/optional-input", test_optional_input);
  g_test_add_func ("/mapping/run/mapped-condition", test_mapped_condition);
  g_test_add_func ("/mapping/run/same-row-references", test_same_row_references);
  g_test_add_func ("/mapping/run/wide-to-long", test_wide_to_long);
  g_test_add_func ("/mapping/run/stencil", test_stencil);
  g_test_add_func ("/mapping/run/trace", test_trace);
  g_test_add_func ("/mapping/writer/large", test_writer_large);
  g_test_add_func ("/mapping/writer/errors", test_writer_errors);
  g_test_add_func ("/mapping/writer/direct-io", test_writer_direct_io);
  g_test_add_func ("/mapping/writer/write-refused", test_writer_write_refused);
  g_test_add_func ("/mapping/writer/provenance-targets", test_writer_provenance_targets);
  g_test_add_func ("/mapping/run/zero-rows", test_zero_rows);
  g_test_add_func ("/mapping/run/radiomics", test_radiomics);
  g_test_add_func ("/mapping/run/explicit-and-shared-ids", test_explicit_and_shared_ids);
  g_test_add_func ("/mapping/run/limit-and-cancel", test_limit_and_cancel);
  g_test_add_func ("/mapping/run/preview-row", test_preview_row);
  g_test_add_func ("/mapping/run/async", test_async);
  g_test_add_func ("/mapping/compile/errors", test_compile_errors);

  return g_test_run ();
}
