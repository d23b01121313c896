/* test-mapping-assist.c: table profiles, suggestions, coverage, value maps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "cs-mapping-assist.h"

static char *
fixture (const char *name)
{
  return g_build_filename (TEST_SRCDIR, "mapping-assist", "data", name, NULL);
}

static char *
write_temp (const char *name,
            const char *data,
            gssize      length)
{
  g_autofree char *dir = g_dir_make_tmp ("cs-assist-XXXXXX", NULL);
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, data, length, NULL));
  return path;
}

static void
remove_temp (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_remove (path);
  g_rmdir (dir);
}

static int
find_column (CsTableProfile *t,
             const char     *name)
{
  for (guint i = 0; i < cs_csv_profile_get_n_columns (t->profile); i++)
    if (g_str_equal (cs_csv_profile_get_column (t->profile, i)->name, name))
      return (int) i;
  g_assert_not_reached ();
}

/* ------------------------------------------------------------------ */

static guint64 progress_last;

static void
count_progress (guint64  done,
                guint64  total,
                gpointer user_data)
{
  guint *calls = user_data;

  (*calls)++;
  progress_last = done;
  g_assert_cmpuint (done, <=, total);
}

static void
test_profile (void)
{
  g_autofree char *path = fixture ("clinical.csv");
  g_autoptr(GError) error = NULL;
  guint calls = 0;
  g_autoptr(CsTableProfile) t = cs_table_profile_new_for_path (path, NULL, CS_TABLE_PROFILE_KEEP_ROWS,
                                                               count_progress, &calls, NULL, &error);
  const CsCsvColumnProfile *age, *t_stage, *histology;
  g_autofree char *dialect = NULL;
  g_autofree char *sample = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (calls, >=, 1);
  g_assert_cmpuint (progress_last, >, 0);
  g_assert_cmpstr (t->name, ==, "clinical.csv");
  g_assert_cmpint (t->dialect.delimiter, ==, ',');
  g_assert_cmpuint (cs_csv_profile_get_n_rows (t->profile), ==, 6);
  age = cs_csv_profile_get_column (t->profile, find_column (t, "age"));
  g_assert_cmpint (age->type, ==, CS_CSV_TYPE_DECIMAL);
  g_assert_cmpuint (age->n_missing, ==, 1);
  t_stage = cs_csv_profile_get_column (t->profile, find_column (t, "clinical.T.Stage"));
  g_assert_cmpuint (t_stage->n_distinct, ==, 4);
  histology = cs_csv_profile_get_column (t->profile, find_column (t, "Histology"));
  g_assert_cmpuint (histology->n_missing, ==, 1);
  sample = cs_table_profile_sample (histology, 2);
  g_assert_cmpstr (sample, ==, "adenocarcinoma, squamous cell carcinoma, …");
  dialect = cs_table_profile_describe_dialect (t);
  g_assert_cmpstr (dialect, ==, "comma, UTF-8, LF");
  /* the rows were kept */
  g_assert_cmpstr (cs_table_profile_get_row (t, 1)[0], ==, "CASE-002");
  g_assert_cmpstr (cs_table_profile_get_row (t, 5)[9], ==, "1");
  g_assert_null (cs_table_profile_get_row (t, 6));
}

static void
test_profile_tsv (void)
{
  g_autofree char *path = fixture ("tab.tsv");
  g_autoptr(GError) error = NULL;
  g_autoptr(CsTableProfile) t = cs_table_profile_new_for_path (path, NULL, 0, NULL, NULL, NULL, &error);
  g_autofree char *dialect = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (t->dialect.delimiter, ==, '\t');
  dialect = cs_table_profile_describe_dialect (t);
  g_assert_cmpstr (dialect, ==, "tab, UTF-8, LF");
}

static void
test_profile_cancel (void)
{
  GString *data = g_string_new ("id,value\n");
  g_autofree char *path = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  CsTableProfile *t;

  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (data, "P%u,%u\n", i, i % 7);
  path = write_temp ("big.csv", data->str, (gssize) data->len);
  g_string_free (data, TRUE);
  g_cancellable_cancel (cancellable);
  t = cs_table_profile_new_for_path (path, NULL, 0, NULL, NULL, cancellable, &error);
  g_assert_null (t);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  remove_temp (path);
}

static void
test_profile_bad_input (void)
{
  static const struct { const char *name; const char *data; gssize length; int code; const char *where; } cases[] = {
    { "latin1.csv", "id,name\nP1,M\xfcller\n", -1, CS_CSV_ERROR_ENCODING, "latin1.csv" },
    { "ragged.csv", "id,name\nP1,a\nP2,b,c\n", -1, CS_CSV_ERROR_RAGGED, "row 2" },
    { "binary.csv", "id,name\nP1\0\0\x01,b\n", 15, CS_CSV_ERROR_BINARY, "binary.csv" },
    { "empty.csv", "", 0, CS_CSV_ERROR_EMPTY, "empty.csv" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_temp (cases[i].name, cases[i].data, cases[i].length);
      g_autoptr(GError) error = NULL;
      CsTableProfile *t = cs_table_profile_new_for_path (path, NULL, 0, NULL, NULL, NULL, &error);

      g_assert_null (t);
      g_assert_error (error, CS_CSV_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].where));
      remove_temp (path);
    }
}

static void
test_profile_async_done (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  CsTableProfile **out = user_data;
  g_autoptr(GError) error = NULL;

  (void) source;
  *out = cs_table_profile_new_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_profile_async (void)
{
  g_autofree char *path = fixture ("clinical.csv");
  CsTableProfile *t = NULL;
  guint calls = 0;

  cs_table_profile_new_async (path, 0, count_progress, &calls, NULL, test_profile_async_done, &t);
  while (t == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (cs_csv_profile_get_n_rows (t->profile), ==, 6);
  /* progress arrives on this thread before the result */
  g_assert_cmpuint (calls, >=, 1);
  cs_table_profile_free (t);
}

/* ------------------------------------------------------------------ */

static void
test_roles (void)
{
  static const struct { const char *column; CsColumnRole role; } expected[] = {
    { "PatientID", CS_COLUMN_ROLE_PATIENT_ID },
    { "age", CS_COLUMN_ROLE_AGE },
    { "clinical.T.Stage", CS_COLUMN_ROLE_T_CATEGORY },
    { "Clinical.N.Stage", CS_COLUMN_ROLE_N_CATEGORY },
    { "Clinical.M.Stage", CS_COLUMN_ROLE_M_CATEGORY },
    { "Overall.Stage", CS_COLUMN_ROLE_STAGE_GROUP },
    { "Histology", CS_COLUMN_ROLE_HISTOLOGY },
    { "gender", CS_COLUMN_ROLE_SEX },
    { "Survival.time", CS_COLUMN_ROLE_SURVIVAL_TIME },
    { "deadstatus.event", CS_COLUMN_ROLE_VITAL_STATUS },
  };
  g_autofree char *path = fixture ("clinical.csv");
  g_autofree char *fpath = fixture ("features.csv");
  g_autoptr(CsTableProfile) t = cs_table_profile_new_for_path (path, NULL, 0, NULL, NULL, NULL, NULL);
  g_autoptr(CsTableProfile) f = cs_table_profile_new_for_path (fpath, NULL, 0, NULL, NULL, NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const CsCsvColumnProfile *c = cs_csv_profile_get_column (t->profile, find_column (t, expected[i].column));

      g_test_message ("%s", expected[i].column);
      g_assert_cmpstr (cs_column_role_to_string (cs_column_role_guess (c)), ==,
                       cs_column_role_to_string (expected[i].role));
    }
  g_assert_cmpint (cs_column_role_guess (cs_csv_profile_get_column (f->profile, 1)), ==,
                   CS_COLUMN_ROLE_RADIOMICS_DIAGNOSTICS);
  for (guint i = 2; i < 5; i++)
    g_assert_cmpint (cs_column_role_guess (cs_csv_profile_get_column (f->profile, i)), ==,
                     CS_COLUMN_ROLE_RADIOMICS_FEATURE);

  /* names that look alike but are not */
  g_assert_true (cs_mapping_is_pyradiomics_column ("log-sigma-3-0-mm-3D_glszm_ZoneEntropy"));
  g_assert_false (cs_mapping_is_pyradiomics_column ("original_shape"));
  g_assert_false (cs_mapping_is_pyradiomics_column ("MeshVolume"));
}

/* Runs every row of a table through a mapping; collects what came out. */
typedef struct
{
  GPtrArray *resources;
  GPtrArray *problems;
} Collect;

static gboolean
collect_resource (const CsMappingResource *resource,
                  gpointer                 user_data,
                  GError                 **error)
{
  Collect *c = user_data;

  (void) error;
  g_ptr_array_add (c->resources, g_strndup (resource->json, resource->length));
  return TRUE;
}

static void
collect_problem (const CsMappingProblem *problem,
                 gpointer                user_data)
{
  Collect *c = user_data;

  g_ptr_array_add (c->problems, g_strdup_printf ("%s|%" G_GUINT64_FORMAT "|%s|%s|%s",
                                                 problem->severity == CS_MAPPING_SEVERITY_ERROR ? "error" : "warning",
                                                 problem->row, problem->column ? problem->column : "",
                                                 problem->value ? problem->value : "", problem->message));
}

static void
run_mapping (const char *json,
             const char *role,
             const char *table_path,
             Collect    *c,
             CsMapping **out_mapping)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMapping) mapping = cs_mapping_load_data (json, -1, "suggested.json", NULL, &error);
  g_autoptr(CsCsvReader) reader = NULL;
  g_autoptr(CsMappingProgram) program = NULL;
  g_autoptr(CsMappingRun) run = NULL;
  CsMappingTableInfo info = { 0 };
  CsMappingSink sink = { collect_resource, collect_problem, NULL };

  g_assert_no_error (error);
  reader = cs_csv_reader_new_for_path (table_path, cs_mapping_get_input_dialect (mapping, 0), &error);
  g_assert_no_error (error);
  info.role = role;
  info.name = cs_csv_reader_get_name (reader);
  info.header = cs_csv_reader_get_header (reader);
  program = cs_mapping_compile (mapping, &info, 1, &error);
  g_assert_no_error (error);
  run = cs_mapping_run_new (program, 0);
  g_assert_true (cs_mapping_run_add_input (run, role, g_steal_pointer (&reader), &error));
  g_assert_no_error (error);
  c->resources = g_ptr_array_new_with_free_func (g_free);
  c->problems = g_ptr_array_new_with_free_func (g_free);
  g_assert_true (cs_mapping_run_all (run, &sink, c, NULL, &error));
  g_assert_no_error (error);
  if (out_mapping != NULL)
    *out_mapping = g_steal_pointer (&mapping);
}

static guint
count_containing (GPtrArray  *strings,
                  const char *needle)
{
  guint n = 0;

  for (guint i = 0; i < strings->len; i++)
    if (strstr (strings->pdata[i], needle) != NULL)
      n++;
  return n;
}

static void
test_suggest_clinical (void)
{
  g_autofree char *path = fixture ("clinical.csv");
  g_autoptr(CsTableProfile) t = cs_table_profile_new_for_path (path, NULL, 0, NULL, NULL, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = cs_mapping_suggest (t, "clinical", CS_MAPPING_TEMPLATE_AUTO,
                                              "https://example.org/test", &error);
  g_autoptr(CsMapping) mapping = NULL;
  Collect c;

  g_assert_no_error (error);
  g_assert_nonnull (strstr (json, "\"format\" : \"cohortscope-mapping/1\""));
  run_mapping (json, "clinical", path, &c, &mapping);

  for (guint i = 0; i < c.problems->len; i++)
    g_test_message ("problem: %s", (char *) c.problems->pdata[i]);
  /* no row rejected: every one makes its Patient */
  g_assert_cmpuint (count_containing (c.resources, "\"resourceType\":\"Patient\""), ==, 6);
  g_assert_cmpuint (count_containing (c.resources, "\"gender\":\"male\""), ==, 3);
  g_assert_cmpuint (count_containing (c.resources, "\"deceasedBoolean\":true"), ==, 4);
  g_assert_cmpuint (count_containing (c.resources, "\"resourceType\":\"Condition\""), ==, 6);
  /* T2 → SNOMED, T5 is left as text (no suggested code) */
  g_assert_cmpuint (count_containing (c.resources, "\"code\":\"1228929004\""), ==, 2);
  g_assert_cmpuint (count_containing (c.resources, "\"code\":\"445320007\""), ==, 6);
  g_assert_cmpuint (count_containing (c.resources, "\"code\":\"8140/3\""), ==, 2);
  g_assert_cmpuint (count_containing (c.resources, "\"unit\":\"d\""), ==, 6);
  /* the age of CASE-002 is missing: no onsetAge, no problem */
  g_assert_cmpuint (count_containing (c.resources, "\"onsetAge\""), ==, 5);
  g_assert_cmpuint (count_containing (c.problems, "error|"), ==, 0);
  /* unmapped values are warnings at their cell */
  g_assert_cmpuint (count_containing (c.problems, "|clinical.T.Stage|5|"), ==, 2);

  g_ptr_array_unref (c.resources);
  g_ptr_array_unref (c.problems);
}

static void
test_suggest_tsv_months (void)
{
  g_autofree char *path = fixture ("tab.tsv");
  g_autoptr(CsTableProfile) t = cs_table_profile_new_for_path (path, NULL, 0, NULL, NULL, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = cs_mapping_suggest (t, "clinical", CS_MAPPING_TEMPLATE_CLINICAL, NULL, &error);
  Collect c;

  g_assert_no_error (error);
  g_assert_nonnull (strstr (json, "\"delimiter\" : \"\\t\""));
  run_mapping (json, "clinical", path, &c, NULL);
  g_assert_cmpuint (count_containing (c.resources, "\"gender\":\"female\""), ==, 1);
  g_assert_cmpuint (count_containing (c.resources, "\"unit\":\"mo\""), ==, 3);
  g_assert_cmpuint (count_containing (c.problems, "|sex|x|"), ==, 1);
  g_ptr_array_unref (c.resources);
  g_ptr_array_unref (c.problems);
}

static void
test_suggest_pyradiomics (void)
{
  g_autofree char *path = fixture ("features.csv");
  g_autoptr(CsTableProfile) t = cs_table_profile_new_for_path (path, NULL, 0, NULL, NULL, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = cs_mapping_suggest (t, "features", CS_MAPPING_TEMPLATE_AUTO, "https://example.org/t", &error);
  Collect c;

  g_assert_no_error (error);
  g_assert_nonnull (strstr (json, "forEachColumn"));
  run_mapping (json, "features", path, &c, NULL);
  g_assert_cmpuint (count_containing (c.resources, "\"resourceType\":\"Patient\""), ==, 3);
  /* 3 features × 3 rows, less the missing volume; diagnostics are no feature */
  g_assert_cmpuint (count_containing (c.resources, "\"category\""), ==, 8);
  g_assert_cmpuint (count_containing (c.resources, "\"code\":\"wavelet-HLH_glrlm_RunEntropy\""), ==, 3);
  /* named by the radiomics module: the filter as the method, units by class */
  g_assert_cmpuint (count_containing (c.resources, "\"method\":{\"coding\":[{\"system\":\"https://pyradiomics.readthedocs.io\","
                                                   "\"code\":\"wavelet-HLH\"}]}"), ==, 3);
  g_assert_cmpuint (count_containing (c.resources, "\"unit\":\"mm3\""), ==, 2);
  g_assert_cmpuint (count_containing (c.resources, "diagnostics_"), ==, 0);
  g_assert_cmpuint (count_containing (c.problems, "error|"), ==, 0);
  g_ptr_array_unref (c.resources);
  g_ptr_array_unref (c.problems);

  /* a clinical table has no features */
  {
    g_autofree char *cpath = fixture ("clinical.csv");
    g_autoptr(CsTableProfile) clinical = cs_table_profile_new_for_path (cpath, NULL, 0, NULL, NULL, NULL, NULL);
    g_autoptr(GError) ferror = NULL;
    g_autofree char *none = cs_mapping_suggest (clinical, "f", CS_MAPPING_TEMPLATE_PYRADIOMICS, NULL, &ferror);

    g_assert_null (none);
    g_assert_error (ferror, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_NOTHING);
  }
}

static void
test_suggest_no_key (void)
{
  g_autofree char *path = write_temp ("nokey.csv", "score,grade\n1,a\n1,b\n2,a\n", -1);
  g_autoptr(CsTableProfile) t = cs_table_profile_new_for_path (path, NULL, 0, NULL, NULL, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = cs_mapping_suggest (t, "clinical", CS_MAPPING_TEMPLATE_CLINICAL, NULL, &error);

  g_assert_null (json);
  g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_NO_KEY);
  g_assert_nonnull (strstr (error->message, "nokey.csv"));
  remove_temp (path);
}

/* ------------------------------------------------------------------ */

static void
test_coverage (void)
{
  g_autofree char *path = fixture ("clinical.csv");
  g_autoptr(CsTableProfile) t = cs_table_profile_new_for_path (path, NULL, 0, NULL, NULL, NULL, NULL);
  g_autofree char *json = cs_mapping_suggest (t, "clinical", CS_MAPPING_TEMPLATE_CLINICAL, "https://example.org/t", NULL);
  g_autoptr(CsMapping) mapping = cs_mapping_load_data (json, -1, "s.json", NULL, NULL);
  CsConceptMap *map = cs_mapping_find_concept_map (mapping, "clinical-t-stage");
  g_autoptr(CsMappingCoverage) cov = NULL;
  g_autofree char *text = NULL;
  const CsValueCoverage *first, *second;

  g_assert_nonnull (map);
  cov = cs_mapping_coverage_new (map, cs_csv_profile_get_column (t->profile, find_column (t, "clinical.T.Stage")));
  g_assert_cmpuint (cov->rows_total, ==, 6);
  g_assert_cmpuint (cov->rows_mapped, ==, 4);
  text = cs_mapping_coverage_describe (cov);
  g_assert_cmpstr (text, ==, "4 of 6 rows mapped");
  /* unmapped first: "5" (2 rows), then the most frequent mapped value "2" */
  first = &g_array_index (cov->values, CsValueCoverage, 0);
  g_assert_cmpstr (first->value, ==, "5");
  g_assert_false (first->mapped);
  g_assert_cmpuint (first->count, ==, 2);
  second = &g_array_index (cov->values, CsValueCoverage, 1);
  g_assert_cmpstr (second->value, ==, "2");
  g_assert_true (second->mapped);
  g_assert_cmpstr (second->code, ==, "1228929004");
}

static const char *concept_map =
  "{\"resourceType\": \"ConceptMap\", \"id\": \"sex\", \"url\": \"https://example.org/ConceptMap/sex\","
  " \"group\": [{\"source\": \"https://example.org/sex\", \"target\": \"http://hl7.org/fhir/administrative-gender\","
  "   \"element\": [{\"code\": \"M\", \"target\": [{\"code\": \"male\", \"display\": \"Male\", \"equivalence\": \"equal\"}]},"
  "                 {\"code\": \"W, F\", \"target\": [{\"code\": \"female\", \"equivalence\": \"equal\"}]},"
  "                 {\"code\": \"X\", \"target\": [{\"equivalence\": \"unmatched\", \"comment\": \"not recorded\"}]}]}]}";

static void
test_value_map_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsValueMap) map = cs_value_map_from_concept_map (concept_map, -1, "sex.json", &error);
  g_autoptr(CsValueMap) back = NULL;
  g_autoptr(CsValueMap) again = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *json = NULL;
  g_autofree char *path = NULL;
  g_autoptr(CsMapping) mapping = NULL;
  g_autofree char *doc = NULL;
  const CsConceptMapTarget *targets;
  gboolean listed;

  g_assert_no_error (error);
  g_assert_cmpuint (map->entries->len, ==, 3);
  g_assert_cmpstr (map->target_system, ==, "http://hl7.org/fhir/administrative-gender");
  csv = cs_value_map_to_csv (map);
  g_assert_cmpstr (csv, ==, "source_code,target_code,target_display\r\nM,male,Male\r\n\"W, F\",female,\r\nX,,\r\n");

  path = write_temp ("sex.csv", csv, -1);
  back = cs_value_map_from_csv (path, "sex", "http://hl7.org/fhir/administrative-gender", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->entries->len, ==, 3);
  g_assert_cmpstr (g_array_index (back->entries, CsValueMapEntry, 1).source, ==, "W, F");
  g_assert_null (g_array_index (back->entries, CsValueMapEntry, 2).target);
  remove_temp (path);

  /* the ConceptMap it writes is one the engine reads */
  json = cs_value_map_to_concept_map (back);
  doc = g_strdup_printf ("{\"format\": \"cohortscope-mapping/1\", \"id\": \"m\", \"version\": \"1\","
                         " \"namespace\": \"https://example.org/m\", \"inputs\": [{\"role\": \"t\", \"key\": \"id\"}],"
                         " \"conceptMaps\": [%s], \"resources\": [{\"name\": \"p\", \"input\": \"t\","
                         " \"template\": {\"resourceType\": \"Patient\", \"gender\": {\"$map\": \"sex\", \"column\": \"s\","
                         " \"as\": \"code\"}}}]}", json);
  mapping = cs_mapping_load_data (doc, -1, "m.json", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cs_concept_map_translate (cs_mapping_find_concept_map (mapping, "sex"), "W, F", &targets, &listed),
                    ==, 1);
  g_assert_cmpstr (targets[0].code, ==, "female");
  g_assert_cmpuint (cs_concept_map_translate (cs_mapping_find_concept_map (mapping, "sex"), "X", &targets, &listed),
                    ==, 0);
  g_assert_true (listed);

  again = cs_value_map_from_concept_map (json, -1, "again.json", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->entries->len, ==, 3);
}

static void
test_value_map_bad (void)
{
  static const struct { const char *json; const char *message; } cases[] = {
    { "{\"resourceType\": \"Patient\"}", "bad.json: resourceType: not a FHIR ConceptMap" },
    { "{\"resourceType\": \"ConceptMap\", \"id\": \"x\"}", "bad.json: group: must be a non-empty array" },
    { "{\"resourceType\": \"ConceptMap\", \"id\": \"x\", \"group\": [{\"element\": [{\"target\": []}]}]}",
      "bad.json: group[0].element[0].code: missing" },
    { "{\"resourceType\": \"ConceptMap\", \"group\": [{\"element\": []}]}", "bad.json: id: a ConceptMap needs" },
    { "{\"resourceType\": ", "bad.json: " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      CsValueMap *map = cs_value_map_from_concept_map (cases[i].json, -1, "bad.json", &error);

      g_assert_null (map);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, cases[i].message));
    }

  {
    g_autofree char *path = write_temp ("bad.csv", "from,to\na,b\n", -1);
    g_autoptr(GError) error = NULL;

    g_assert_null (cs_value_map_from_csv (path, "x", NULL, &error));
    g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_VALUE_MAP);
    g_assert_nonnull (strstr (error->message, "it has from,to"));
    remove_temp (path);
  }
  {
    g_autofree char *path = write_temp ("empty-source.csv", "source_code,target_code\na,b\n,c\n", -1);
    g_autoptr(GError) error = NULL;

    g_assert_null (cs_value_map_from_csv (path, "x", NULL, &error));
    g_assert_nonnull (strstr (error->message, "row 2"));
    remove_temp (path);
  }
}

static void
test_preview (void)
{
  g_autofree char *path = fixture ("clinical.csv");
  g_autoptr(CsTableProfile) t = cs_table_profile_new_for_path (path, NULL, CS_TABLE_PROFILE_KEEP_ROWS,
                                                               NULL, NULL, NULL, NULL);
  g_autofree char *json = cs_mapping_suggest (t, "clinical", CS_MAPPING_TEMPLATE_CLINICAL, "https://example.org/t", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMappingPreview) preview = cs_mapping_preview_new (json, NULL, NULL, t, &error);
  g_autoptr(GPtrArray) resources = cs_preview_resource_array_new ();
  g_autoptr(GPtrArray) problems = cs_preview_problem_array_new ();
  const CsPreviewResource *patient;
  g_auto(GStrv) lines = NULL;
  int line;
  int gender_column = find_column (t, "gender");
  gboolean found = FALSE;

  g_assert_no_error (error);
  g_assert_cmpstr (cs_mapping_preview_get_role (preview), ==, "clinical");
  g_assert_true (cs_mapping_preview_row (preview, 0, resources, problems, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_cmpuint (resources->len, ==, 7);
  patient = resources->pdata[0];
  g_assert_cmpstr (patient->type, ==, "Patient");
  g_assert_true (g_str_has_prefix (patient->json, "{\n  \"resourceType\": \"Patient\",\n"));
  /* the element's line holds its value, and its cell is the gender column */
  line = cs_preview_resource_find_line (patient, "Patient.gender");
  g_assert_cmpint (line, >, 0);
  lines = g_strsplit (patient->json, "\n", -1);
  g_assert_cmpstr (lines[line], ==, "  \"gender\": \"male\",");
  for (guint i = 0; i < patient->elements->len; i++)
    {
      const CsPreviewElement *e = patient->elements->pdata[i];

      if (g_str_equal (e->path, "Patient.gender"))
        {
          g_assert_cmpuint (e->cells->len, ==, 1);
          g_assert_cmpuint (g_array_index (e->cells, CsMappingCell, 0).row, ==, 1);
          g_assert_cmpuint (g_array_index (e->cells, CsMappingCell, 0).column, ==, (guint) gender_column);
          found = TRUE;
        }
    }
  g_assert_true (found);
  g_assert_cmpint (cs_preview_resource_find_line (patient, "Patient.nothing"), ==, -1);

  /* row 3 has T 5, which the suggested map does not code: a warning at the cell */
  g_ptr_array_set_size (resources, 0);
  g_assert_true (cs_mapping_preview_row (preview, 2, resources, problems, &error));
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_cmpstr (((CsPreviewProblem *) problems->pdata[0])->column, ==, "clinical.T.Stage");
  g_assert_cmpuint (((CsPreviewProblem *) problems->pdata[0])->row, ==, 3);
  g_assert_nonnull (strstr (((CsPreviewProblem *) problems->pdata[0])->message, "row 3"));
}

static void
test_preview_bad_mapping (void)
{
  static const struct { const char *text; int code; const char *where; } cases[] = {
    { "{\"format\": \"cohortscope-mapping/1\", \"id\": ", CS_MAPPING_ERROR_SYNTAX, "byte" },
    { "{\"format\": \"cohortscope-mapping/2\", \"id\": \"x\"}", CS_MAPPING_ERROR_VERSION, "cohortscope-mapping/2" },
    { "{\"format\": \"cohortscope-mapping/1\", \"id\": \"m\", \"version\": \"1\", \"namespace\": \"https://e.org/m\","
      " \"inputs\": [{\"role\": \"t\", \"key\": \"nope\"}], \"resources\": [{\"name\": \"p\", \"input\": \"t\","
      " \"template\": {\"resourceType\": \"Patient\"}}]}", CS_MAPPING_ERROR_COMPILE, "nope" },
  };
  g_autofree char *path = fixture ("clinical.csv");
  g_autoptr(CsTableProfile) t = cs_table_profile_new_for_path (path, NULL, CS_TABLE_PROFILE_KEEP_ROWS,
                                                               NULL, NULL, NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      CsMappingPreview *preview = cs_mapping_preview_new (cases[i].text, NULL, NULL, t, &error);

      g_assert_null (preview);
      g_test_message ("%s", error->message);
      g_assert_error (error, CS_MAPPING_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].where));
    }
}

static void
test_edit_value_maps (void)
{
  g_autofree char *path = fixture ("clinical.csv");
  g_autoptr(CsTableProfile) t = cs_table_profile_new_for_path (path, NULL, 0, NULL, NULL, NULL, NULL);
  g_autofree char *json = cs_mapping_suggest (t, "clinical", CS_MAPPING_TEMPLATE_CLINICAL, "https://example.org/t", NULL);
  g_autofree char *column = cs_mapping_text_find_map_column (json, "clinical-t-stage");
  g_autoptr(GError) error = NULL;
  g_autofree char *map_json = cs_mapping_text_get_concept_map (json, NULL, "clinical-t-stage", &error);
  g_autoptr(CsValueMap) map = NULL;
  g_autofree char *new_map = NULL;
  g_autofree char *replaced = NULL;
  g_autoptr(CsMapping) mapping = NULL;
  g_autoptr(CsMappingCoverage) cov = NULL;

  g_assert_cmpstr (column, ==, "clinical.T.Stage");
  g_assert_no_error (error);
  map = cs_value_map_from_concept_map (map_json, -1, "t", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (map->entries->len, ==, 3);
  /* the steward codes 5 as TX, imports it, and the coverage is full */
  cs_value_map_add (map, "5", "1222604002", "American Joint Committee on Cancer cTX (qualifier value)");
  g_clear_pointer (&map->id, g_free);
  map->id = g_strdup ("imported-id");
  new_map = cs_value_map_to_concept_map (map);
  replaced = cs_mapping_text_replace_concept_map (json, NULL, "clinical-t-stage", new_map, &error);
  g_assert_no_error (error);
  mapping = cs_mapping_load_data (replaced, -1, "r.json", NULL, &error);
  g_assert_no_error (error);
  cov = cs_mapping_coverage_new (cs_mapping_find_concept_map (mapping, "clinical-t-stage"),
                                 cs_csv_profile_get_column (t->profile, find_column (t, "clinical.T.Stage")));
  g_assert_cmpuint (cov->rows_mapped, ==, 6);
  /* the other maps are still there, in their places */
  g_assert_cmpuint (cs_mapping_get_n_concept_maps (mapping), ==, 6);
  g_assert_cmpstr (cs_concept_map_get_id (cs_mapping_get_concept_map (mapping, 1)), ==, "clinical-t-stage");

  g_assert_null (cs_mapping_text_get_concept_map (json, NULL, "nope", &error));
  g_assert_error (error, CS_MAPPING_ASSIST_ERROR, CS_MAPPING_ASSIST_ERROR_VALUE_MAP);
  g_clear_error (&error);
  g_assert_null (cs_mapping_text_replace_concept_map ("{", NULL, "x", new_map, &error));
  g_assert_nonnull (error);
}

static void
test_locate (void)
{
  static const char *text =
    "{\n"
    "  \"format\": \"cohortscope-mapping/1\",\n"
    "  \"inputs\": [\n"
    "    {\"role\": \"t\", \"key\": \"id\"},\n"
    "    {\"role\": \"u\",\n"
    "     \"key\": [\"a\", \"b\"]}\n"
    "  ],\n"
    "  \"resources\": [{\"name\": \"x \\\" y\", \"template\": {\n"
    "    \"gender\": {\"$map\": \"m\"}}}]\n"
    "}\n";

  g_assert_cmpint (cs_mapping_text_find_line (text, "m.json: format: from a newer version"), ==, 1);
  g_assert_cmpint (cs_mapping_text_find_line (text, "m.json: inputs[1].key: no column"), ==, 5);
  g_assert_cmpint (cs_mapping_text_find_line (text, "m.json: inputs[1].key[1]: no column “b”"), ==, 5);
  g_assert_cmpint (cs_mapping_text_find_line (text, "m.json: resources[0].template.gender.$map: unknown"), ==, 8);
  /* a path the text lacks: its nearest parent */
  g_assert_cmpint (cs_mapping_text_find_line (text, "m.json: resources[0].template.code: missing"), ==, 7);
  g_assert_cmpint (cs_mapping_text_find_line (text, "m.json: not valid JSON: byte 30 at format: …"), ==, 1);
  g_assert_cmpint (cs_mapping_text_find_line (text, "something else entirely"), ==, -1);
}

/* The preview's text: resources one after another, each element's line
 * found again from the text, a column's lines */
static CsMappingPreview *
clinical_preview (CsTableProfile **out_table)
{
  g_autofree char *path = fixture ("clinical.csv");
  CsTableProfile *t = cs_table_profile_new_for_path (path, NULL, CS_TABLE_PROFILE_KEEP_ROWS, NULL, NULL, NULL, NULL);
  g_autofree char *json = cs_mapping_suggest (t, "clinical", CS_MAPPING_TEMPLATE_CLINICAL, "https://example.org/t", NULL);
  g_autoptr(GError) error = NULL;
  CsMappingPreview *preview = cs_mapping_preview_new (json, NULL, NULL, t, &error);

  g_assert_no_error (error);
  *out_table = t;
  return preview;
}

static void
test_preview_join (void)
{
  g_autoptr(CsTableProfile) t = NULL;
  g_autoptr(CsMappingPreview) preview = clinical_preview (&t);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) resources = cs_preview_resource_array_new ();
  g_autoptr(GPtrArray) problems = cs_preview_problem_array_new ();
  g_autoptr(GArray) first = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *text = NULL;
  g_auto(GStrv) split = NULL;
  const CsPreviewElement *el;
  guint gender = (guint) find_column (t, "gender");
  guint input;

  input = cs_mapping_preview_get_input (preview);
  g_assert_true (cs_mapping_preview_row (preview, 0, resources, problems, &error));
  text = cs_preview_resources_join (resources, first);
  split = g_strsplit (text, "\n", -1);
  g_assert_cmpuint (first->len, ==, resources->len);
  g_assert_cmpuint (g_array_index (first, guint, 0), ==, 0);
  for (guint r = 0; r < resources->len; r++)
    {
      const CsPreviewResource *res = resources->pdata[r];
      g_autofree char *type = g_strdup_printf ("  \"resourceType\": \"%s\",", res->type);

      /* each resource starts with "{" on its own line, its type next */
      g_assert_cmpstr (split[g_array_index (first, guint, r)], ==, "{");
      g_assert_cmpstr (split[g_array_index (first, guint, r) + 1], ==, type);
      /* every element with cells is found again at its line */
      for (guint e = 0; e < res->elements->len; e++)
        {
          const CsPreviewElement *want = res->elements->pdata[e];

          if (want->cells->len == 0)
            continue;
          el = cs_preview_resources_element_at (resources, first, g_array_index (first, guint, r) + want->line);
          g_assert_nonnull (el);
          g_assert_cmpuint (el->line, ==, want->line);
        }
    }
  /* a line with no element, and one past the end */
  g_assert_null (cs_preview_resources_element_at (resources, first, 0));
  g_assert_null (cs_preview_resources_element_at (resources, first, g_strv_length (split) + 10));

  /* the gender column fed exactly the Patient's gender */
  cs_preview_resources_column_lines (resources, first, input, gender, lines);
  g_assert_cmpuint (lines->len, ==, 1);
  g_assert_cmpstr (split[g_array_index (lines, guint, 0)], ==, "  \"gender\": \"male\",");
  el = cs_preview_resources_element_at (resources, first, g_array_index (lines, guint, 0));
  g_assert_cmpstr (el->path, ==, "Patient.gender");
  /* another input feeds nothing */
  g_array_set_size (lines, 0);
  cs_preview_resources_column_lines (resources, first, input + 1, gender, lines);
  g_assert_cmpuint (lines->len, ==, 0);

  /* no resources: no text */
  g_ptr_array_set_size (resources, 0);
  g_free (text);
  text = cs_preview_resources_join (resources, first);
  g_assert_cmpstr (text, ==, "");
  g_assert_cmpuint (first->len, ==, 0);
}

/* A row of one table previewed with the mapping's other inputs loaded: its
 * joins are resolved (the joined Patient, a column of the joined row) */
static void
test_preview_other_inputs (void)
{
  g_autofree char *clinical = fixture ("join-clinical.csv");
  g_autofree char *dicom = fixture ("join-dicom.csv");
  g_autofree char *mapping = fixture ("join.json");
  g_autofree char *join_mapping = NULL;
  g_autoptr(CsTableProfile) t = cs_table_profile_new_for_path (dicom, NULL, CS_TABLE_PROFILE_KEEP_ROWS,
                                                               NULL, NULL, NULL, NULL);
  const CsMappingInputFile others[] = { { "unknown", "/nonexistent.csv" }, { "clinical", clinical } };
  const CsMappingInputFile missing[] = { { "clinical", "/nonexistent/clinical.csv" } };
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMappingPreview) preview = NULL;
  g_autoptr(GPtrArray) resources = cs_preview_resource_array_new ();
  g_autoptr(GPtrArray) problems = cs_preview_problem_array_new ();
  const CsPreviewResource *study;
  gboolean found = FALSE;

  g_assert_nonnull (t);
  g_assert_true (g_file_get_contents (mapping, &join_mapping, NULL, NULL));
  /* without the clinical table the mapping cannot be bound */
  g_assert_null (cs_mapping_preview_new_full (join_mapping, NULL, "dicom", t, NULL, 0, &error));
  g_assert_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_COMPILE);
  g_assert_nonnull (strstr (error->message, "clinical"));
  g_clear_error (&error);
  /* an unreadable other input is named */
  g_assert_null (cs_mapping_preview_new_full (join_mapping, NULL, "dicom", t, missing, 1, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "clinical.csv"));
  g_clear_error (&error);

  preview = cs_mapping_preview_new_full (join_mapping, NULL, "dicom", t, others, G_N_ELEMENTS (others), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (cs_mapping_preview_get_role (preview), ==, "dicom");
  g_assert_cmpuint (cs_mapping_preview_get_input (preview), ==, 1);
  g_assert_true (cs_mapping_preview_row (preview, 0, resources, problems, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_cmpuint (resources->len, ==, 1);
  study = resources->pdata[0];
  g_assert_cmpstr (study->type, ==, "ImagingStudy");
  g_assert_nonnull (strstr (study->json, "\"reference\": \"Patient/"));
  g_assert_nonnull (strstr (study->json, "\"description\": \"70\""));

  /* P9 has no clinical row: the problem says so */
  g_ptr_array_set_size (resources, 0);
  g_assert_true (cs_mapping_preview_row (preview, 1, resources, problems, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (resources->len, ==, 0);
  for (guint i = 0; i < problems->len; i++)
    {
      const CsPreviewProblem *p = problems->pdata[i];

      if (p->severity == CS_MAPPING_SEVERITY_ERROR && strstr (p->message, "no row of “clinical” belongs") != NULL)
        found = TRUE;
    }
  g_assert_true (found);
}

static void
check_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Runs a CsMappingCheck to its end; returns what finish returned. */
static gboolean
run_check (CsMappingCheck *check,
           GCancellable   *cancellable,
           GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  cs_mapping_check_run_async (check, cancellable, check_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return cs_mapping_check_run_finish (check, result, error);
}

static CsMappingCheck *
new_check (const char        *json,
           const char        *table,
           CsMappingPreview **out_preview,
           gboolean           validate_all)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsTableProfile) t = cs_table_profile_new_for_path (table, NULL, CS_TABLE_PROFILE_KEEP_ROWS,
                                                               NULL, NULL, NULL, NULL);
  CsMappingPreview *preview = cs_mapping_preview_new (json, NULL, "clinical", t, &error);
  CsCsvReader *reader;
  CsMappingCheck *check;

  g_assert_no_error (error);
  reader = cs_csv_reader_new_for_path (table, NULL, &error);
  g_assert_no_error (error);
  check = cs_mapping_check_new (cs_mapping_preview_get_program (preview), "clinical", reader, validate_all, &error);
  g_assert_no_error (error);
  *out_preview = preview;
  return check;
}

/* Validate and Run over a whole table, as the editor does them */
static void
test_check (void)
{
  g_autofree char *path = fixture ("clinical.csv");
  g_autofree char *contents = NULL;
  g_autoptr(CsTableProfile) t = cs_table_profile_new_for_path (path, NULL, 0, NULL, NULL, NULL, NULL);
  g_autofree char *json = cs_mapping_suggest (t, "clinical", CS_MAPPING_TEMPLATE_CLINICAL, "https://example.org/t", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMappingPreview) preview = NULL;
  g_autoptr(CsMappingCheck) check = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *out = NULL;
  g_autofree char *written = NULL;
  CsMappingProgress progress;
  CsMappingStats stats;
  GString *csv;
  gboolean found = FALSE;

  /* the same table with a bad age in row 3 */
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  csv = g_string_new (contents);
  g_string_replace (csv, "CASE-003,70.25", "CASE-003,seventy", 1);
  bad = write_temp ("bad.csv", csv->str, (gssize) csv->len);
  g_string_free (csv, TRUE);

  /* validate: every problem with its row and column, progress at the end */
  check = new_check (json, bad, &preview, TRUE);
  g_assert_false (cs_mapping_check_get_progress (check, &progress));
  g_assert_true (run_check (check, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (cs_mapping_check_get_progress (check, &progress));
  g_assert_cmpuint (progress.rows_done, ==, 6);
  g_assert_null (cs_mapping_check_get_output_path (check));
  cs_mapping_check_get_stats (check, &stats);
  g_assert_cmpuint (stats.rows, ==, 6);
  g_assert_cmpuint (stats.rows_rejected, ==, 1);
  problems = cs_mapping_check_steal_problems (check);
  for (guint i = 0; i < problems->len; i++)
    {
      const CsPreviewProblem *p = problems->pdata[i];

      if (p->value != NULL && g_str_equal (p->value, "seventy"))
        {
          g_assert_cmpuint (p->row, ==, 3);
          g_assert_cmpstr (p->column, ==, "age");
          g_assert_nonnull (strstr (p->message, "row 3"));
          found = TRUE;
        }
    }
  g_assert_true (found);
  g_clear_pointer (&problems, g_ptr_array_unref);
  problems = cs_mapping_check_steal_problems (check);
  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_pointer (&check, cs_mapping_check_free);
  g_clear_pointer (&preview, cs_mapping_preview_free);

  /* run: the good rows are written, atomically */
  out = g_build_filename (g_get_tmp_dir (), "cs-check-XXXXXX.ndjson", NULL);
  {
    int fd = g_mkstemp (out);

    g_assert_cmpint (fd, >=, 0);
    close (fd);
    g_remove (out);
  }
  check = new_check (json, bad, &preview, FALSE);
  g_assert_true (cs_mapping_check_set_output (check, out, &error));
  g_assert_no_error (error);
  g_assert_true (run_check (check, NULL, &error));
  g_assert_cmpstr (cs_mapping_check_get_output_path (check), ==, out);
  g_assert_true (g_file_get_contents (out, &written, NULL, NULL));
  g_assert_nonnull (strstr (written, "CASE-001"));
  g_assert_null (strstr (written, "CASE-003"));
  g_clear_pointer (&check, cs_mapping_check_free);
  g_clear_pointer (&preview, cs_mapping_preview_free);
  g_remove (out);

  /* cancelled: an error, nothing written */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();

    check = new_check (json, bad, &preview, FALSE);
    g_assert_true (cs_mapping_check_set_output (check, out, &error));
    g_cancellable_cancel (cancellable);
    g_assert_false (run_check (check, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    g_assert_null (cs_mapping_check_get_output_path (check));
    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
    g_clear_pointer (&check, cs_mapping_check_free);
    g_clear_pointer (&preview, cs_mapping_preview_free);
  }

  /* an output that cannot be written: an error naming it */
  check = new_check (json, bad, &preview, FALSE);
  {
    g_autofree char *nowhere = g_build_filename (bad, "no", "out.ndjson", NULL);

    g_assert_false (cs_mapping_check_set_output (check, nowhere, &error));
    g_assert_nonnull (error);
    g_test_message ("%s", error->message);
    g_clear_error (&error);
  }
  remove_temp (bad);
}

/* The real Lung1 table (../shared/data), when it is there */
static void
test_shared_lung1 (void)
{
  const char *shared = g_getenv ("CS_SHARED_DATA");
  g_autofree char *path = NULL;
  g_autoptr(CsTableProfile) t = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  Collect c;

  if (shared == NULL || *shared == '\0')
    {
      g_test_skip ("CS_SHARED_DATA is not set: the shared Lung1 table is outside the repository");
      return;
    }
  path = g_build_filename (shared, "lung1", "NSCLC-Radiomics-Lung1.clinical-version3-Oct-2019.csv", NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the shared Lung1 clinical table is absent");
      return;
    }
  t = cs_table_profile_new_for_path (path, NULL, 0, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  json = cs_mapping_suggest (t, "clinical", CS_MAPPING_TEMPLATE_AUTO, "https://example.org/lung1", &error);
  g_assert_no_error (error);
  run_mapping (json, "clinical", path, &c, NULL);
  g_assert_cmpuint (count_containing (c.resources, "\"resourceType\":\"Patient\""), ==,
                    cs_csv_profile_get_n_rows (t->profile));
  g_assert_cmpuint (count_containing (c.problems, "error|"), ==, 0);
  g_ptr_array_unref (c.resources);
  g_ptr_array_unref (c.problems);
}

/* With pyradiomics' IBSI dictionary (../shared/data), the suggested
 * features get their IBSI codes */
static void
test_shared_ibsi (void)
{
  const char *shared = g_getenv ("CS_SHARED_DATA");
  g_autofree char *dict = NULL;
  g_autofree char *path = fixture ("features.csv");
  g_autoptr(CsTableProfile) t = cs_table_profile_new_for_path (path, NULL, 0, NULL, NULL, NULL, NULL);
  g_autofree char *json = NULL;
  g_autofree char *with_dict = NULL;
  g_autofree char *escaped = NULL;
  Collect c;

  if (shared == NULL || *shared == '\0')
    {
      g_test_skip ("CS_SHARED_DATA is not set: pyradiomics' IBSI dictionary is outside the repository");
      return;
    }
  dict = g_build_filename (shared, "radiomics", "ibsi", "featuresDict_IBSIv7.tsv", NULL);
  if (!g_file_test (dict, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the shared IBSI dictionary is absent");
      return;
    }
  json = cs_mapping_suggest (t, "features", CS_MAPPING_TEMPLATE_PYRADIOMICS, "https://example.org/t", NULL);
  escaped = g_strescape (dict, NULL);
  with_dict = g_strdup_printf ("{\"radiomics\": {\"ibsiDictionary\": \"%s\"},%s", escaped, json + 1);
  run_mapping (with_dict, "features", path, &c, NULL);
  /* MeshVolume is RNU0 in IBSI */
  g_assert_cmpuint (count_containing (c.resources, "\"code\":\"RNU0\""), ==, 2);
  g_assert_cmpuint (count_containing (c.problems, "error|"), ==, 0);
  g_ptr_array_unref (c.resources);
  g_ptr_array_unref (c.problems);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mapping-assist/profile", test_profile);
  g_test_add_func ("/mapping-assist/profile-tsv", test_profile_tsv);
  g_test_add_func ("/mapping-assist/profile-cancel", test_profile_cancel);
  g_test_add_func ("/mapping-assist/profile-bad-input", test_profile_bad_input);
  g_test_add_func ("/mapping-assist/profile-async", test_profile_async);
  g_test_add_func ("/mapping-assist/roles", test_roles);
  g_test_add_func ("/mapping-assist/suggest-clinical", test_suggest_clinical);
  g_test_add_func ("/mapping-assist/suggest-tsv-months", test_suggest_tsv_months);
  g_test_add_func ("/mapping-assist/suggest-pyradiomics", test_suggest_pyradiomics);
  g_test_add_func ("/mapping-assist/suggest-no-key", test_suggest_no_key);
  g_test_add_func ("/mapping-assist/coverage", test_coverage);
  g_test_add_func ("/mapping-assist/value-map-round-trip", test_value_map_round_trip);
  g_test_add_func ("/mapping-assist/value-map-bad", test_value_map_bad);
  g_test_add_func ("/mapping-assist/preview", test_preview);
  g_test_add_func ("/mapping-assist/preview-bad-mapping", test_preview_bad_mapping);
  g_test_add_func ("/mapping-assist/locate", test_locate);
  g_test_add_func ("/mapping-assist/edit-value-maps", test_edit_value_maps);
  g_test_add_func ("/mapping-assist/preview-join", test_preview_join);
  g_test_add_func ("/mapping-assist/preview-other-inputs", test_preview_other_inputs);
  g_test_add_func ("/mapping-assist/check", test_check);
  g_test_add_func ("/mapping-assist/shared-lung1", test_shared_lung1);
  g_test_add_func ("/mapping-assist/shared-ibsi", test_shared_ibsi);
  return g_test_run ();
}
