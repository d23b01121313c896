/* test-mapping-structure.c: the mapping as a tree, its structured edits and
 * the code catalogue (src/core/mapping-assist)
 *
 * Every edit is checked twice: what it changed in the text, and that the
 * engine still compiles the result against a table and maps its first row
 * with the effect the edit meant.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "cs-code-catalogue.h"
#include "cs-mapping-assist.h"
#include "cs-mapping-structure.h"

/* clinical.csv: PatientID,age,clinical.T.Stage,…,gender,Survival.time,deadstatus.event */
static const char *base_mapping =
  "{\"format\": \"cohortscope-mapping/1\", \"id\": \"t\", \"version\": \"1\",\n"
  " \"namespace\": \"https://example.org/t\",\n"
  " \"inputs\": [{\"role\": \"clinical\", \"key\": \"PatientID\",\n"
  "             \"columns\": {\"age\": {\"type\": \"decimal\"}, \"Survival.time\": {\"type\": \"integer\"}}}],\n"
  " \"conceptMaps\": [{\"resourceType\": \"ConceptMap\", \"id\": \"gender\", \"status\": \"active\",\n"
  "   \"group\": [{\"target\": \"http://hl7.org/fhir/administrative-gender\",\n"
  "     \"element\": [{\"code\": \"male\", \"target\": [{\"code\": \"male\", \"equivalence\": \"equal\"}]}]}]},\n"
  "  {\"resourceType\": \"ConceptMap\", \"id\": \"t-stage\", \"status\": \"active\",\n"
  "   \"group\": [{\"target\": \"http://snomed.info/sct\", \"element\": [\n"
  "     {\"code\": \"2\", \"target\": [{\"code\": \"1228929004\", \"equivalence\": \"equivalent\"}]}]}]}],\n"
  " \"resources\": [\n"
  "  {\"name\": \"patient\", \"input\": \"clinical\",\n"
  "   \"template\": {\"resourceType\": \"Patient\",\n"
  "     \"identifier\": [{\"system\": \"https://example.org/p\", \"value\": \"{{PatientID}}\"}],\n"
  "     \"gender\": {\"$map\": \"gender\", \"column\": \"gender\", \"as\": \"code\", \"unmapped\": \"omit\"}}},\n"
  "  {\"name\": \"t-category\", \"input\": \"clinical\",\n"
  "   \"when\": {\"column\": \"clinical.T.Stage\", \"present\": true},\n"
  "   \"template\": {\"resourceType\": \"Observation\", \"status\": \"final\",\n"
  "     \"code\": {\"coding\": [{\"system\": \"http://snomed.info/sct\", \"code\": \"399504009\"}]},\n"
  "     \"subject\": {\"$ref\": \"patient\"},\n"
  "     \"valueCodeableConcept\": {\"$map\": \"t-stage\", \"column\": \"clinical.T.Stage\", \"unmapped\": \"omit\"}}}]}";

static CsTableProfile *
clinical_table (void)
{
  g_autofree char *path = g_build_filename (TEST_SRCDIR, "mapping-assist", "data", "clinical.csv", NULL);
  g_autoptr(GError) error = NULL;
  CsTableProfile *t = cs_table_profile_new_for_path (path, NULL, CS_TABLE_PROFILE_KEEP_ROWS, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return t;
}

/* Compiles text against clinical.csv and maps row index; returns the JSON
 * of the resource made by the template name (NULL when none is made). */
static char *
map_row (const char *text,
         guint64     index,
         const char *name)
{
  g_autoptr(CsTableProfile) t = clinical_table ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMappingPreview) preview = cs_mapping_preview_new (text, NULL, NULL, t, &error);
  g_autoptr(GPtrArray) resources = cs_preview_resource_array_new ();
  g_autoptr(GPtrArray) problems = cs_preview_problem_array_new ();

  if (error != NULL)
    g_printerr ("%s\n", text);
  g_assert_no_error (error);
  g_assert_true (cs_mapping_preview_row (preview, index, resources, problems, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < problems->len; i++)
    {
      const CsPreviewProblem *p = problems->pdata[i];

      g_assert_cmpint (p->severity, !=, CS_MAPPING_SEVERITY_ERROR);
    }
  for (guint i = 0; i < resources->len; i++)
    {
      const CsPreviewResource *r = resources->pdata[i];

      if (g_str_equal (r->name, name))
        return g_strdup (r->json);
    }
  return NULL;
}

static gboolean
contains (const char *haystack,
          const char *needle)
{
  return haystack != NULL && strstr (haystack, needle) != NULL;
}

/* ------------------------------------------------------------------ */

static void
test_structure (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMappingStructure) s = cs_mapping_structure_new (base_mapping, &error);
  const CsMappingInputInfo *input;
  const CsMappingResourceInfo *patient, *t;
  const CsTemplateElement *e;
  g_autofree char *described = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (s->inputs->len, ==, 1);
  input = s->inputs->pdata[0];
  g_assert_cmpstr (input->role, ==, "clinical");
  g_assert_cmpstrv (input->key, ((const char *[]) { "PatientID", NULL }));
  g_assert_cmpuint (input->joins->len, ==, 0);
  g_assert_cmpuint (s->maps->len, ==, 2);
  g_assert_cmpstr (((CsMappingMapInfo *) s->maps->pdata[1])->id, ==, "t-stage");

  g_assert_cmpuint (s->resources->len, ==, 2);
  patient = s->resources->pdata[0];
  t = s->resources->pdata[1];
  g_assert_cmpstr (patient->type, ==, "Patient");
  g_assert_cmpint (patient->id_policy, ==, CS_MAPPING_ID_DEFAULT);
  g_assert_null (patient->condition);
  g_assert_cmpstr (t->condition, ==, "{\"column\":\"clinical.T.Stage\",\"present\":true}");
  g_assert_cmpstr (t->template->path, ==, "resources[1].template");
  g_assert_cmpint (t->template->kind, ==, CS_MAPPING_VALUE_OBJECT);

  e = cs_mapping_structure_find_element (s, "resources[0].template.identifier[0].value");
  g_assert_nonnull (e);
  g_assert_cmpint (e->kind, ==, CS_MAPPING_VALUE_TEXT);
  e = cs_mapping_structure_find_element (s, "resources[0].template.gender");
  g_assert_cmpint (e->kind, ==, CS_MAPPING_VALUE_MAP);
  g_assert_cmpstr (e->map, ==, "gender");
  g_assert_cmpstr (e->column, ==, "gender");
  described = cs_template_element_describe (e);
  g_assert_true (contains (described, "gender"));
  e = cs_mapping_structure_find_element (s, "resources[1].template.status");
  g_assert_cmpint (e->kind, ==, CS_MAPPING_VALUE_CONSTANT);
  g_assert_cmpstr (e->value, ==, "\"final\"");
  e = cs_mapping_structure_find_element (s, "resources[1].template.subject");
  g_assert_cmpint (e->kind, ==, CS_MAPPING_VALUE_REF);
  g_assert_cmpstr (e->map, ==, "patient");
  e = cs_mapping_structure_find_element (s, "resources[1].template.code.coding");
  g_assert_cmpint (e->kind, ==, CS_MAPPING_VALUE_ARRAY);
  g_assert_cmpuint (e->children->len, ==, 1);
  g_assert_null (cs_mapping_structure_find_element (s, "resources[1].template.nothing"));

  /* not a mapping object */
  g_assert_null (cs_mapping_structure_new ("[1, 2]", &error));
  g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT);
  g_clear_error (&error);
  g_assert_null (cs_mapping_structure_new ("{\"inputs\": [", &error));
  g_assert_nonnull (error);
}

static void
test_set_column_and_constant (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *column = NULL, *constant = NULL, *number = NULL, *json = NULL, *again = NULL;

  /* the identifier's value from a column: row 1's age */
  column = cs_mapping_text_set_element_column (base_mapping, "resources[0].template.identifier[0].value", "age",
                                               NULL, &error);
  g_assert_no_error (error);
  g_assert_true (contains (column, "\"$column\" : \"age\""));
  json = map_row (column, 0, "patient");
  g_assert_true (contains (json, "\"value\": \"61.5\""));
  g_clear_pointer (&json, g_free);

  /* a fixed value: a string stays a string; the rest of the document is kept */
  constant = cs_mapping_text_set_element_constant (column, "resources[1].template.status", "preliminary", TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (contains (constant, "\"status\" : \"preliminary\""));
  g_assert_true (contains (constant, "\"$column\" : \"age\""));
  g_assert_true (contains (constant, "\"namespace\" : \"https://example.org/t\""));
  json = map_row (constant, 0, "t-category");
  g_assert_true (contains (json, "\"status\": \"preliminary\""));
  g_clear_pointer (&json, g_free);

  /* typed: a number where it is asked for */
  number = cs_mapping_text_set_element_constant (constant, "resources[0].template.identifier[0].value", "12",
                                                 FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (contains (number, "\"value\" : 12"));
  /* an empty fixed value is refused with the path */
  g_assert_null (cs_mapping_text_set_element_constant (constant, "resources[1].template.status", "", TRUE, &error));
  g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT);
  g_assert_true (contains (error->message, "resources[1].template.status"));
  g_clear_error (&error);

  /* a path the mapping does not have, and one that is not a path */
  g_assert_null (cs_mapping_text_set_element_column (base_mapping, "resources[7].template.x", "age", NULL, &error));
  g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT);
  g_assert_true (contains (error->message, "resources[7]"));
  g_clear_error (&error);
  g_assert_null (cs_mapping_text_set_element_column (base_mapping, "resources[x]..a", "age", NULL, &error));
  g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT);
  g_clear_error (&error);
  /* a text that is not JSON: the parser's error */
  g_assert_null (cs_mapping_text_set_element_column ("{\"a\": ", "a", "age", NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* generic set: a new member is added */
  again = cs_mapping_text_set_element (base_mapping, "resources[0].template.birthDate", "\"1950-01-01\"", &error);
  g_assert_no_error (error);
  json = map_row (again, 0, "patient");
  g_assert_true (contains (json, "\"birthDate\": \"1950-01-01\""));
}

static void
test_set_map (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL, *json = NULL;

  /* the Observation's value from the gender map instead (a code) */
  text = cs_mapping_text_set_element_map (base_mapping, "resources[1].template.valueCodeableConcept", "gender",
                                          "gender", NULL, &error);
  g_assert_no_error (error);
  /* the old $map's options are kept */
  g_assert_true (contains (text, "\"unmapped\" : \"omit\""));
  json = map_row (text, 0, "t-category");
  g_assert_true (contains (json, "\"code\": \"male\""));
  g_assert_true (contains (json, "administrative-gender"));
}

static void
test_put_coding (void)
{
  g_autoptr(GError) error = NULL;
  CsCoding loinc = { (char *) "http://loinc.org", (char *) "21905-5", (char *) "Primary tumor.clinical [Class] Cancer" };
  CsCoding snomed = { (char *) "http://snomed.info/sct", (char *) "384625004", NULL };
  g_autofree char *added = NULL, *replaced = NULL, *concept = NULL, *json = NULL;

  /* a CodeableConcept: appended to its coding */
  added = cs_mapping_text_put_coding (base_mapping, "resources[1].template.code", &loinc, &error);
  g_assert_no_error (error);
  json = map_row (added, 0, "t-category");
  g_assert_true (contains (json, "\"code\": \"399504009\""));
  g_assert_true (contains (json, "\"code\": \"21905-5\""));
  g_clear_pointer (&json, g_free);
  /* a Coding: replaced */
  replaced = cs_mapping_text_put_coding (base_mapping, "resources[1].template.code.coding[0]", &snomed, &error);
  g_assert_no_error (error);
  json = map_row (replaced, 0, "t-category");
  g_assert_false (contains (json, "399504009"));
  g_assert_true (contains (json, "\"code\": \"384625004\""));
  g_clear_pointer (&json, g_free);
  /* a CodeableConcept with a text only: its text is kept */
  {
    g_autofree char *text_only = cs_mapping_text_set_element (base_mapping, "resources[1].template.code",
                                                               "{\"text\": \"T category\"}", &error);
    g_autofree char *coded = cs_mapping_text_put_coding (text_only, "resources[1].template.code", &snomed, &error);

    g_assert_no_error (error);
    json = map_row (coded, 0, "t-category");
    g_assert_true (contains (json, "\"text\": \"T category\""));
    g_assert_true (contains (json, "\"code\": \"384625004\""));
    g_clear_pointer (&json, g_free);
  }
  /* a directive: becomes a CodeableConcept */
  concept = cs_mapping_text_put_coding (base_mapping, "resources[1].template.valueCodeableConcept", &snomed, &error);
  g_assert_no_error (error);
  json = map_row (concept, 0, "t-category");
  g_assert_true (contains (json, "\"valueCodeableConcept\": {\n    \"coding\": [\n      {\n        \"system\": \"http://snomed.info/sct\",\n        \"code\": \"384625004\""));
}

static void
test_add_remove_element (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *added = NULL, *removed = NULL, *item = NULL, *json = NULL;

  added = cs_mapping_text_add_element (base_mapping, "resources[0].template", "deceasedBoolean",
                                       "{\"$column\": \"deadstatus.event\", \"as\": \"boolean\"}", &error);
  g_assert_no_error (error);
  json = map_row (added, 0, "patient");
  g_assert_true (contains (json, "\"deceasedBoolean\": true"));
  g_clear_pointer (&json, g_free);
  /* a member that exists is refused */
  g_assert_null (cs_mapping_text_add_element (base_mapping, "resources[0].template", "gender", "\"male\"", &error));
  g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT);
  g_clear_error (&error);
  /* an item appended to a list */
  item = cs_mapping_text_add_element (base_mapping, "resources[0].template.identifier", NULL,
                                      "{\"system\": \"https://example.org/age\", \"value\": \"{{age}}\"}", &error);
  g_assert_no_error (error);
  json = map_row (item, 0, "patient");
  g_assert_true (contains (json, "https://example.org/age"));
  g_clear_pointer (&json, g_free);
  /* removed */
  removed = cs_mapping_text_remove_element (base_mapping, "resources[0].template.gender", &error);
  g_assert_no_error (error);
  json = map_row (removed, 0, "patient");
  g_assert_false (contains (json, "gender"));
  g_assert_null (cs_mapping_text_remove_element (base_mapping, "resources[0].template.gender.x", &error));
  g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT);
}

static void
test_set_condition (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *only_t4 = NULL, *none = NULL, *object = NULL, *json = NULL;

  /* row 1 has T 2, row 2 has T 4 */
  only_t4 = cs_mapping_text_set_condition (base_mapping, "resources[1]", "{\"column\": \"clinical.T.Stage\", \"equals\": \"4\"}",
                                           &error);
  g_assert_no_error (error);
  g_assert_true (contains (only_t4, "\"when\" :"));
  json = map_row (only_t4, 0, "t-category");
  g_assert_null (json);
  json = map_row (only_t4, 1, "t-category");
  g_assert_nonnull (json);
  g_clear_pointer (&json, g_free);
  /* removed: made for every row */
  none = cs_mapping_text_set_condition (only_t4, "resources[1]", NULL, &error);
  g_assert_no_error (error);
  g_assert_false (contains (none, "\"when\""));
  json = map_row (none, 0, "t-category");
  g_assert_nonnull (json);
  g_clear_pointer (&json, g_free);
  /* an object of a template takes "$when" */
  object = cs_mapping_text_set_condition (base_mapping, "resources[0].template.identifier[0]",
                                          "{\"column\": \"age\", \"present\": true}", &error);
  g_assert_no_error (error);
  g_assert_true (contains (object, "\"$when\" :"));
  json = map_row (object, 1, "patient");   /* row 2: age NA */
  g_assert_false (contains (json, "identifier"));
  g_clear_pointer (&json, g_free);
  /* not an object */
  g_assert_null (cs_mapping_text_set_condition (base_mapping, "resources[1]", "[1]", &error));
  g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT);
}

static void
test_keys_joins_ids (void)
{
  static const char *two_inputs =
    "{\"format\": \"cohortscope-mapping/1\", \"id\": \"t\", \"version\": \"1\", \"namespace\": \"https://example.org/t\",\n"
    " \"inputs\": [{\"role\": \"clinical\", \"key\": \"PatientID\"}, {\"role\": \"dicom\", \"key\": \"uid\"}],\n"
    " \"resources\": [{\"name\": \"patient\", \"input\": \"clinical\", \"template\": {\"resourceType\": \"Patient\"}}]}";
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL, *nokey = NULL, *joined = NULL, *unjoined = NULL, *id = NULL, *bykey = NULL;
  g_autofree char *byname = NULL, *json = NULL, *json2 = NULL;
  g_autoptr(CsMapping) mapping = NULL;
  g_autoptr(CsMappingStructure) s = NULL;
  const char *pair[] = { "PatientID", "age", NULL };
  const char *on[] = { "PatientID", NULL };
  const char *explicit_id[] = { "{{PatientID}}", NULL };

  key = cs_mapping_text_set_input_key (base_mapping, "clinical", pair, &error);
  g_assert_no_error (error);
  g_assert_true (contains (key, "\"key\" : [\n"));
  json = map_row (key, 0, "patient");
  json2 = map_row (base_mapping, 0, "patient");
  g_assert_nonnull (json);
  /* the key is part of the id */
  g_assert_cmpstr (json, !=, json2);
  g_clear_pointer (&json, g_free);
  g_clear_pointer (&json2, g_free);
  nokey = cs_mapping_text_set_input_key (base_mapping, "clinical", NULL, &error);
  g_assert_no_error (error);
  g_assert_false (contains (nokey, "\"key\""));
  g_assert_null (cs_mapping_text_set_input_key (base_mapping, "nobody", pair, &error));
  g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT);
  g_assert_true (contains (error->message, "nobody"));
  g_clear_error (&error);

  /* joins: the engine reads them (its checks of roles and keys) */
  joined = cs_mapping_text_set_input_join (two_inputs, "dicom", "clinical", on, &error);
  g_assert_no_error (error);
  mapping = cs_mapping_load_data (joined, -1, "joined.json", NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&mapping, cs_mapping_unref);
  s = cs_mapping_structure_new (joined, &error);
  g_assert_cmpuint (((CsMappingInputInfo *) s->inputs->pdata[1])->joins->len, ==, 1);
  g_assert_cmpstr (((CsMappingJoinInfo *) ((CsMappingInputInfo *) s->inputs->pdata[1])->joins->pdata[0])->on, ==,
                   "\"PatientID\"");
  g_clear_pointer (&s, cs_mapping_structure_free);
  unjoined = cs_mapping_text_set_input_join (joined, "dicom", "clinical", NULL, &error);
  g_assert_no_error (error);
  g_assert_false (contains (unjoined, "\"join\""));
  g_assert_null (cs_mapping_text_set_input_join (two_inputs, "dicom", "dicom", on, &error));
  g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT);
  g_clear_error (&error);
  g_assert_null (cs_mapping_text_set_input_join (two_inputs, "dicom", "ghost", on, &error));
  g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT);
  g_clear_error (&error);

  /* id policies */
  id = cs_mapping_text_set_id_policy (base_mapping, "patient", CS_MAPPING_ID_TEMPLATE, explicit_id, &error);
  g_assert_no_error (error);
  json = map_row (id, 0, "patient");
  g_assert_true (contains (json, "\"id\": \"CASE-001\""));
  g_clear_pointer (&json, g_free);
  bykey = cs_mapping_text_set_id_policy (id, "patient", CS_MAPPING_ID_KEY, pair, &error);
  g_assert_no_error (error);
  g_assert_false (contains (bykey, "\"id\" : \"{{PatientID}}\""));
  s = cs_mapping_structure_new (bykey, &error);
  g_assert_cmpint (((CsMappingResourceInfo *) s->resources->pdata[0])->id_policy, ==, CS_MAPPING_ID_KEY);
  g_assert_cmpstrv (((CsMappingResourceInfo *) s->resources->pdata[0])->id_key, pair);
  json = map_row (bykey, 0, "patient");
  g_assert_nonnull (json);
  g_clear_pointer (&json, g_free);
  byname = cs_mapping_text_set_id_policy (bykey, "patient", CS_MAPPING_ID_DEFAULT, NULL, &error);
  g_assert_no_error (error);
  json = map_row (byname, 0, "patient");
  json2 = map_row (base_mapping, 0, "patient");
  g_assert_cmpstr (json, ==, json2);
  g_assert_null (cs_mapping_text_set_id_policy (base_mapping, "patient", CS_MAPPING_ID_KEY, NULL, &error));
  g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT);
}

static void
test_add_remove_resource (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *added = NULL, *removed = NULL, *json = NULL;

  added = cs_mapping_text_add_resource (base_mapping, "second-patient", "clinical", "Patient", &error);
  g_assert_no_error (error);
  json = map_row (added, 0, "second-patient");
  g_assert_true (contains (json, "\"resourceType\": \"Patient\""));
  g_clear_pointer (&json, g_free);
  g_assert_null (cs_mapping_text_add_resource (base_mapping, "patient", "clinical", "Patient", &error));
  g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT);
  g_clear_error (&error);
  g_assert_null (cs_mapping_text_add_resource (base_mapping, "x", "ghost", "Patient", &error));
  g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT);
  g_clear_error (&error);

  removed = cs_mapping_text_remove_resource (base_mapping, "t-category", &error);
  g_assert_no_error (error);
  g_assert_null (map_row (removed, 0, "t-category"));
  json = map_row (removed, 0, "patient");
  g_assert_nonnull (json);
  g_assert_null (cs_mapping_text_remove_resource (base_mapping, "ghost", &error));
  g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT);
}

/* The coverage of map over clinical.csv's column. */
static char *
coverage (const char *text,
          const char *map,
          const char *column)
{
  g_autoptr(CsTableProfile) t = clinical_table ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMappingPreview) preview = cs_mapping_preview_new (text, NULL, NULL, t, &error);
  CsConceptMap *cm;
  g_autoptr(CsMappingCoverage) cov = NULL;

  g_assert_no_error (error);
  cm = cs_mapping_find_concept_map (cs_mapping_preview_get_mapping (preview), map);
  g_assert_nonnull (cm);
  for (guint i = 0; i < cs_csv_profile_get_n_columns (t->profile); i++)
    if (g_str_equal (cs_csv_profile_get_column (t->profile, i)->name, column))
      cov = cs_mapping_coverage_new (cm, cs_csv_profile_get_column (t->profile, i));
  g_assert_nonnull (cov);
  return cs_mapping_coverage_describe (cov);
}

static void
test_map_entries (void)
{
  g_autoptr(GError) error = NULL;
  CsCoding two[] = {
    { (char *) "http://snomed.info/sct", (char *) "1228944003", (char *) "American Joint Committee on Cancer cT4 (qualifier value)" },
    { (char *) "https://example.org/local-t", (char *) "T4", NULL },
  };
  g_autofree char *four = NULL, *none = NULL, *removed = NULL, *created = NULL, *created2 = NULL;
  g_autofree char *unmapped = NULL, *cleared = NULL, *json = NULL, *before = NULL, *after = NULL;

  before = coverage (base_mapping, "t-stage", "clinical.T.Stage");
  /* "4" to two codes, one in a new group of its system */
  four = cs_mapping_text_set_map_entry (base_mapping, NULL, "t-stage", "4", two, 2, NULL, &error);
  g_assert_no_error (error);
  after = coverage (four, "t-stage", "clinical.T.Stage");
  g_assert_cmpstr (before, !=, after);
  json = map_row (four, 1, "t-category");   /* row 2: T 4 */
  g_assert_true (contains (json, "\"code\": \"1228944003\""));
  g_assert_true (contains (json, "\"system\": \"https://example.org/local-t\""));
  g_clear_pointer (&json, g_free);
  /* one more target for "2": both codes */
  {
    CsCoding local = { (char *) "https://example.org/local-t", (char *) "T2", NULL };
    g_autofree char *more = cs_mapping_text_add_map_target (base_mapping, NULL, "t-stage", "2", &local, &error);

    g_assert_no_error (error);
    json = map_row (more, 0, "t-category");
    g_assert_true (contains (json, "\"code\": \"1228929004\""));
    g_assert_true (contains (json, "\"code\": \"T2\""));
    g_clear_pointer (&json, g_free);
  }
  /* replaced by "no code on purpose" */
  none = cs_mapping_text_set_map_entry (four, NULL, "t-stage", "4", NULL, 0, "T4 is not coded here", &error);
  g_assert_no_error (error);
  g_assert_true (contains (none, "\"unmatched\""));
  g_assert_false (contains (none, "1228944003"));
  json = map_row (none, 1, "t-category");
  g_assert_false (contains (json, "valueCodeableConcept"));
  g_clear_pointer (&json, g_free);
  /* a code added to a value listed without one: the "no code" goes */
  {
    CsCoding t4 = { (char *) "http://snomed.info/sct", (char *) "1228944003", NULL };
    g_autofree char *coded = cs_mapping_text_add_map_target (none, NULL, "t-stage", "4", &t4, &error);

    g_assert_no_error (error);
    g_assert_false (contains (coded, "\"unmatched\""));
    json = map_row (coded, 1, "t-category");
    g_assert_true (contains (json, "\"code\": \"1228944003\""));
    g_clear_pointer (&json, g_free);
  }
  /* removed: unmapped again */
  removed = cs_mapping_text_remove_map_entry (none, NULL, "t-stage", "4", &error);
  g_assert_no_error (error);
  g_assert_false (contains (removed, "T4 is not coded"));
  g_assert_null (cs_mapping_text_remove_map_entry (removed, NULL, "t-stage", "4", &error));
  g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT);
  g_clear_error (&error);
  g_assert_null (cs_mapping_text_set_map_entry (base_mapping, NULL, "ghost", "4", two, 1, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* a new map, with its first entry, used */
  {
    CsCoding adeno = { NULL, (char *) "8140/3", (char *) "Adenocarcinoma, NOS" };

    created = cs_mapping_text_add_concept_map (base_mapping, "histology", "http://terminology.hl7.org/CodeSystem/icd-o-3",
                                               "adenocarcinoma", &adeno, 1, &error);
    g_assert_no_error (error);
    g_assert_null (cs_mapping_text_add_concept_map (created, "histology", NULL, "x", &adeno, 1, &error));
    g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT);
    g_clear_error (&error);
    g_assert_null (cs_mapping_text_add_concept_map (base_mapping, "bad id!", NULL, "x", &adeno, 1, &error));
    g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT);
    g_clear_error (&error);
    created2 = cs_mapping_text_set_element_map (created, "resources[1].template.valueCodeableConcept", "histology",
                                                "Histology", NULL, &error);
    g_assert_no_error (error);
    json = map_row (created2, 0, "t-category");
    g_assert_true (contains (json, "\"code\": \"8140/3\""));
    g_assert_true (contains (json, "icd-o-3"));
    g_clear_pointer (&json, g_free);
  }

  /* the unmapped policy of the map's uses: error rejects row 3 (T 5) */
  unmapped = cs_mapping_text_set_map_unmapped (base_mapping, "t-stage", "keep", &error);
  g_assert_no_error (error);
  json = map_row (unmapped, 2, "t-category");
  g_assert_true (contains (json, "\"code\": \"5\""));
  g_clear_pointer (&json, g_free);
  cleared = cs_mapping_text_set_map_unmapped (unmapped, "t-stage", NULL, &error);
  g_assert_no_error (error);
  g_assert_false (contains (cleared, "\"unmapped\" : \"keep\""));
  g_assert_null (cs_mapping_text_set_map_unmapped (base_mapping, "t-stage", "sometimes", &error));
  g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT);
  g_clear_error (&error);
  g_assert_null (cs_mapping_text_set_map_unmapped (base_mapping, "unused", "keep", &error));
  g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_EDIT);
}

/* ------------------------------------------------------------------ */
/* The catalogue                                                       */

static void
test_catalogue_search (void)
{
  CsCodeCatalogue *cat = cs_code_catalogue_get_default ();
  g_autoptr(GPtrArray) t2 = cs_code_catalogue_search (cat, "cT2");
  g_autoptr(GPtrArray) exact = cs_code_catalogue_search (cat, "399504009");
  g_autoptr(GPtrArray) lymph = cs_code_catalogue_search (cat, "LYMPH clinical");
  g_autoptr(GPtrArray) accents = cs_code_catalogue_search (cat, "Hounsfïeld");
  g_autoptr(GPtrArray) system = cs_code_catalogue_search (cat, "icd-o-3 carcinoma");
  g_autoptr(GPtrArray) all = cs_code_catalogue_search (cat, "");
  g_autoptr(GPtrArray) nothing = cs_code_catalogue_search (cat, "zebra");
  g_autoptr(GPtrArray) group = cs_code_catalogue_get_group (cat, "t-value");
  const CsCatalogueCode *c;

  g_assert_cmpuint (cs_code_catalogue_get_n_codes (cat), >=, 60);
  g_assert_cmpuint (t2->len, >=, 1);
  g_assert_cmpstr (((CsCatalogueCode *) t2->pdata[0])->code, ==, "1228929004");
  g_assert_cmpuint (exact->len, ==, 1);
  g_assert_cmpstr (((CsCatalogueCode *) exact->pdata[0])->display, ==, "cT category");
  g_assert_cmpuint (lymph->len, ==, 1);
  g_assert_cmpstr (((CsCatalogueCode *) lymph->pdata[0])->code, ==, "21906-3");
  g_assert_cmpuint (accents->len, ==, 1);
  g_assert_cmpstr (((CsCatalogueCode *) accents->pdata[0])->code, ==, "[hnsf'U]");
  g_assert_cmpuint (system->len, ==, 4);
  g_assert_cmpuint (all->len, ==, cs_code_catalogue_get_n_codes (cat));
  g_assert_cmpuint (nothing->len, ==, 0);
  g_assert_cmpuint (group->len, ==, 5);
  c = cs_code_catalogue_find_value (cat, "histology", "squamous");
  g_assert_cmpstr (c->code, ==, "8070/3");
  g_assert_null (cs_code_catalogue_find_value (cat, "histology", "nos"));
  c = cs_code_catalogue_lookup (cat, "http://loinc.org", "72166-2");
  g_assert_cmpstr (c->group, ==, "observation");
}

static void
test_catalogue_fold (void)
{
  g_autofree char *a = cs_code_catalogue_fold ("Größe Männlich ÉCHO");

  g_assert_cmpstr (a, ==, "grosse mannlich echo");
}

static void
test_catalogue_bad (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsCodeCatalogue) ok = cs_code_catalogue_new_from_data ("# c\nS\tC\tD\tg\tu\tx;y\n", 22, "ok.tsv", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (cs_code_catalogue_get_n_codes (ok), ==, 1);
  g_assert_true (g_strv_contains (cs_code_catalogue_get_code (ok, 0)->values, "y"));
  g_assert_null (cs_code_catalogue_new_from_data ("S\tC\tD\n", 6, "short.tsv", &error));
  g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_CATALOGUE);
  g_assert_true (contains (error->message, "short.tsv: line 1"));
  g_clear_error (&error);
  g_assert_null (cs_code_catalogue_new_from_data ("S\tC\tD\tg\tu\t\nS\tC\tE\tg\tu\t\n", 24, "twice.tsv", &error));
  g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_CATALOGUE);
  g_assert_true (contains (error->message, "line 2"));
  g_clear_error (&error);
  g_assert_null (cs_code_catalogue_new_from_data ("S\t\tD\tg\tu\t\n", 11, "empty.tsv", &error));
  g_assert_true (contains (error->message, "field 2"));
  g_clear_error (&error);
  g_assert_null (cs_code_catalogue_new_from_data ("S\tC\t\xff\tg\tu\t\n", 12, "bin.tsv", &error));
  g_assert_true (contains (error->message, "UTF-8"));
}

static void
test_coding_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(CsCoding) full = { NULL, NULL, NULL };
  g_auto(CsCoding) bare = { NULL, NULL, NULL };
  g_auto(CsCoding) pipes = { NULL, NULL, NULL };
  g_autofree char *formatted = NULL;
  CsCoding none = { NULL, NULL, NULL };

  g_assert_true (cs_coding_parse (" http://loinc.org | 72166-2 | Tobacco smoking status ", &full, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (full.system, ==, "http://loinc.org");
  g_assert_cmpstr (full.code, ==, "72166-2");
  g_assert_cmpstr (full.display, ==, "Tobacco smoking status");
  formatted = cs_coding_format (&full);
  g_assert_cmpstr (formatted, ==, "http://loinc.org|72166-2|Tobacco smoking status");
  g_assert_true (cs_coding_parse ("male", &bare, &error));
  g_assert_null (bare.system);
  g_assert_cmpstr (bare.code, ==, "male");
  g_assert_true (cs_coding_parse ("s|c|a | b", &pipes, &error));
  g_assert_cmpstr (pipes.display, ==, "a | b");
  g_assert_false (cs_coding_parse ("http://loinc.org||x", &none, &error));
  g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_CATALOGUE);
  g_clear_error (&error);
  g_assert_false (cs_coding_parse ("  ", &none, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (cs_coding_parse ("http://x y|c", &none, &error));
  g_assert_nonnull (error);
  g_assert_null (none.code);
}

/* Each code of the catalogue is one of ../shared/docs/FHIR-CODING.md's. */
static void
test_catalogue_in_coding_notes (void)
{
  const char *shared = g_getenv ("CS_SHARED_DATA");
  g_autofree char *path = NULL;
  g_autofree char *doc = NULL;
  CsCodeCatalogue *cat = cs_code_catalogue_get_default ();

  if (shared == NULL || *shared == '\0')
    {
      g_test_skip ("CS_SHARED_DATA is not set: ../shared/docs/FHIR-CODING.md is outside the repository");
      return;
    }
  path = g_build_filename (shared, "..", "docs", "FHIR-CODING.md", NULL);
  if (!g_file_get_contents (path, &doc, NULL, NULL))
    {
      g_autofree char *message = g_strdup_printf ("%s is absent (outside the repository)", path);

      g_test_skip (message);
      return;
    }
  for (guint i = 0; i < cs_code_catalogue_get_n_codes (cat); i++)
    {
      const CsCatalogueCode *c = cs_code_catalogue_get_code (cat, i);
      gboolean found = FALSE;

      /* as a whole token: "1" must not match inside "1222604002" */
      for (const char *p = strstr (doc, c->code); p != NULL && !found; p = strstr (p + 1, c->code))
        {
          char before = p == doc ? ' ' : p[-1];
          char after = p[strlen (c->code)];

          found = !g_ascii_isalnum (before) && !g_ascii_isalnum (after) && after != '/' && before != '/'
                  && after != '-' && before != '-';
        }
      if (!found)
        g_test_message ("%s|%s is not in %s", c->system, c->code, path);
      g_assert_true (found);
      g_assert_nonnull (strstr (doc, c->system));
    }
}

/* The suggestions take their codes from the catalogue. */
static void
test_suggest_uses_catalogue (void)
{
  g_autoptr(CsTableProfile) t = clinical_table ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = cs_mapping_suggest (t, "clinical", CS_MAPPING_TEMPLATE_CLINICAL, "https://example.org/t", &error);
  CsCodeCatalogue *cat = cs_code_catalogue_get_default ();

  g_assert_no_error (error);
  g_assert_true (contains (json, cs_code_catalogue_lookup (cat, "http://snomed.info/sct", "1228929004")->display));
  g_assert_true (contains (json, cs_code_catalogue_lookup (cat, "http://snomed.info/sct", "399504009")->display));
  g_assert_true (contains (json, "\"8070/3\""));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mapping-structure/structure", test_structure);
  g_test_add_func ("/mapping-structure/set-column-constant", test_set_column_and_constant);
  g_test_add_func ("/mapping-structure/set-map", test_set_map);
  g_test_add_func ("/mapping-structure/put-coding", test_put_coding);
  g_test_add_func ("/mapping-structure/add-remove-element", test_add_remove_element);
  g_test_add_func ("/mapping-structure/set-condition", test_set_condition);
  g_test_add_func ("/mapping-structure/keys-joins-ids", test_keys_joins_ids);
  g_test_add_func ("/mapping-structure/add-remove-resource", test_add_remove_resource);
  g_test_add_func ("/mapping-structure/map-entries", test_map_entries);
  g_test_add_func ("/code-catalogue/search", test_catalogue_search);
  g_test_add_func ("/code-catalogue/fold", test_catalogue_fold);
  g_test_add_func ("/code-catalogue/bad", test_catalogue_bad);
  g_test_add_func ("/code-catalogue/coding-parse", test_coding_parse);
  g_test_add_func ("/code-catalogue/in-coding-notes", test_catalogue_in_coding_notes);
  g_test_add_func ("/code-catalogue/suggest", test_suggest_uses_catalogue);
  return g_test_run ();
}
