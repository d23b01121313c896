/* test-saved-cohort.c: saved cohort files, FHIR Group export/import, id lists
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "cs-fhir-id.h"
#include "cs-saved-cohort.h"
#include "cohort-test-util.h"

static const char *small_ids[] = { "p0", "p1", "p2", "p3", "p4", "p5" };

static char *
write_temp (const char *name,
            const char *contents,
            gssize      length)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cs-cohort-XXXXXX", &error);
  char *path;

  g_assert_no_error (error);
  path = g_build_filename (dir, name, NULL);
  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);

  return path;
}

static void
remove_temp (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
}

static char *
rows_text (const CsBitset *rows)
{
  g_autoptr(GArray) list = cs_bitset_to_rows (rows);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < list->len; i++)
    g_string_append_printf (out, i > 0 ? " %u" : "%u", g_array_index (list, guint, i));

  return g_string_free (out, FALSE);
}

static CsBitset *
select_small (TestTable           *t,
              const CsSavedCohort *cohort,
              GPtrArray           *missing)
{
  g_autoptr(GError) error = NULL;
  CsBitset *rows;

  rows = cs_saved_cohort_select_columns (cohort, test_table_variables (t), test_table_n_variables (t),
                                         small_ids, test_table_n_rows (t), missing, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rows);

  return rows;
}

static void
test_round_trip_filter (void)
{
  g_autoptr(TestTable) t = test_table_new_small ();
  g_autoptr(CsSavedCohort) cohort = cs_saved_cohort_new ("Older smokers", "age > 60 and smoker = true");
  g_autoptr(CsSavedCohort) loaded = NULL;
  g_autoptr(CsBitset) before = NULL;
  g_autoptr(CsBitset) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_temp ("cohort.json", "", 0);
  g_autofree char *text = NULL;

  cohort->description = g_strdup ("Über 60, “quoted” \\ text");
  cohort->source = g_strdup ("demo.json");
  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$", cohort->created, 0, 0));

  cs_saved_cohort_save (cohort, path, &error);
  g_assert_no_error (error);
  loaded = cs_saved_cohort_load (path, &error);
  g_assert_no_error (error);
  g_assert_true (cs_saved_cohort_equal (cohort, loaded));
  g_assert_null (loaded->patient_ids);

  before = select_small (t, cohort, NULL);
  after = select_small (t, loaded, NULL);
  text = rows_text (after);
  g_assert_cmpstr (text, ==, "0 5");
  g_assert_true (cs_bitset_equal (before, after));

  remove_temp (path);
}

static void
test_round_trip_ids (void)
{
  g_autoptr(TestTable) t = test_table_new_small ();
  g_autoptr(CsSavedCohort) cohort = cs_saved_cohort_new ("Picked", "age > 60");
  g_autoptr(CsSavedCohort) loaded = NULL;
  g_autoptr(CsSavedCohort) copy = NULL;
  g_autoptr(CsBitset) rows = NULL;
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *text = NULL;

  /* explicit ids define the members, whatever the filter says */
  cohort->patient_ids = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (cohort->patient_ids, g_strdup ("p4"));
  g_ptr_array_add (cohort->patient_ids, g_strdup ("p1"));
  g_ptr_array_add (cohort->patient_ids, g_strdup ("gone-1"));
  g_ptr_array_add (cohort->patient_ids, g_strdup ("gone.2"));

  json = cs_saved_cohort_to_json (cohort);
  loaded = cs_saved_cohort_from_json (json, -1, "mem.json", &error);
  g_assert_no_error (error);
  g_assert_true (cs_saved_cohort_equal (cohort, loaded));
  copy = cs_saved_cohort_copy (loaded);
  g_assert_true (cs_saved_cohort_equal (copy, cohort));
  g_free (copy->name);
  copy->name = g_strdup ("other");
  g_assert_false (cs_saved_cohort_equal (copy, cohort));

  rows = select_small (t, loaded, missing);
  text = rows_text (rows);
  g_assert_cmpstr (text, ==, "1 4");
  g_assert_cmpuint (missing->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (missing, 0), ==, "gone-1");
  g_assert_cmpstr (g_ptr_array_index (missing, 1), ==, "gone.2");
}

static void
test_group_export (void)
{
  g_autoptr(CsSavedCohort) cohort = cs_saved_cohort_new ("Stage IV", "stage = \"IV\" and `tumor volume` > 1");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *group = NULL;
  g_autofree char *empty = NULL;
  const char *members[] = { "p2", "p5" };
  JsonObject *root, *characteristic, *extension;
  JsonArray *member;

  group = cs_saved_cohort_to_group (cohort, members, 2);
  json_parser_load_from_data (parser, group, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "resourceType"), ==, "Group");
  g_assert_cmpstr (json_object_get_string_member (root, "type"), ==, "person");
  g_assert_true (json_object_get_boolean_member (root, "actual"));
  g_assert_cmpstr (json_object_get_string_member (root, "name"), ==, "Stage IV");
  g_assert_cmpint (json_object_get_int_member (root, "quantity"), ==, 2);

  member = json_object_get_array_member (root, "member");
  g_assert_cmpuint (json_array_get_length (member), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (json_array_get_object_element (member, 1), "entity"),
                     "reference"), ==, "Patient/p5");

  characteristic = json_array_get_object_element (json_object_get_array_member (root, "characteristic"), 0);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (characteristic, "code"), "text"),
                   ==, "Cohortscope filter");
  g_assert_cmpstr (json_object_get_string_member (
                     json_object_get_object_member (characteristic, "valueCodeableConcept"), "text"),
                   ==, cohort->filter);
  g_assert_false (json_object_get_boolean_member (characteristic, "exclude"));

  extension = json_array_get_object_element (json_object_get_array_member (root, "extension"), 0);
  g_assert_cmpstr (json_object_get_string_member (extension, "url"), ==, CS_GROUP_FILTER_EXTENSION);
  g_assert_cmpstr (json_object_get_string_member (extension, "valueString"), ==, cohort->filter);

  /* no empty arrays in FHIR */
  empty = cs_saved_cohort_to_group (cohort, NULL, 0);
  json_parser_load_from_data (parser, empty, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_false (json_object_has_member (root, "member"));
  g_assert_cmpint (json_object_get_int_member (root, "quantity"), ==, 0);
}

static void
test_group_import (void)
{
  g_autoptr(TestTable) t = test_table_new_small ();
  g_autoptr(CsSavedCohort) cohort = cs_saved_cohort_new ("Stage IV", "stage = \"IV\"");
  g_autoptr(CsSavedCohort) imported = NULL;
  g_autoptr(CsSavedCohort) foreign = NULL;
  g_autoptr(CsBitset) rows = NULL;
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const char *members[] = { "p2", "p5", "elsewhere" };
  g_autofree char *group = cs_saved_cohort_to_group (cohort, members, 3);
  g_autofree char *path = write_temp ("group.json", group, -1);
  g_autofree char *text = NULL;
  const char *foreign_group =
    "{\"resourceType\": \"Group\", \"id\": \"g1\", \"type\": \"person\", \"actual\": true,"
    " \"member\": [{\"entity\": {\"reference\": \"https://example.org/fhir/Patient/p0/_history/3\"}},"
    "              {\"entity\": {\"reference\": \"Patient/p1\"}, \"inactive\": true},"
    "              {\"entity\": {\"reference\": \"urn:uuid:p3\"}}]}";

  imported = cs_saved_cohort_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imported->name, ==, "Stage IV");
  g_assert_cmpstr (imported->filter, ==, "stage = \"IV\"");
  g_assert_cmpuint (imported->patient_ids->len, ==, 3);
  rows = select_small (t, imported, missing);
  text = rows_text (rows);
  g_assert_cmpstr (text, ==, "2 5");
  g_assert_cmpuint (missing->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (missing, 0), ==, "elsewhere");

  foreign = cs_saved_cohort_from_group (foreign_group, -1, "g.json", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (foreign->name, ==, "Group/g1");
  g_assert_null (foreign->filter);
  g_assert_cmpuint (foreign->patient_ids->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (foreign->patient_ids, 0), ==, "p0");
  g_assert_cmpstr (g_ptr_array_index (foreign->patient_ids, 1), ==, "p3");

  remove_temp (path);
}

/* The Group id: stable for a name, kept through files and Group import */
static void
test_group_id (void)
{
  g_autoptr(CsSavedCohort) a = cs_saved_cohort_new ("Older stage IV", "age > 70");
  g_autoptr(CsSavedCohort) b = cs_saved_cohort_new ("Older stage IV", "age > 80");
  g_autoptr(CsSavedCohort) c = cs_saved_cohort_new ("Younger", "age < 40");
  g_autoptr(CsSavedCohort) loaded = NULL;
  g_autoptr(CsSavedCohort) imported = NULL;
  g_autoptr(CsSavedCohort) bad = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id_a = cs_saved_cohort_dup_group_id (a);
  g_autofree char *id_b = cs_saved_cohort_dup_group_id (b);
  g_autofree char *id_c = cs_saved_cohort_dup_group_id (c);
  g_autofree char *json = NULL;
  g_autofree char *group = NULL;
  g_autofree char *reexported = NULL;
  const char *members[] = { "p1" };

  /* "cs-cohort-" + 40 hex digits: a valid FHIR id, the same for the same name */
  g_assert_true (g_regex_match_simple ("^cs-cohort-[0-9a-f]{40}$", id_a, 0, 0));
  g_assert_cmpstr (id_a, ==, id_b);
  g_assert_cmpstr (id_a, !=, id_c);
  g_assert_null (a->id);
  g_assert_true (cs_fhir_id_check (id_a, -1, NULL));   /* the rule itself: /json/fhir-id */

  /* An explicit id wins and survives a save */
  a->id = g_strdup ("my-cohort.1");
  g_free (id_a);
  id_a = cs_saved_cohort_dup_group_id (a);
  g_assert_cmpstr (id_a, ==, "my-cohort.1");
  json = cs_saved_cohort_to_json (a);
  loaded = cs_saved_cohort_from_json (json, -1, "a.json", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->id, ==, "my-cohort.1");
  g_assert_true (cs_saved_cohort_equal (a, loaded));

  /* The Group carries it as Group.id, and importing the Group keeps it */
  group = cs_saved_cohort_to_group (a, members, 1);
  json_parser_load_from_data (parser, group, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "id"),
                   ==, "my-cohort.1");
  imported = cs_saved_cohort_from_group (group, -1, "g.json", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (imported->id, ==, "my-cohort.1");
  reexported = cs_saved_cohort_to_group (imported, members, 1);
  g_assert_true (g_regex_match_simple ("\"id\"\\s*:\\s*\"my-cohort\\.1\"", reexported, 0, 0));

  /* Not a FHIR id: refused with its path */
  bad = cs_saved_cohort_from_json ("{\"format\": \"cohortscope-cohort/1\", \"name\": \"x\", \"filter\": \"age > 1\","
                                   " \"created\": \"2026-01-31T12:00:00Z\", \"id\": \"no spaces\"}",
                                   -1, "bad.json", &error);
  g_assert_null (bad);
  g_assert_error (error, CS_COHORT_ERROR, CS_COHORT_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "bad.json: $.id: "));
}

static void
test_id_list (void)
{
  g_autoptr(TestTable) t = test_table_new_small ();
  g_autoptr(CsSavedCohort) cohort = NULL;
  g_autoptr(CsBitset) rows = NULL;
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = write_temp ("ids.txt", "\xEF\xBB\xBF# picked by hand\np3\r\n\n  Patient/p0  \nnot-here\n", -1);
  g_autofree char *text = NULL;

  cohort = cs_saved_cohort_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cohort->name, ==, "ids.txt");
  g_assert_null (cohort->filter);
  g_assert_cmpuint (cohort->patient_ids->len, ==, 3);
  rows = select_small (t, cohort, missing);
  text = rows_text (rows);
  g_assert_cmpstr (text, ==, "0 3");
  g_assert_cmpuint (missing->len, ==, 1);

  remove_temp (path);
}


/* Models fitted on a cohort travel with it: kept as they are (each has its
 * own format), replaced by key, absent from files written before them. */
static void
test_models (void)
{
  static const char *old_file =
    "{\"format\": \"cohortscope-cohort/1\", \"name\": \"Old\", \"filter\": \"age > 60\", "
    "\"created\": \"2026-01-31T12:00:00Z\"}";
  static const char *model_a =
    "{\"format\": \"cohortscope-model/1\", \"kind\": \"cox\", \"key\": \"signature\", \"terms\": [{\"coef\": 0.5}]}";
  static const char *model_a2 =
    "{\"format\": \"cohortscope-model/1\", \"kind\": \"cox\", \"key\": \"signature\", \"terms\": [{\"coef\": 0.25}]}";
  /* a model from a newer version survives a round trip through this one */
  static const char *model_b =
    "{\"format\": \"cohortscope-model/7\", \"key\": \"other\", \"whatever\": {\"new\": [1, 2.5e-300]}}";
  g_autoptr(CsSavedCohort) old = NULL;
  g_autoptr(CsSavedCohort) cohort = cs_saved_cohort_new ("Training", "age > 60");
  g_autoptr(CsSavedCohort) loaded = NULL;
  g_autoptr(CsSavedCohort) copy = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *again = NULL;

  old = cs_saved_cohort_from_json (old_file, -1, "old.json", &error);
  g_assert_no_error (error);
  g_assert_null (old->models);
  json = cs_saved_cohort_to_json (old);
  g_assert_null (strstr (json, "models"));
  g_clear_pointer (&json, g_free);

  g_assert_false (cs_saved_cohort_set_model (cohort, "[1]"));
  g_assert_false (cs_saved_cohort_set_model (cohort, "{"));
  g_assert_true (cs_saved_cohort_set_model (cohort, model_a));
  g_assert_true (cs_saved_cohort_set_model (cohort, model_b));
  g_assert_true (cs_saved_cohort_set_model (cohort, model_a2));
  g_assert_cmpuint (cohort->models->len, ==, 2);
  g_assert_nonnull (strstr (g_ptr_array_index (cohort->models, 0), "0.25"));

  json = cs_saved_cohort_to_json (cohort);
  node = json_from_string (json, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (node), "models")),
                    ==, 2);
  loaded = cs_saved_cohort_from_json (json, -1, "mem.json", &error);
  g_assert_no_error (error);
  g_assert_true (cs_saved_cohort_equal (cohort, loaded));
  g_assert_nonnull (strstr (g_ptr_array_index (loaded->models, 1), "cohortscope-model/7"));
  g_assert_nonnull (strstr (g_ptr_array_index (loaded->models, 1), "2.5e-300"));
  again = cs_saved_cohort_to_json (loaded);
  g_assert_cmpstr (again, ==, json);

  copy = cs_saved_cohort_copy (loaded);
  g_assert_true (cs_saved_cohort_equal (copy, loaded));
  g_assert_true (cs_saved_cohort_set_model (copy, model_a));
  g_assert_false (cs_saved_cohort_equal (copy, loaded));
  g_assert_false (cs_saved_cohort_equal (old, loaded));
}

static void
test_malformed (void)
{
  static const struct
  {
    const char *data;
    int         code;
    const char *message;
  } cases[] = {
    { "{", CS_COHORT_ERROR_INVALID, "F:1:1: Parse error: unexpected character `{', expected string constant (not valid JSON)" },
    { "[1, 2]", CS_COHORT_ERROR_INVALID, "F: $: expected a JSON object but found an array" },
    { "{\"name\": \"x\"}", CS_COHORT_ERROR_INVALID, "F: $.format: missing (a string is required)" },
    { "{\"format\": 1}", CS_COHORT_ERROR_INVALID, "F: $.format: expected a string but found a number" },
    { "{\"format\": \"cohortscope-cohort/2\"}", CS_COHORT_ERROR_UNSUPPORTED,
      "F: $.format: “cohortscope-cohort/2” was written by a newer Cohortscope; this version reads cohortscope-cohort/1" },
    { "{\"format\": \"something/1\"}", CS_COHORT_ERROR_INVALID,
      "F: $.format: expected “cohortscope-cohort/1” but found “something/1”" },
    { "{\"format\": \"cohortscope-cohort/1\", \"filter\": \"a = 1\"}", CS_COHORT_ERROR_INVALID,
      "F: $.name: missing (a string is required)" },
    { "{\"format\": \"cohortscope-cohort/1\", \"name\": [], \"filter\": \"a = 1\"}", CS_COHORT_ERROR_INVALID,
      "F: $.name: expected a string but found an array" },
    { "{\"format\": \"cohortscope-cohort/1\", \"name\": \"\", \"filter\": \"a = 1\", \"created\": \"2026-01-31T12:00:00Z\"}",
      CS_COHORT_ERROR_INVALID, "F: $.name: the name is empty" },
    { "{\"format\": \"cohortscope-cohort/1\", \"name\": \"n\", \"filter\": \"a = 1\"}", CS_COHORT_ERROR_INVALID,
      "F: $.created: missing (a string is required)" },
    { "{\"format\": \"cohortscope-cohort/1\", \"name\": \"n\", \"filter\": \"a = 1\", \"created\": \"yesterday\"}",
      CS_COHORT_ERROR_INVALID,
      "F: $.created: “yesterday” is not an ISO 8601 date and time (such as 2026-01-31T12:00:00Z)" },
    { "{\"format\": \"cohortscope-cohort/1\", \"name\": \"n\", \"filter\": \"age >\", \"created\": \"2026-01-31T12:00:00Z\"}",
      CS_COHORT_ERROR_INVALID,
      "F: $.filter: column 6: expected a value after “>” but found end of input (a value is a number, a \"string\", true or false)" },
    { "{\"format\": \"cohortscope-cohort/1\", \"name\": \"n\", \"created\": \"2026-01-31T12:00:00Z\", \"patients\": \"p1\"}",
      CS_COHORT_ERROR_INVALID, "F: $.patients: expected an array of Patient ids but found a string" },
    { "{\"format\": \"cohortscope-cohort/1\", \"name\": \"n\", \"created\": \"2026-01-31T12:00:00Z\", \"patients\": [\"p1\", 3]}",
      CS_COHORT_ERROR_INVALID, "F: $.patients[1]: expected a Patient id (a string) but found a number" },
    { "{\"format\": \"cohortscope-cohort/1\", \"name\": \"n\", \"created\": \"2026-01-31T12:00:00Z\", \"patients\": [\"a b\"]}",
      CS_COHORT_ERROR_INVALID, "F: $.patients[0]: “a b” is not a FHIR id (1–64 letters, digits, “-” or “.”)" },
    { "{\"format\": \"cohortscope-cohort/1\", \"name\": \"n\", \"filter\": \"a = 1\", \"created\": \"2026-01-31T12:00:00Z\", "
      "\"models\": {}}", CS_COHORT_ERROR_INVALID, "F: $.models: expected an array but found an object" },
    { "{\"format\": \"cohortscope-cohort/1\", \"name\": \"n\", \"filter\": \"a = 1\", \"created\": \"2026-01-31T12:00:00Z\", "
      "\"models\": [\"m\"]}", CS_COHORT_ERROR_INVALID, "F: $.models[0]: expected a model (an object) but found a string" },
    { "{\"format\": \"cohortscope-cohort/1\", \"name\": \"n\", \"filter\": \"a = 1\", \"created\": \"2026-01-31T12:00:00Z\", "
      "\"models\": [{\"key\": \"s\"}]}", CS_COHORT_ERROR_INVALID, "F: $.models[0].format: missing (a string is required)" },
    { "{\"format\": \"cohortscope-cohort/1\", \"name\": \"n\", \"filter\": \"a = 1\", \"created\": \"2026-01-31T12:00:00Z\", "
      "\"models\": [{\"format\": \"cohortscope-cohort/1\"}]}", CS_COHORT_ERROR_INVALID,
      "F: $.models[0].format: expected a Cohortscope model but found “cohortscope-cohort/1”" },
    { "{\"format\": \"cohortscope-cohort/1\", \"name\": \"n\", \"created\": \"2026-01-31T12:00:00Z\"}",
      CS_COHORT_ERROR_EMPTY, "F: $: the cohort has neither a “filter” nor a “patients” list" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CsSavedCohort) cohort = cs_saved_cohort_from_json (cases[i].data, -1, "F", &error);

      g_assert_null (cohort);
      g_assert_error (error, CS_COHORT_ERROR, cases[i].code);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_malformed_group (void)
{
  static const struct
  {
    const char *data;
    const char *message;
  } cases[] = {
    { "{\"resourceType\": \"Patient\"}", "G: $.resourceType: expected “Group” but found “Patient”" },
    { "{\"resourceType\": \"Group\", \"member\": {}}", "G: $.member: expected an array but found an object" },
    { "{\"resourceType\": \"Group\", \"member\": [3]}", "G: $.member[0]: expected an object but found a number" },
    { "{\"resourceType\": \"Group\", \"member\": [{\"entity\": {\"reference\": \"Patient/a\"}}, {}]}",
      "G: $.member[1].entity: missing (a member needs an entity reference)" },
    { "{\"resourceType\": \"Group\", \"member\": [{\"entity\": {\"display\": \"x\"}}]}",
      "G: $.member[0].entity.reference: missing (a string is required)" },
    { "{\"resourceType\": \"Group\", \"member\": [{\"entity\": {\"reference\": \"Practitioner/1\"}}]}",
      "G: $.member[0].entity: “Practitioner/1” does not refer to a Patient (expected Patient/<id>)" },
    { "{\"resourceType\": \"Group\", \"extension\": [{\"url\": \"" CS_GROUP_FILTER_EXTENSION "\", \"valueString\": \"a = \"}]}",
      "G: the Cohortscope filter: column 5: expected a value after “=” but found end of input (a value is a number, a \"string\", true or false)" },
    { "{\"resourceType\": \"Group\", \"extension\": [{\"valueString\": \"x\"}]}",
      "G: $.extension[0].url: missing (a string is required)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CsSavedCohort) cohort = cs_saved_cohort_from_group (cases[i].data, -1, "G", &error);

      g_assert_null (cohort);
      g_assert_error (error, CS_COHORT_ERROR, CS_COHORT_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CsSavedCohort) cohort = cs_saved_cohort_from_group ("{\"resourceType\": \"Group\"}", -1, "G", &error);

    g_assert_null (cohort);
    g_assert_error (error, CS_COHORT_ERROR, CS_COHORT_ERROR_EMPTY);
  }
}

static void
test_malformed_files (void)
{
  static const struct
  {
    const char *name;
    const char *data;
    gssize      length;
    int         code;
    const char *suffix;
  } cases[] = {
    { "a.txt", "p1\np2\nnot an id\n", -1, CS_COHORT_ERROR_INVALID,
      ":3: “not an id” is not a Patient id (1–64 letters, digits, “-” or “.”, one a line)" },
    { "b.txt", "# only a comment\n\n", -1, CS_COHORT_ERROR_EMPTY, ": the list holds no Patient ids" },
    { "c.txt", "p1\0p2", 5, CS_COHORT_ERROR_INVALID,
      ": byte 2: the file holds a NUL byte; expected a cohort (JSON), a FHIR Group or a list of Patient ids" },
    { "d.txt", "p1\n\xff\xfe\n", -1, CS_COHORT_ERROR_INVALID, ": the file is not UTF-8 text" },
    { "e.json", "  {\"resourceType\": \"Group\", \"member\": [1]}", -1, CS_COHORT_ERROR_INVALID,
      ": $.member[0]: expected an object but found a number" },
    { "f.json", "{\"format\": \"cohortscope-cohort/1\",\n \"name\": \"x\",,}", -1, CS_COHORT_ERROR_INVALID,
      "(not valid JSON)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = write_temp (cases[i].name, cases[i].data, cases[i].length);
      g_autoptr(CsSavedCohort) cohort = cs_saved_cohort_load (path, &error);

      g_assert_null (cohort);
      g_assert_error (error, CS_COHORT_ERROR, cases[i].code);
      if (!g_str_has_prefix (error->message, path) || !g_str_has_suffix (error->message, cases[i].suffix))
        g_error ("%s: unexpected message “%s”", cases[i].name, error->message);
      remove_temp (path);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(CsSavedCohort) cohort = cs_saved_cohort_load ("/nonexistent/cohort.json", &error);

    g_assert_null (cohort);
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cohort/saved/round-trip-filter", test_round_trip_filter);
  g_test_add_func ("/cohort/saved/round-trip-ids", test_round_trip_ids);
  g_test_add_func ("/cohort/saved/group-export", test_group_export);
  g_test_add_func ("/cohort/saved/group-import", test_group_import);
  g_test_add_func ("/cohort/saved/group-id", test_group_id);
  g_test_add_func ("/cohort/saved/id-list", test_id_list);
  g_test_add_func ("/cohort/saved/models", test_models);
  g_test_add_func ("/cohort/saved/malformed", test_malformed);
  g_test_add_func ("/cohort/saved/malformed-group", test_malformed_group);
  g_test_add_func ("/cohort/saved/malformed-files", test_malformed_files);

  return g_test_run ();
}
