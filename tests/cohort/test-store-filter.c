/* test-store-filter.c: filters and saved cohorts over a real store loaded from a Bundle
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "cs-saved-cohort.h"

static const char bundle[] =
  "{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": [\n"
  " {\"fullUrl\": \"urn:uuid:1\", \"resource\": {\"resourceType\": \"Patient\", \"id\": \"a\", \"gender\": \"female\", \"birthDate\": \"1950-03-01\"}},\n"
  " {\"resource\": {\"resourceType\": \"Patient\", \"id\": \"b\", \"gender\": \"male\", \"birthDate\": \"1970-07-15\"}},\n"
  " {\"resource\": {\"resourceType\": \"Patient\", \"id\": \"c\", \"gender\": \"female\"}},\n"
  " {\"resource\": {\"resourceType\": \"Patient\", \"id\": \"d\"}},\n"
  " {\"resource\": {\"resourceType\": \"Observation\", \"id\": \"o1\", \"status\": \"final\", \"subject\": {\"reference\": \"Patient/a\"},\n"
  "   \"code\": {\"coding\": [{\"system\": \"http://loinc.org\", \"code\": \"8302-2\", \"display\": \"Body height\"}]},\n"
  "   \"valueQuantity\": {\"value\": 172, \"unit\": \"cm\", \"system\": \"http://unitsofmeasure.org\", \"code\": \"cm\"}}},\n"
  " {\"resource\": {\"resourceType\": \"Observation\", \"id\": \"o2\", \"status\": \"final\", \"subject\": {\"reference\": \"urn:uuid:1\"},\n"
  "   \"effectiveDateTime\": \"2020-01-01\",\n"
  "   \"code\": {\"coding\": [{\"system\": \"http://loinc.org\", \"code\": \"72166-2\"}]},\n"
  "   \"valueCodeableConcept\": {\"coding\": [{\"system\": \"http://snomed.info/sct\", \"code\": \"8517006\", \"display\": \"Ex-smoker\"}]}}},\n"
  " {\"resource\": {\"resourceType\": \"Observation\", \"id\": \"o3\", \"status\": \"final\", \"subject\": {\"reference\": \"Patient/b\"},\n"
  "   \"code\": {\"coding\": [{\"system\": \"http://loinc.org\", \"code\": \"8302-2\"}]},\n"
  "   \"valueQuantity\": {\"value\": 181.5, \"unit\": \"cm\"}}},\n"
  " {\"resource\": {\"resourceType\": \"Observation\", \"id\": \"o4\", \"status\": \"final\", \"subject\": {\"reference\": \"Patient/c\"},\n"
  "   \"code\": {\"coding\": [{\"system\": \"http://loinc.org\", \"code\": \"72166-2\"}]},\n"
  "   \"valueCodeableConcept\": {\"coding\": [{\"system\": \"http://snomed.info/sct\", \"code\": \"266919005\", \"display\": \"Never smoker\"}]}}}\n"
  "]}\n";

static CsStore *
load_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("cs-cohort-store-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(CsStore) store = cs_store_new ();

  g_assert_no_error (error);
  path = g_build_filename (dir, "tiny.json", NULL);
  g_file_set_contents (path, bundle, -1, &error);
  g_assert_no_error (error);
  cs_store_load_path (store, path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  cs_store_finish (store);
  g_unlink (path);
  g_rmdir (dir);

  g_assert_cmpuint (cs_store_get_n_patients (store), ==, 4);
  return g_steal_pointer (&store);
}

static char *
ids_of (CsStore        *store,
        const CsBitset *rows)
{
  g_autoptr(GArray) list = cs_bitset_to_rows (rows);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < list->len; i++)
    g_string_append_printf (out, i > 0 ? " %s" : "%s", cs_store_get_patient_id (store, g_array_index (list, guint, i)));

  return g_string_free (out, FALSE);
}

static void
expect_ids (CsStore    *store,
            const char *text,
            const char *ids)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFilter) filter = cs_filter_parse (text, NULL, &error);
  g_autoptr(CsBitset) rows = NULL;
  g_autofree char *got = NULL;

  g_assert_no_error (error);
  rows = cs_filter_evaluate (filter, store, &error);
  if (error != NULL)
    g_error ("“%s”: %s", text, error->message);
  got = ids_of (store, rows);
  if (g_strcmp0 (got, ids) != 0)
    g_error ("“%s”: expected “%s”, got “%s”", text, ids, got);
}

static void
test_filters (void)
{
  g_autoptr(CsStore) store = load_store ();

  expect_ids (store, "gender = \"female\"", "a c");
  expect_ids (store, "not gender = \"male\"", "a c");
  expect_ids (store, "`http://loinc.org|8302-2` > 175", "b");
  expect_ids (store, "`8302-2` >= 172", "a b");
  expect_ids (store, "body_height > 170 and smoking_status = \"ex-smoker\"", "a");
  expect_ids (store, "smoking_status = \"266919005\" or birth_date < \"1960-01-01\"", "a c");
  expect_ids (store, "birth_date is missing", "c d");
  expect_ids (store, "not (body_height > 175 or smoking_status = \"Never smoker\")", "a");
  expect_ids (store, "deceased = false and gender is missing", "d");
}

static void
test_errors (void)
{
  g_autoptr(CsStore) store = load_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFilter) filter = cs_filter_parse ("gender = \"female\" and body_heigth > 1", NULL, &error);
  g_autoptr(CsBitset) rows = NULL;

  g_assert_no_error (error);
  rows = cs_filter_evaluate (filter, store, &error);
  g_assert_null (rows);
  g_assert_error (error, CS_FILTER_ERROR, CS_FILTER_ERROR_UNKNOWN_VARIABLE);
  g_assert_cmpstr (error->message, ==, "column 23: unknown variable “body_heigth” (did you mean body_height?)");
}

static void
test_saved_cohort (void)
{
  g_autoptr(CsStore) store = load_store ();
  g_autoptr(CsSavedCohort) cohort = cs_saved_cohort_new ("Women", "gender = \"female\"");
  g_autoptr(CsSavedCohort) from_group = NULL;
  g_autoptr(CsSavedCohort) listed = NULL;
  g_autoptr(CsBitset) rows = NULL;
  g_autoptr(CsBitset) again = NULL;
  g_autoptr(CsBitset) picked = NULL;
  g_autoptr(GArray) list = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *group = NULL;
  g_autofree char *got = NULL;

  rows = cs_saved_cohort_select (cohort, store, NULL, &error);
  g_assert_no_error (error);
  list = cs_bitset_to_rows (rows);
  for (guint i = 0; i < list->len; i++)
    g_ptr_array_add (ids, (gpointer) cs_store_get_patient_id (store, g_array_index (list, guint, i)));

  group = cs_saved_cohort_to_group (cohort, (const char *const *) ids->pdata, ids->len);
  from_group = cs_saved_cohort_from_group (group, -1, "group.json", &error);
  g_assert_no_error (error);
  again = cs_saved_cohort_select (from_group, store, missing, &error);
  g_assert_no_error (error);
  g_assert_true (cs_bitset_equal (rows, again));
  g_assert_cmpuint (missing->len, ==, 0);

  listed = cs_saved_cohort_from_id_list ("d\nPatient/zz\n", -1, "ids.txt", &error);
  g_assert_no_error (error);
  picked = cs_saved_cohort_select (listed, store, missing, &error);
  g_assert_no_error (error);
  got = ids_of (store, picked);
  g_assert_cmpstr (got, ==, "d");
  g_assert_cmpuint (missing->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (missing, 0), ==, "zz");
}

/* The filter in words (cs_filter_describe()): each kind of condition, with
 * the store's labels, level displays and units */
static void
test_describe (void)
{
  static const struct { const char *filter, *words; } cases[] = {
    /* categorical: = and != name the level by its display (or code), in by each */
    { "gender = \"female\"", "Gender Female" },
    { "gender != \"male\"", "Gender not Male" },
    { "smoking_status in (\"8517006\", \"266919005\")", "Smoking status Ex-smoker or Never smoker" },
    { "smoking_status = \"ex-smoker\"", "Smoking status Ex-smoker" },
    { "smoking_status = \"no such level\"", "Smoking status no such level" },
    /* numeric: the unit for reading, a closed range, an open one, the minus sign */
    { "body_height >= 170 and body_height <= 180", "Body height 170–180 cm" },
    { "body_height <= 180 and body_height >= 170", "Body height 170–180 cm" },
    { "body_height > 170 and body_height < 180.5", "170 < Body height < 180.5 cm" },
    { "body_height >= 170 and gender = \"female\" and body_height <= 180", "Body height 170–180 cm, Gender Female" },
    { "body_height < -1", "Body height < −1 cm" },
    { "body_height = 172", "Body height = 172 cm" },
    { "body_height != 172", "Body height ≠ 172 cm" },
    /* boolean: the condition or its negation */
    { "deceased = true", "Deceased" },
    { "deceased = false", "not Deceased" },
    { "deceased != true", "not Deceased" },
    { "deceased != false", "Deceased" },
    /* date: as written */
    { "birth_date >= \"1960-01-01\"", "Birth date ≥ 1960-01-01" },
    /* missing values */
    { "smoking_status is missing", "Smoking status unknown" },
    { "smoking_status is not missing", "Smoking status known" },
    { "not (gender is missing)", "Gender known" },
    { "not (gender is not missing)", "Gender unknown" },
    /* and, or, not: parentheses where the words would be ambiguous */
    { "gender = \"female\" or body_height > 175", "Gender Female or Body height > 175 cm" },
    { "(gender = \"female\" or gender = \"male\") and deceased = false", "(Gender Female or Gender Male), not Deceased" },
    { "gender = \"female\" and deceased = false or body_height > 175",
      "(Gender Female, not Deceased) or Body height > 175 cm" },
    { "not (gender = \"female\" and deceased = true)", "not (Gender Female, Deceased)" },
    { "not smoking_status in (\"8517006\")", "not (Smoking status Ex-smoker)" },
    { "not body_height > 175", "not Body height > 175 cm" },
    /* a variable the store lacks: its key */
    { "tumour_grade = \"G2\" and ldh > 250", "tumour_grade = G2, ldh > 250" },
  };
  g_autoptr(CsStore) store = load_store ();

  /* without a store: keys, values as written */
  {
    g_autoptr(CsFilter) filter = cs_filter_parse ("body_height >= 170 and smoking_status = \"8517006\"", NULL, NULL);
    g_autofree char *words = cs_filter_describe (filter, NULL);

    g_assert_cmpstr (words, ==, "body_height ≥ 170, smoking_status = 8517006");
  }
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CsFilter) filter = cs_filter_parse (cases[i].filter, NULL, &error);
      g_autofree char *words = NULL;

      g_assert_no_error (error);
      words = cs_filter_describe (filter, store);
      if (g_strcmp0 (words, cases[i].words) != 0)
        g_error ("“%s” reads “%s”, expected “%s”", cases[i].filter, words, cases[i].words);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cohort/store/filters", test_filters);
  g_test_add_func ("/cohort/store/errors", test_errors);
  g_test_add_func ("/cohort/store/saved-cohort", test_saved_cohort);
  g_test_add_func ("/cohort/store/describe", test_describe);

  return g_test_run ();
}
