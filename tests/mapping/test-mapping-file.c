/* test-mapping-file.c: reading mapping files and ConceptMaps, ids
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "cs-mapping.h"

/* A small valid mapping; tests change one thing at a time with replace(). */
static const char *base_mapping =
  "{\n"
  "  \"format\": \"cohortscope-mapping/1\",\n"
  "  \"id\": \"test-clinical\",\n"
  "  \"version\": \"1.0.0\",\n"
  "  \"name\": \"Test clinical table\",\n"
  "  \"namespace\": \"https://example.org/lung1\",\n"
  "  \"inputs\": [\n"
  "    {\"role\": \"clinical\", \"key\": \"PatientID\",\n"
  "     \"columns\": {\"age\": {\"type\": \"decimal\"}, \"clinical.T.Stage\": {\"type\": \"string\"}}}\n"
  "  ],\n"
  "  \"conceptMaps\": [\n"
  "    {\"resourceType\": \"ConceptMap\", \"id\": \"gender\", \"status\": \"active\",\n"
  "     \"group\": [{\"target\": \"http://hl7.org/fhir/administrative-gender\",\n"
  "                 \"element\": [{\"code\": \"male\", \"target\": [{\"code\": \"male\", \"equivalence\": \"equal\"}]},\n"
  "                             {\"code\": \"female\", \"target\": [{\"code\": \"female\", \"equivalence\": \"equal\"}]}]}]}\n"
  "  ],\n"
  "  \"resources\": [\n"
  "    {\"name\": \"patient\", \"input\": \"clinical\",\n"
  "     \"template\": {\"resourceType\": \"Patient\",\n"
  "                  \"identifier\": [{\"system\": \"https://example.org/id\", \"value\": \"{{PatientID}}\"}],\n"
  "                  \"gender\": {\"$map\": \"gender\", \"column\": \"gender\", \"as\": \"code\"}}},\n"
  "    {\"name\": \"age\", \"input\": \"clinical\", \"when\": {\"column\": \"age\", \"present\": true},\n"
  "     \"template\": {\"resourceType\": \"Observation\", \"status\": \"final\",\n"
  "                  \"code\": {\"coding\": [{\"system\": \"http://loinc.org\", \"code\": \"30525-0\"}]},\n"
  "                  \"subject\": {\"$ref\": \"patient\"},\n"
  "                  \"valueQuantity\": {\"value\": {\"$column\": \"age\"}, \"unit\": \"a\",\n"
  "                                     \"system\": \"http://unitsofmeasure.org\", \"code\": \"a\"}}}\n"
  "  ]\n"
  "}\n";

static char *
replace (const char *text,
         const char *old,
         const char *new)
{
  const char *at = strstr (text, old);

  g_assert_nonnull (at);
  g_assert_null (strstr (at + 1, old));   /* unique */
  return g_strdup_printf ("%.*s%s%s", (int) (at - text), text, new, at + strlen (old));
}

static CsMapping *
load (const char *text,
      GError    **error)
{
  return cs_mapping_load_data (text, -1, "mapping.json", TEST_SRCDIR "/mapping/data", error);
}

/* Loads a variant that must fail and checks that the message holds every
 * expected part. */
static void
expect_error (const char *text,
              int         code,
              const char *part1,
              const char *part2)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMapping) mapping = load (text, &error);

  g_assert_null (mapping);
  g_assert_error (error, CS_MAPPING_ERROR, code);
  g_test_message ("%s", error->message);
  if (part1 != NULL && strstr (error->message, part1) == NULL)
    g_error ("“%s” not in “%s”", part1, error->message);
  if (part2 != NULL && strstr (error->message, part2) == NULL)
    g_error ("“%s” not in “%s”", part2, error->message);
}

static void
test_valid (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMapping) mapping = load (base_mapping, &error);
  CsConceptMap *map;
  const CsConceptMapTarget *targets;
  gboolean listed;

  g_assert_no_error (error);
  g_assert_cmpstr (cs_mapping_get_id (mapping), ==, "test-clinical");
  g_assert_cmpstr (cs_mapping_get_version (mapping), ==, "1.0.0");
  g_assert_cmpstr (cs_mapping_get_title (mapping), ==, "Test clinical table");
  g_assert_cmpstr (cs_mapping_get_name (mapping), ==, "mapping.json");
  g_assert_cmpuint (strlen (cs_mapping_get_sha256 (mapping)), ==, 64);
  g_assert_cmpuint (cs_mapping_get_n_inputs (mapping), ==, 1);
  g_assert_cmpstr (cs_mapping_get_input_role (mapping, 0), ==, "clinical");
  g_assert_cmpint (cs_mapping_find_input (mapping, "clinical"), ==, 0);
  g_assert_cmpint (cs_mapping_find_input (mapping, "other"), ==, -1);
  g_assert_cmpuint (cs_mapping_get_n_resources (mapping), ==, 2);
  g_assert_cmpstr (cs_mapping_get_resource_type (mapping, 1), ==, "Observation");
  g_assert_true (cs_mapping_get_input_dialect (mapping, 0)->has_header);

  map = cs_mapping_find_concept_map (mapping, "gender");
  g_assert_nonnull (map);
  g_assert_cmpuint (cs_concept_map_translate (map, "female", &targets, &listed), ==, 1);
  g_assert_true (listed);
  g_assert_cmpstr (targets[0].code, ==, "female");
  g_assert_cmpstr (targets[0].system, ==, "http://hl7.org/fhir/administrative-gender");
  /* surrounding space is not part of the value */
  g_assert_cmpuint (cs_concept_map_translate (map, " male ", &targets, &listed), ==, 1);
  g_assert_cmpuint (cs_concept_map_translate (map, "unknown", &targets, &listed), ==, 0);
  g_assert_false (listed);
}

static void
test_format_version (void)
{
  g_autofree char *newer = replace (base_mapping, "cohortscope-mapping/1", "cohortscope-mapping/2");
  g_autofree char *other = replace (base_mapping, "cohortscope-mapping/1", "tofhir-job/1");
  g_autofree char *none = replace (base_mapping, "\"format\": \"cohortscope-mapping/1\",", "");

  expect_error (newer, CS_MAPPING_ERROR_VERSION, "format", "newer");
  expect_error (other, CS_MAPPING_ERROR_VERSION, "tofhir-job/1", NULL);
  expect_error (none, CS_MAPPING_ERROR_VERSION, "format: missing", NULL);
  expect_error ("[1, 2]", CS_MAPPING_ERROR_VERSION, "not a mapping file", NULL);
  expect_error ("{\"format\": ", CS_MAPPING_ERROR_SYNTAX, "mapping.json", "byte");
  expect_error ("", CS_MAPPING_ERROR_SYNTAX, "mapping.json", NULL);
}

static void
test_unknown_fields (void)
{
  g_autofree char *top = replace (base_mapping, "\"namespace\"", "\"namspace\"");
  g_autofree char *directive = replace (base_mapping, "{\"$column\": \"age\"}", "{\"$colum\": \"age\"}");
  g_autofree char *option = replace (base_mapping, "\"column\": \"gender\", \"as\"", "\"column\": \"gender\", \"ass\"");
  g_autofree char *input = replace (base_mapping, "\"key\": \"PatientID\"", "\"keys\": \"PatientID\"");
  g_autofree char *column = replace (base_mapping, "{\"type\": \"decimal\"}", "{\"typ\": \"decimal\"}");

  expect_error (top, CS_MAPPING_ERROR_INVALID, "mapping.json: namspace: unknown field “namspace”",
                "did you mean “namespace”?");
  /* the message the issue asks for, path and all */
  expect_error (directive, CS_MAPPING_ERROR_INVALID,
                "mapping.json: resources[1].template.valueQuantity.value.$colum: unknown directive “$colum”",
                "(did you mean “$column”?)");
  expect_error (option, CS_MAPPING_ERROR_INVALID, "resources[0].template.gender.ass: unknown field “ass”",
                "did you mean “as”?");
  expect_error (input, CS_MAPPING_ERROR_INVALID, "inputs[0].keys: unknown field", "did you mean “key”?");
  /* a column name with dots is quoted in the path */
  expect_error (column, CS_MAPPING_ERROR_INVALID, "inputs[0].columns.age.typ", NULL);
}

static void
test_all_problems_at_once (void)
{
  g_autofree char *a = replace (base_mapping, "\"namespace\"", "\"namspace\"");
  g_autofree char *b = replace (a, "\"$ref\": \"patient\"", "\"$ref\": \"patients\"");
  g_autofree char *c = replace (b, "\"$map\": \"gender\"", "\"$map\": \"sex\"");
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMapping) mapping = load (c, &error);
  g_auto(GStrv) lines = NULL;

  g_assert_null (mapping);
  g_assert_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_INVALID);
  lines = g_strsplit (error->message, "\n", -1);
  /* unknown namspace, missing namespace, $ref, $map */
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_nonnull (strstr (error->message, "resources[1].template.subject: no resource is named “patients” "
                                            "(did you mean “patient”?)"));
  g_assert_nonnull (strstr (error->message, "resources[0].template.gender: no ConceptMap with the id or url “sex”"));
  g_assert_nonnull (strstr (error->message, "“namespace” is missing"));
}

static void
test_template_values (void)
{
  g_autofree char *null_value = replace (base_mapping, "\"status\": \"final\"", "\"status\": null");
  g_autofree char *empty_string = replace (base_mapping, "\"status\": \"final\"", "\"status\": \"\"");
  g_autofree char *empty_array = replace (base_mapping, "\"identifier\": [{\"system\": \"https://example.org/id\", "
                                          "\"value\": \"{{PatientID}}\"}]", "\"identifier\": []");
  g_autofree char *empty_object = replace (base_mapping, "\"subject\": {\"$ref\": \"patient\"}", "\"subject\": {}");
  g_autofree char *unclosed = replace (base_mapping, "{{PatientID}}", "LUNG{{PatientID");
  g_autofree char *empty_ph = replace (base_mapping, "{{PatientID}}", "{{ }}");
  g_autofree char *bad_ph = replace (base_mapping, "{{PatientID}}", "{{$row}}");
  g_autofree char *two = replace (base_mapping, "{\"$ref\": \"patient\"}", "{\"$ref\": \"patient\", \"$column\": \"x\"}");
  g_autofree char *with_id = replace (base_mapping, "\"resourceType\": \"Patient\",",
                                      "\"resourceType\": \"Patient\", \"id\": \"x\",");
  g_autofree char *no_type = replace (base_mapping, "\"resourceType\": \"Patient\",", "");
  g_autofree char *bad_type = replace (base_mapping, "\"resourceType\": \"Patient\",", "\"resourceType\": \"patient\",");
  g_autofree char *feature = replace (base_mapping, "{\"$column\": \"age\"}", "{\"$feature\": \"value\"}");

  expect_error (null_value, CS_MAPPING_ERROR_INVALID, "resources[1].template.status: null is not a FHIR value", NULL);
  expect_error (empty_string, CS_MAPPING_ERROR_INVALID, "resources[1].template.status: FHIR does not allow empty strings",
                NULL);
  expect_error (empty_array, CS_MAPPING_ERROR_INVALID, "resources[0].template.identifier: FHIR does not allow empty arrays",
                NULL);
  expect_error (empty_object, CS_MAPPING_ERROR_INVALID, "resources[1].template.subject: FHIR does not allow empty objects",
                NULL);
  expect_error (unclosed, CS_MAPPING_ERROR_INVALID, "identifier[0].value: “{{” at character 5 has no closing “}}”", NULL);
  expect_error (empty_ph, CS_MAPPING_ERROR_INVALID, "empty placeholder", NULL);
  expect_error (bad_ph, CS_MAPPING_ERROR_INVALID, "unknown placeholder “{{$row}}”", NULL);
  expect_error (two, CS_MAPPING_ERROR_INVALID, "“$ref” and “$column” cannot be in one object", NULL);
  expect_error (with_id, CS_MAPPING_ERROR_INVALID, "resources[0].template.id: the id comes from the id policy", NULL);
  expect_error (no_type, CS_MAPPING_ERROR_INVALID, "resources[0].template: “resourceType” is missing", NULL);
  expect_error (bad_type, CS_MAPPING_ERROR_INVALID, "“patient” is not a FHIR resource type", NULL);
  expect_error (feature, CS_MAPPING_ERROR_INVALID, "$feature needs “forEachColumn”", NULL);
}

static void
test_conditions (void)
{
  g_autofree char *two_tests = replace (base_mapping, "{\"column\": \"age\", \"present\": true}",
                                        "{\"column\": \"age\", \"present\": true, \"equals\": \"1\"}");
  g_autofree char *no_column = replace (base_mapping, "{\"column\": \"age\", \"present\": true}", "{\"present\": true}");
  g_autofree char *bad_regex = replace (base_mapping, "{\"column\": \"age\", \"present\": true}",
                                        "{\"column\": \"age\", \"matches\": \"(\"}");
  g_autofree char *mixed = replace (base_mapping, "{\"column\": \"age\", \"present\": true}",
                                    "{\"column\": \"age\", \"in\": [1, \"2\"]}");
  g_autofree char *nested = replace (base_mapping, "{\"column\": \"age\", \"present\": true}",
                                     "{\"all\": [{\"not\": {\"column\": \"age\", \"equals\": 0}}, "
                                     "{\"any\": [{\"column\": \"age\", \"matches\": \"[0-9]+\"}]}]}");
  g_autofree char *bad_role = replace (base_mapping, "{\"column\": \"age\", \"present\": true}",
                                       "{\"column\": \"age\", \"input\": \"clinic\", \"present\": true}");
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMapping) mapping = NULL;

  expect_error (two_tests, CS_MAPPING_ERROR_INVALID, "resources[1].when: give exactly one of", NULL);
  expect_error (no_column, CS_MAPPING_ERROR_INVALID, "resources[1].when: a condition needs “column”", NULL);
  expect_error (bad_regex, CS_MAPPING_ERROR_INVALID, "resources[1].when.matches: not a regular expression", NULL);
  expect_error (mixed, CS_MAPPING_ERROR_INVALID, "resources[1].when.in[1]: do not mix numbers and strings", NULL);
  expect_error (bad_role, CS_MAPPING_ERROR_INVALID, "no input has the role “clinic” (did you mean “clinical”?)", NULL);

  mapping = load (nested, &error);
  g_assert_no_error (error);
  g_assert_nonnull (mapping);
}

static void
test_inputs (void)
{
  g_autofree char *bad_role = replace (base_mapping, "\"role\": \"clinical\"", "\"role\": \"1st table\"");
  g_autofree char *bad_type = replace (base_mapping, "{\"type\": \"decimal\"}", "{\"type\": \"decimals\"}");
  g_autofree char *bad_format = replace (base_mapping, "{\"type\": \"decimal\"}", "{\"type\": \"date\", \"format\": \"%d.%B\"}");
  g_autofree char *format_not_date = replace (base_mapping, "{\"type\": \"decimal\"}",
                                              "{\"type\": \"decimal\", \"format\": \"%Y\"}");
  g_autofree char *bad_encoding = replace (base_mapping, "\"key\": \"PatientID\",",
                                           "\"key\": \"PatientID\", \"dialect\": {\"encoding\": \"klingon-8\"},");
  g_autofree char *bad_delim = replace (base_mapping, "\"key\": \"PatientID\",",
                                        "\"key\": \"PatientID\", \"dialect\": {\"delimiter\": \";;\"},");
  g_autofree char *good_dialect = replace (base_mapping, "\"key\": \"PatientID\",",
                                           "\"key\": \"PatientID\", \"dialect\": {\"delimiter\": \"tab\", "
                                           "\"decimalComma\": true, \"encoding\": \"ISO-8859-1\", "
                                           "\"missing\": [\"NA\", \"\", \"-99\"]},");
  g_autofree char *no_input = replace (base_mapping, "{\"name\": \"patient\", \"input\": \"clinical\",",
                                       "{\"name\": \"patient\",");
  g_autofree char *unknown_input = replace (base_mapping, "{\"name\": \"patient\", \"input\": \"clinical\",",
                                            "{\"name\": \"patient\", \"input\": \"clincal\",");
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMapping) mapping = NULL;
  const CsCsvDialect *dialect;

  expect_error (bad_role, CS_MAPPING_ERROR_INVALID, "inputs[0].role: “1st table”: a role starts with a letter", NULL);
  expect_error (bad_type, CS_MAPPING_ERROR_INVALID, "unknown type “decimals” (did you mean “decimal”?)", NULL);
  expect_error (bad_format, CS_MAPPING_ERROR_INVALID, "inputs[0].columns.age.format", NULL);
  expect_error (format_not_date, CS_MAPPING_ERROR_INVALID, "a format is only used by date columns", NULL);
  expect_error (bad_encoding, CS_MAPPING_ERROR_INVALID, "inputs[0].dialect.encoding: unknown encoding “klingon-8”", NULL);
  expect_error (bad_delim, CS_MAPPING_ERROR_INVALID, "inputs[0].dialect.delimiter", NULL);
  expect_error (no_input, CS_MAPPING_ERROR_INVALID, "resources[0]: “input” is missing", NULL);
  expect_error (unknown_input, CS_MAPPING_ERROR_INVALID, "resources[0].input: no input has the role “clincal”", NULL);

  mapping = load (good_dialect, &error);
  g_assert_no_error (error);
  dialect = cs_mapping_get_input_dialect (mapping, 0);
  g_assert_cmpint (dialect->delimiter, ==, '\t');
  g_assert_true (dialect->decimal_comma);
  g_assert_cmpstr (dialect->encoding, ==, "ISO-8859-1");
  g_assert_cmpuint (g_strv_length (dialect->missing), ==, 3);
  g_assert_cmpstr (dialect->missing[2], ==, "-99");
}

static const char *join_mapping =
  "{\"format\": \"cohortscope-mapping/1\", \"id\": \"j\", \"version\": \"1\", \"namespace\": \"urn:uuid:0b0e4a5e-6a51-4bd8-9d39-5c1b0c0f6a11\",\n"
  " \"inputs\": [{\"role\": \"clinical\", \"key\": \"PatientID\"},\n"
  "            {\"role\": \"dicom\", \"key\": \"PatientID\", \"join\": {\"input\": \"clinical\", \"on\": \"PatientID\"}}],\n"
  " \"resources\": [{\"name\": \"p\", \"input\": \"clinical\", \"template\": {\"resourceType\": \"Patient\"}}]}";

static void
test_joins (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMapping) mapping = load (join_mapping, &error);
  g_autofree char *self = replace (join_mapping, "{\"input\": \"clinical\", \"on\": \"PatientID\"}",
                                   "{\"input\": \"dicom\", \"on\": \"PatientID\"}");
  g_autofree char *not_key = replace (join_mapping, "{\"input\": \"clinical\", \"on\": \"PatientID\"}",
                                      "{\"input\": \"clinical\", \"on\": {\"PatientID\": \"Patient\"}}");
  g_autofree char *unknown = replace (join_mapping, "{\"input\": \"clinical\", \"on\": \"PatientID\"}",
                                      "{\"input\": \"clinic\", \"on\": \"PatientID\"}");
  g_autofree char *no_key = replace (join_mapping, "{\"role\": \"clinical\", \"key\": \"PatientID\"}",
                                     "{\"role\": \"clinical\"}");
  g_autofree char *twice = replace (join_mapping, "{\"role\": \"dicom\"", "{\"role\": \"clinical\"");
  /* the other table's key has two columns, the join one (found by the fuzzer: the key list in the message) */
  g_autofree char *part_of_key = replace (join_mapping, "{\"role\": \"clinical\", \"key\": \"PatientID\"}",
                                          "{\"role\": \"clinical\", \"key\": [\"PatientID\", \"Visit\"]}");

  g_assert_no_error (error);
  g_assert_nonnull (mapping);
  expect_error (self, CS_MAPPING_ERROR_INVALID, "inputs[1].join: a table cannot join itself", NULL);
  expect_error (not_key, CS_MAPPING_ERROR_INVALID, "“Patient” is not a key column of “clinical”", NULL);
  expect_error (unknown, CS_MAPPING_ERROR_INVALID, "no input has the role “clinic”", NULL);
  expect_error (no_key, CS_MAPPING_ERROR_INVALID, "“clinical” has no “key” to join on", NULL);
  expect_error (twice, CS_MAPPING_ERROR_INVALID, "the role “clinical” is used twice", NULL);
  expect_error (part_of_key, CS_MAPPING_ERROR_INVALID, "a join must match the whole key of “clinical” "
                "(“PatientID”, “Visit”)", NULL);
}

static void
test_header_fields (void)
{
  g_autofree char *bad_ns = replace (base_mapping, "https://example.org/lung1", "lung1 study");
  g_autofree char *bad_id = replace (base_mapping, "\"test-clinical\"", "\"test_clinical\"");
  g_autofree char *r5 = replace (base_mapping, "\"version\": \"1.0.0\",", "\"version\": \"1.0.0\", \"fhirVersion\": \"5.0.0\",");
  g_autofree char *schema = replace (base_mapping, "\"version\": \"1.0.0\",",
                                     "\"version\": \"1.0.0\", \"$schema\": \"cohortscope-mapping-1.schema.json\",");
  g_autofree char *dup = replace (base_mapping, "\"version\": \"1.0.0\",", "\"version\": \"1.0.0\", \"version\": \"2\",");
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMapping) mapping = NULL;

  expect_error (bad_ns, CS_MAPPING_ERROR_INVALID, "namespace: “lung1 study” is neither a UUID nor an absolute URI", NULL);
  expect_error (bad_id, CS_MAPPING_ERROR_INVALID, "id: “test_clinical” is not a FHIR id: ", NULL);
  expect_error (r5, CS_MAPPING_ERROR_INVALID, "fhirVersion: “5.0.0”", NULL);
  expect_error (dup, CS_MAPPING_ERROR_INVALID, "version: “version” appears twice", NULL);
  mapping = load (schema, &error);
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------ */
/* The FHIR R4 model                                                   */

static void
test_fhir_model (void)
{
  struct { const char *old; const char *new; const char *message; } cases[] = {
    { "\"status\": \"final\"", "\"stauts\": \"final\"",
      "resources[1].template.stauts: Observation has no element “stauts” in FHIR R4 (did you mean “status”?)" },
    { "\"unit\": \"a\",", "\"units\": \"a\",",
      "valueQuantity.units: Quantity has no element “units” in FHIR R4 (did you mean “unit”?)" },
    { "\"status\": \"final\",", "",
      "resources[1].template: Observation needs “status” (FHIR R4: 1..1)" },
    { "\"status\": \"final\"", "\"status\": \"done\"",
      "“done” is not in the value set http://hl7.org/fhir/ValueSet/observation-status" },
    { "\"status\": \"final\"", "\"status\": [\"final\"]",
      "resources[1].template.status: Observation.status holds one value, not an array" },
    { "\"identifier\": [{\"system\": \"https://example.org/id\", \"value\": \"{{PatientID}}\"}]",
      "\"identifier\": {\"system\": \"https://example.org/id\", \"value\": \"{{PatientID}}\"}",
      "resources[0].template.identifier: Patient.identifier repeats (0..*): write an array" },
    { "\"system\": \"http://loinc.org\", \"code\": \"30525-0\"", "\"system\": \"http://loinc.org\", \"code\": 30525",
      "Observation.code.coding.code is a code: write a JSON string" },
    { "\"value\": {\"$column\": \"age\"}", "\"value\": \"{{age}} years\"",
      "Observation.valueQuantity.value is a decimal: text with placeholders cannot make it" },
    { "\"value\": {\"$column\": \"age\"}", "\"value\": {\"$map\": \"gender\", \"column\": \"age\"}",
      "Observation.valueQuantity.value is a decimal: a value map makes codes" },
    { "\"subject\": {\"$ref\": \"patient\"}", "\"subject\": {\"$ref\": \"age\"}",
      "Observation.subject may refer to Patient, Group, Device, Location, not to “age”, which makes Observation resources" },
    { "\"subject\": {\"$ref\": \"patient\"}", "\"status\": {\"$ref\": \"patient\"}",
      "Observation.status is a code: a reference goes in a Reference element" },
    { "\"valueQuantity\": {", "\"value\": {",
      "value[x] is a choice: name the type (valueQuantity" },
    { "\"resourceType\": \"Observation\"", "\"resourceType\": \"Observaton\"",
      "“Observaton” is not a FHIR R4 resource type (did you mean “Observation”?)" },
    { "\"value\": {\"$column\": \"age\"}", "\"value\": {\"$column\": \"age\", \"as\": \"string\"}",
      "Observation.valueQuantity.value is a decimal: “as” would write a JSON string" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = replace (base_mapping, cases[i].old, cases[i].new);

      expect_error (text, CS_MAPPING_ERROR_INVALID, cases[i].message, NULL);
    }
}

/* ------------------------------------------------------------------ */
/* ConceptMaps                                                         */

static char *
with_map (const char *concept_map)
{
  return g_strdup_printf ("{\"format\": \"cohortscope-mapping/1\", \"id\": \"m\", \"version\": \"1\", "
                          "\"namespace\": \"https://example.org/m\", \"inputs\": [{\"role\": \"t\", \"key\": \"id\"}], "
                          "\"conceptMaps\": [%s], "
                          "\"resources\": [{\"name\": \"p\", \"input\": \"t\", \"template\": {\"resourceType\": \"Patient\"}}]}",
                          concept_map);
}

static void
test_concept_map_errors (void)
{
  struct { const char *map; const char *message; } cases[] = {
    { "{\"resourceType\": \"ValueSet\", \"id\": \"x\"}", "conceptMaps[0]: not a ConceptMap" },
    { "{\"resourceType\": \"ConceptMap\", \"id\": \"x\", \"group\": [{\"element\": [{\"code\": \"a\", \"target\": "
      "[{\"code\": \"b\", \"equivalence\": \"equal\"}]}], \"target\": \"s\"}]}", "conceptMaps[0]: “status” is missing" },
    { "{\"resourceType\": \"ConceptMap\", \"id\": \"x\", \"status\": \"active\", \"group\": [{\"target\": \"s\", "
      "\"element\": [{\"code\": \"a\", \"target\": [{\"code\": \"b\"}]}]}]}",
      "conceptMaps[0].group[0].element[0].target[0]: “equivalence” is missing" },
    { "{\"resourceType\": \"ConceptMap\", \"id\": \"x\", \"status\": \"active\", \"group\": [{\"target\": \"s\", "
      "\"element\": [{\"code\": \"a\", \"target\": [{\"code\": \"b\", \"equivalence\": \"narrower\"}]}]}]}",
      "cmd-1" },
    { "{\"resourceType\": \"ConceptMap\", \"id\": \"x\", \"status\": \"active\", \"group\": [{\"target\": \"s\", "
      "\"element\": [{\"code\": \"a\", \"target\": [{\"code\": \"b\", \"equivalence\": \"same\"}]}]}]}",
      "“same” is not an R4 ConceptMap equivalence" },
    { "{\"resourceType\": \"ConceptMap\", \"id\": \"x\", \"status\": \"active\", \"group\": [{\"target\": \"s\", "
      "\"element\": [{\"code\": \"a\", \"target\": [{\"code\": \"b\", \"equivalence\": \"equal\", "
      "\"dependsOn\": [{\"property\": \"p\", \"value\": \"v\"}]}]}]}]}", "dependsOn and product" },
    { "{\"resourceType\": \"ConceptMap\", \"id\": \"x\", \"status\": \"active\", \"group\": [{\"target\": \"s\", "
      "\"unmapped\": {\"mode\": \"fixed\"}, \"element\": [{\"code\": \"a\", \"target\": [{\"code\": \"b\", "
      "\"equivalence\": \"equal\"}]}]}]}", "cmd-2" },
    { "{\"resourceType\": \"ConceptMap\", \"id\": \"x\", \"status\": \"active\", \"group\": [{\"target\": \"s\", "
      "\"element\": [{\"code\": \"a\", \"target\": [{\"equivalence\": \"unmatched\"}]}]}]}",
      "give a “comment” saying why" },
    { "{\"resourceType\": \"ConceptMap\", \"id\": \"x\", \"status\": \"active\", \"groups\": []}",
      "conceptMaps[0].groups: unknown field “groups” (did you mean “group”?)" },
    { "{\"$file\": \"does-not-exist.json\"}", "conceptMaps[0]: cannot read “does-not-exist.json”" },
    { "{\"$file\": \"bad-conceptmap.json\"}", "bad-conceptmap.json: group[0].element[0].target[0]: “equivalence” is missing" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = with_map (cases[i].map);

      expect_error (text, CS_MAPPING_ERROR_INVALID, cases[i].message, NULL);
    }
}

static void
test_concept_map_file (void)
{
  g_autofree char *text = with_map ("{\"$file\": \"t-stage.json\"}");
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMapping) mapping = load (text, &error);
  g_autoptr(CsMapping) again = NULL;
  g_autofree char *text2 = with_map ("{\"$file\": \"t-stage.json\"} ");
  CsConceptMap *map;
  const CsConceptMapTarget *targets;
  gboolean listed;

  g_assert_no_error (error);
  g_assert_cmpuint (cs_mapping_get_n_concept_maps (mapping), ==, 1);
  map = cs_mapping_get_concept_map (mapping, 0);
  g_assert_cmpstr (cs_concept_map_get_id (map), ==, "test-t-stage");
  g_assert_true (cs_mapping_find_concept_map (mapping, "https://example.org/ConceptMap/t-stage") == map);
  g_assert_true (cs_mapping_find_concept_map (mapping, "https://example.org/ConceptMap/t-stage|1.0.0") == map);
  g_assert_null (cs_mapping_find_concept_map (mapping, "https://example.org/ConceptMap/t-stage|2.0.0"));

  /* one-to-many across groups */
  g_assert_cmpuint (cs_concept_map_translate (map, "2", &targets, &listed), ==, 2);
  g_assert_cmpstr (targets[0].system, ==, "http://snomed.info/sct");
  g_assert_cmpstr (targets[0].code, ==, "1228929004");
  g_assert_cmpstr (targets[1].system, ==, "https://example.org/local-t");
  /* listed, but mapped to nothing on purpose */
  g_assert_cmpuint (cs_concept_map_translate (map, "9", &targets, &listed), ==, 0);
  g_assert_true (listed);

  /* the ConceptMap file's bytes are part of the mapping's checksum */
  again = load (text2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cs_mapping_get_sha256 (mapping), !=, cs_mapping_get_sha256 (again));
}

static void
test_map_directive (void)
{
  g_autofree char *bad_policy = replace (base_mapping, "\"as\": \"code\"", "\"as\": \"code\", \"unmapped\": \"skip\"");
  g_autofree char *bad_as = replace (base_mapping, "\"as\": \"code\"", "\"as\": \"coding\"");
  g_autofree char *no_column = replace (base_mapping, "\"column\": \"gender\", ", "");
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMapping) mapping = NULL;
  g_autofree char *ok = replace (base_mapping, "\"as\": \"code\"", "\"as\": \"code\", \"unmapped\": \"omit\"");

  expect_error (bad_policy, CS_MAPPING_ERROR_INVALID, "gender.unmapped: must be “error”, “keep” or “omit”", NULL);
  expect_error (bad_as, CS_MAPPING_ERROR_INVALID, "gender.as: must be one of code, Coding, codings, CodeableConcept",
                "(did you mean “Coding”?)");
  expect_error (no_column, CS_MAPPING_ERROR_INVALID, "resources[0].template.gender: “column” is missing", NULL);
  mapping = load (ok, &error);
  g_assert_no_error (error);
}

static void
test_resources (void)
{
  g_autofree char *dup = replace (base_mapping, "{\"name\": \"age\"", "{\"name\": \"patient\"");
  g_autofree char *each = replace (base_mapping, "\"when\": {\"column\": \"age\", \"present\": true},",
                                   "\"forEachColumn\": {\"match\": \"[\"},");
  g_autofree char *each_nomatch = replace (base_mapping, "\"when\": {\"column\": \"age\", \"present\": true},",
                                           "\"forEachColumn\": {},");
  g_autofree char *id_and_key = replace (base_mapping, "\"when\": {\"column\": \"age\", \"present\": true},",
                                         "\"id\": \"{{PatientID}}\", \"key\": [\"PatientID\"],");
  g_autofree char *refall_outside = replace (base_mapping, "{\"$ref\": \"patient\"}", "{\"$refAll\": \"patient\"}");

  expect_error (dup, CS_MAPPING_ERROR_INVALID, "resources[1]: the name “patient” is used twice", NULL);
  expect_error (each, CS_MAPPING_ERROR_INVALID, "resources[1].forEachColumn.match: not a regular expression", NULL);
  expect_error (each_nomatch, CS_MAPPING_ERROR_INVALID, "“match” is missing", NULL);
  expect_error (id_and_key, CS_MAPPING_ERROR_INVALID, "give either “id” or “key”, not both", NULL);
  /* a $refAll outside an array is the compiler's to find (it parses fine) */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CsMapping) mapping = load (refall_outside, &error);

    g_assert_no_error (error);
    g_assert_nonnull (mapping);
  }
}

static void
test_load_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMapping) mapping = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cs-mapping-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "m.json", NULL);

  g_assert_no_error (error);
  mapping = cs_mapping_load_file (dir, &error);
  g_assert_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_IO);
  g_clear_error (&error);
  mapping = cs_mapping_load_file (path, &error);
  g_assert_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_IO);
  g_clear_error (&error);

  g_file_set_contents (path, base_mapping, -1, &error);
  g_assert_no_error (error);
  mapping = cs_mapping_load_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cs_mapping_get_name (mapping), ==, "m.json");
  g_unlink (path);
  g_rmdir (dir);
}

/* ------------------------------------------------------------------ */
/* Ids                                                                 */

static void
test_uuid5 (void)
{
  /* RFC 4122 appendix C: the DNS name space */
  guint8 dns[16], ns[16];
  char out[37];

  g_assert_true (cs_mapping_parse_uuid ("6ba7b810-9dad-11d1-80b4-00c04fd430c8", dns));
  cs_mapping_uuid5 (dns, "www.example.com", strlen ("www.example.com"), out);
  g_assert_cmpstr (out, ==, "2ed6657d-e927-568b-95e1-2665a8aea6a2");   /* Python's uuid.uuid5 */

  /* a URI namespace is UUIDv5 of the URL name space */
  cs_mapping_namespace_uuid ("https://example.org/lung1", ns);
  cs_mapping_uuid5 (ns, "patient\x1fLUNG1-001", strlen ("patient\x1fLUNG1-001"), out);
  g_assert_cmpstr (out, ==, "b99b0c7f-b49c-5152-b069-1ed79b0f2e6b");

  /* a UUID namespace is itself, with or without urn:uuid: */
  cs_mapping_namespace_uuid ("urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8", ns);
  g_assert_cmpmem (ns, 16, dns, 16);
  cs_mapping_namespace_uuid ("6BA7B810-9DAD-11D1-80B4-00C04FD430C8", ns);
  g_assert_cmpmem (ns, 16, dns, 16);

  g_assert_false (cs_mapping_parse_uuid ("6ba7b810-9dad-11d1-80b4-00c04fd430c", ns));
  g_assert_false (cs_mapping_parse_uuid ("6ba7b810+9dad-11d1-80b4-00c04fd430c8", ns));
  g_assert_false (cs_mapping_parse_uuid ("6ba7b810-9dad-11d1-80b4-00c04fd430cg", ns));
  g_assert_false (cs_mapping_parse_uuid (NULL, ns));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mapping/file/valid", test_valid);
  g_test_add_func ("/mapping/file/format-version", test_format_version);
  g_test_add_func ("/mapping/file/unknown-fields", test_unknown_fields);
  g_test_add_func ("/mapping/file/all-problems-at-once", test_all_problems_at_once);
  g_test_add_func ("/mapping/file/template-values", test_template_values);
  g_test_add_func ("/mapping/file/conditions", test_conditions);
  g_test_add_func ("/mapping/file/inputs", test_inputs);
  g_test_add_func ("/mapping/file/joins", test_joins);
  g_test_add_func ("/mapping/file/header-fields", test_header_fields);
  g_test_add_func ("/mapping/file/resources", test_resources);
  g_test_add_func ("/mapping/file/load-file", test_load_file);
  g_test_add_func ("/mapping/file/fhir-model", test_fhir_model);
  g_test_add_func ("/mapping/conceptmap/errors", test_concept_map_errors);
  g_test_add_func ("/mapping/conceptmap/file", test_concept_map_file);
  g_test_add_func ("/mapping/conceptmap/directive", test_map_directive);
  g_test_add_func ("/mapping/id/uuid5", test_uuid5);

  return g_test_run ();
}
