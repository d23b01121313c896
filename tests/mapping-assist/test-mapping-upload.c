/* test-mapping-upload.c: the one run API (same bytes as the CLI), the
 * round-trip comparison, and dry run / upload against the loopback FHIR
 * stand-in of tests/fhir/test-fhir-push-large.py (--serve)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "cs-mapping-assist.h"
#include "cs-mapping-upload.h"
#include "cs-test-standin.h"

typedef struct
{
  char *dir;          /* a fresh temporary folder */
  char *csv;          /* a copy of data/clinical.csv in dir */
  char *mapping;      /* the suggested mapping for it, saved in dir */
  char *text;         /* its text */
} Fixture;

static void
write_file (const char *path,
            const char *text)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *source = g_build_filename (TEST_SRCDIR, "mapping-assist", "data", "clinical.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(CsTableProfile) table = NULL;

  f->dir = g_dir_make_tmp ("cs-upload-XXXXXX", &error);
  g_assert_no_error (error);
  g_file_get_contents (source, &contents, NULL, &error);
  g_assert_no_error (error);
  f->csv = g_build_filename (f->dir, "clinical.csv", NULL);
  write_file (f->csv, contents);
  table = cs_table_profile_new_for_path (f->csv, NULL, CS_TABLE_PROFILE_NONE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  f->text = cs_mapping_suggest (table, "clinical", CS_MAPPING_TEMPLATE_CLINICAL,
                                "8d1a0c8e-6d55-4b5e-9a8f-2b1f3f0e6a11", &error);
  g_assert_no_error (error);
  f->mapping = g_build_filename (f->dir, "clinical.mapping.json", NULL);
  write_file (f->mapping, f->text);
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->csv);
  g_free (f->mapping);
  g_free (f->text);
}

static CsMappingProgram *
compile (Fixture    *f,
         const char *csv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMapping) mapping = cs_mapping_load_text_for_file (f->text, -1, f->mapping, &error);
  CsMappingInputFile input = { "clinical", csv };
  CsMappingProgram *program;

  g_assert_no_error (error);
  program = cs_mapping_compile_files (mapping, &input, 1, &error);
  g_assert_no_error (error);
  return program;
}

static char *
execute (Fixture    *f,
         const char *csv,
         const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMappingProgram) program = compile (f, csv);
  CsMappingInputFile input = { "clinical", csv };
  CsMappingExecuteOptions options = { CS_MAPPING_OUTPUT_NDJSON };
  g_autofree char *out = g_build_filename (f->dir, name, NULL);

  g_assert_true (cs_mapping_execute (program, &input, 1, out, &options, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&out);
}

/* The GUI's run (the editor's text of a saved mapping) and the CLI's give
 * the same bytes, Device and Provenance included */
static void
test_execute_same_as_cli (Fixture       *f,
                          gconstpointer  data)
{
  const char *cli = g_getenv ("CS_CLI");
  g_autoptr(GError) error = NULL;
  g_autofree char *ours = execute (f, f->csv, "api.ndjson");
  g_autofree char *theirs = g_build_filename (f->dir, "cli.ndjson", NULL);
  g_autofree char *input = g_strdup_printf ("clinical=%s", f->csv);
  const char *argv[] = { cli, "map", "--mapping", f->mapping, "--input", input, "-o", theirs,
                         "--format", "ndjson", "--no-progress", NULL };
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  int status = 0;

  if (cli == NULL)
    {
      g_test_skip ("CS_CLI is not set (run the test through meson)");
      return;
    }
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_file_get_contents (ours, &a, NULL, &error);
  g_assert_no_error (error);
  g_file_get_contents (theirs, &b, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (a, "\"resourceType\":\"Provenance\""));
  g_assert_nonnull (strstr (a, "\"resourceType\":\"Device\""));
  g_assert_cmpstr (a, ==, b);

  /* an edited, unsaved text is a different mapping: its own Provenance */
  {
    g_autofree char *edited = g_strconcat (f->text, "\n", NULL);
    g_autoptr(CsMapping) mapping = cs_mapping_load_text_for_file (edited, -1, f->mapping, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (cs_mapping_get_name (mapping), ==, "clinical.mapping.json");
    g_assert_cmpstr (cs_mapping_get_files (mapping)[0], ==, NULL);
  }
}

/* Rows with an error: nothing is written, unless keep_going */
static void
test_execute_rejected (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bad = g_build_filename (f->dir, "bad.csv", NULL);
  g_autofree char *out = g_build_filename (f->dir, "bad.ndjson", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(CsMappingProgram) program = NULL;
  g_autoptr(CsMappingRun) run = NULL;
  CsMappingInputFile input = { "clinical", bad };
  CsMappingExecuteOptions options = { CS_MAPPING_OUTPUT_NDJSON };
  CsMappingStats stats;

  g_file_get_contents (f->csv, &contents, NULL, &error);
  g_assert_no_error (error);
  /* an age that is not a number rejects its row */
  {
    g_autoptr(GString) s = g_string_new (contents);

    g_string_replace (s, "CASE-001,61.5,", "CASE-001,sixty,", 1);
    write_file (bad, s->str);
  }
  program = compile (f, bad);
  g_assert_false (cs_mapping_execute (program, &input, 1, out, &options, NULL, NULL, &run, NULL, &error));
  g_assert_error (error, CS_MAPPING_ERROR, CS_MAPPING_ERROR_REJECTED);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  cs_mapping_run_get_stats (run, &stats);
  g_assert_cmpuint (stats.rows_rejected, ==, 1);
  g_clear_error (&error);
  g_clear_pointer (&run, cs_mapping_run_free);

  options.keep_going = TRUE;
  g_assert_true (cs_mapping_execute (program, &input, 1, out, &options, NULL, NULL, &run, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (out, G_FILE_TEST_EXISTS));
}

static CsStore *
load_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsStore) store = cs_store_new ();

  g_assert_true (cs_store_load_path (store, path, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  cs_store_finish (store);
  return g_steal_pointer (&store);
}

static CsRoundTripColumn *
find_column (CsRoundTrip *trip,
             const char  *name)
{
  for (guint i = 0; i < trip->columns->len; i++)
    {
      CsRoundTripColumn *c = g_ptr_array_index (trip->columns, i);

      if (g_str_equal (c->column, name))
        return c;
    }
  return NULL;
}

static CsRoundTrip *
round_trip (Fixture    *f,
            const char *csv,
            const char *fhir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsMappingProgram) program = compile (f, csv);
  g_autoptr(CsStore) store = load_store (fhir);
  CsMappingInputFile input = { "clinical", csv };
  CsRoundTrip *trip = cs_mapping_round_trip (program, &input, 1, store, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (trip);
  return trip;
}

static void
replace_in_file (const char *path,
                 const char *from,
                 const char *to)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GString) s = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  s = g_string_new (contents);
  g_assert_cmpuint (g_string_replace (s, from, to, 1), ==, 1);
  write_file (path, s->str);
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *out = execute (f, f->csv, "out.ndjson");
  g_autoptr(CsRoundTrip) trip = round_trip (f, f->csv, out);
  CsRoundTripColumn *gender, *age;
  CsRoundTripMismatch *m;
  guint64 compared = 0;
  g_autofree char *text = NULL;

  g_assert_true (cs_round_trip_is_clean (trip));
  g_assert_cmpuint (trip->resources_missing, ==, 0);
  g_assert_cmpuint (trip->rows, ==, 6);
  gender = find_column (trip, "gender");
  g_assert_nonnull (gender);
  g_assert_cmpuint (gender->equal, ==, 6);
  g_assert_cmpuint (gender->differ, ==, 0);
  for (guint i = 0; i < trip->columns->len; i++)
    compared += ((CsRoundTripColumn *) g_ptr_array_index (trip->columns, i))->equal;
  g_assert_cmpuint (compared, >, 30);
  g_clear_pointer (&trip, cs_round_trip_free);

  /* the FHIR says female where the table says male (the value map gives
   * "male"): one cell differs, listed with row, CSV and FHIR value */
  replace_in_file (out, "\"gender\":\"male\"", "\"gender\":\"female\"");
  /* a number changed on the way */
  replace_in_file (out, "\"value\":61.5", "\"value\":62");
  trip = round_trip (f, f->csv, out);
  g_assert_false (cs_round_trip_is_clean (trip));
  gender = find_column (trip, "gender");
  g_assert_cmpuint (gender->equal, ==, 5);
  g_assert_cmpuint (gender->differ, ==, 1);
  g_assert_cmpuint (gender->mismatches->len, ==, 1);
  m = g_ptr_array_index (gender->mismatches, 0);
  g_assert_cmpuint (m->row, ==, 1);
  g_assert_cmpstr (m->csv_value, ==, "male");
  g_assert_cmpstr (m->expected, ==, "\"male\"");
  g_assert_cmpstr (m->fhir_value, ==, "\"female\"");
  g_assert_cmpstr (m->element, ==, "Patient.gender");
  g_assert_true (g_str_has_prefix (m->resource, "Patient/"));
  age = find_column (trip, "age");
  g_assert_nonnull (age);
  g_assert_cmpuint (age->differ, ==, 1);
  m = g_ptr_array_index (age->mismatches, 0);
  g_assert_cmpstr (m->csv_value, ==, "61.5");
  g_assert_cmpstr (m->fhir_value, ==, "62");
  text = cs_round_trip_describe (trip);
  g_assert_nonnull (strstr (text, "column “gender”: 5 equal, 1 differ, 0 not comparable"));
  g_assert_nonnull (strstr (text, "row 1"));
}

/* A resource the loaded FHIR lacks, and rows the mapping rejects */
static void
test_round_trip_missing (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = execute (f, f->csv, "out.ndjson");
  g_autofree char *contents = NULL;
  g_autofree char *bad = g_build_filename (f->dir, "bad.csv", NULL);
  g_autoptr(GString) kept = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  g_autoptr(CsRoundTrip) trip = NULL;
  CsRoundTripColumn *gender;
  gboolean dropped = FALSE;

  g_file_get_contents (out, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (!dropped && strstr (lines[i], "\"resourceType\":\"Patient\"") != NULL)
        {
          dropped = TRUE;
          continue;
        }
      if (*lines[i] != '\0')
        g_string_append_printf (kept, "%s\n", lines[i]);
    }
  write_file (out, kept->str);
  trip = round_trip (f, f->csv, out);
  g_assert_cmpuint (trip->resources_missing, ==, 1);
  g_assert_false (cs_round_trip_is_clean (trip));
  gender = find_column (trip, "gender");
  g_assert_cmpuint (gender->differ, ==, 1);
  g_assert_null (((CsRoundTripMismatch *) g_ptr_array_index (gender->mismatches, 0))->fhir_value);
  g_clear_pointer (&trip, cs_round_trip_free);

  /* a row the mapping rejects: its cells are not comparable, and why */
  {
    g_autofree char *table = NULL;
    g_autoptr(GString) s = NULL;

    g_file_get_contents (f->csv, &table, NULL, &error);
    g_assert_no_error (error);
    s = g_string_new (table);

    g_string_replace (s, "CASE-002,NA,", "CASE-002,sixty,", 1);
    write_file (bad, s->str);
  }
  trip = round_trip (f, bad, out);
  gender = find_column (trip, "gender");
  g_assert_cmpuint (trip->rows_rejected, ==, 1);
  g_assert_cmpuint (gender->not_comparable, ==, 1);
  g_assert_nonnull (strstr (gender->why_not, "rejected"));
}

/* ------------------------------------------------------------------ */
/* Against the loopback stand-in                                       */

static const CsFhirPushTypeCounts *
type_counts (const CsMappingUploadResult *result,
             const char                  *type)
{
  for (guint i = 0; i < result->push.types->len; i++)
    {
      const CsFhirPushTypeCounts *c = &g_array_index (result->push.types, CsFhirPushTypeCounts, i);

      if (g_str_equal (c->resource_type, type))
        return c;
    }
  return NULL;
}

static void
upload (Fixture               *f,
        CsFhirClient          *client,
        const char            *csv,
        gboolean               dry_run,
        CsMappingUploadResult *result,
        GError               **error)
{
  g_autoptr(CsMappingProgram) program = compile (f, csv);
  CsMappingInputFile input = { "clinical", csv };
  CsMappingUploadOptions options = { dry_run, 7, FALSE };
  g_autofree char *work = g_build_filename (f->dir, dry_run ? "dry" : "upload", NULL);

  cs_mapping_upload_result_clear (result);
  g_mkdir_with_parents (work, 0700);
  cs_mapping_upload (program, &input, 1, client, &options, work, result, NULL, NULL, NULL, error);
}

static void
test_upload (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFhirClient) client = NULL;
  CsMappingUploadResult result = { 0 };
  const CsFhirPushTypeCounts *patients;
  guint64 total;
  TestStandin server = { 0 };

  if (!test_standin_start (&server))
    {
      g_test_skip ("python3 or CS_SOURCE_ROOT is missing: no loopback FHIR stand-in");
      return;
    }
  client = cs_fhir_client_new (server.url, &error);
  g_assert_no_error (error);

  /* dry run on an empty server: everything would be created */
  upload (f, client, f->csv, TRUE, &result, &error);
  g_assert_no_error (error);
  total = result.push.resources;
  g_assert_cmpuint (total, >, 12);
  g_assert_cmpuint (result.push.created, ==, total);
  patients = type_counts (&result, "Patient");
  g_assert_nonnull (patients);
  g_assert_cmpuint (patients->created, ==, 6);
  g_assert_nonnull (type_counts (&result, "Provenance"));
  /* what the server holds of them: nothing yet */
  g_assert_nonnull (result.server_path);
  {
    g_autofree char *held = NULL;

    g_file_get_contents (result.server_path, &held, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (held, ==, "");
  }

  /* the upload creates them and reads them back */
  upload (f, client, f->csv, FALSE, &result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result.push.created, ==, total);
  g_assert_cmpuint (result.issues->len, ==, 0);
  g_assert_nonnull (result.server_path);
  {
    g_autoptr(CsMappingProgram) program = compile (f, f->csv);
    g_autoptr(CsStore) store = load_store (result.server_path);
    CsMappingInputFile input = { "clinical", f->csv };
    g_autoptr(CsRoundTrip) trip = cs_mapping_round_trip (program, &input, 1, store, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (cs_store_get_n_resources (store), ==, total);
    g_assert_true (cs_round_trip_is_clean (trip));
  }

  /* again: all unchanged */
  upload (f, client, f->csv, TRUE, &result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result.push.unchanged, ==, total);
  g_assert_cmpuint (result.push.created + result.push.updated, ==, 0);

  /* a changed cell: its Patient is updated, and the run's Provenance (it
   * names the input's new bytes) is new; nothing else */
  replace_in_file (f->csv, "CASE-003,70.25,5,1,0,IIIa,large cell,male", "CASE-003,70.25,5,1,0,IIIa,large cell,female");
  upload (f, client, f->csv, TRUE, &result, &error);
  g_assert_no_error (error);
  patients = type_counts (&result, "Patient");
  g_assert_cmpuint (patients->updated, ==, 1);
  g_assert_cmpuint (patients->unchanged, ==, 5);
  g_assert_cmpuint (result.push.updated, ==, 1);
  g_assert_cmpuint (result.push.created, ==, 1);
  g_assert_cmpuint (type_counts (&result, "Provenance")->created, ==, 1);

  /* a resource the server refuses: its OperationOutcome, and a failure */
  replace_in_file (f->csv, "CASE-004,", "cs-test-refuse,");
  upload (f, client, f->csv, FALSE, &result, &error);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpuint (result.issues->len, >=, 1);
  {
    CsMappingUploadIssue *issue = g_ptr_array_index (result.issues, 0);

    g_assert_cmpstr (issue->resource_type, ==, "Patient");
    g_assert_nonnull (strstr (issue->message, "is not accepted here"));
  }
  g_assert_cmpuint (type_counts (&result, "Patient")->failed, ==, 1);
  g_assert_null (result.server_path);

  cs_mapping_upload_result_clear (&result);
  test_standin_stop (&server);
}

/* Cancelled before it starts: no output, a cancel error */
static void
test_upload_cancelled (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFhirClient) client = cs_fhir_client_new ("http://127.0.0.1:9/", &error);
  g_autoptr(CsMappingProgram) program = compile (f, f->csv);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CsMappingInputFile input = { "clinical", f->csv };
  CsMappingUploadResult result = { 0 };

  g_assert_no_error (error);
  g_cancellable_cancel (cancellable);
  g_assert_false (cs_mapping_upload (program, &input, 1, client, NULL, f->dir, &result, NULL, NULL,
                                     cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (result.output_path, G_FILE_TEST_EXISTS));
  cs_mapping_upload_result_clear (&result);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_unsetenv ("SOURCE_DATE_EPOCH");

  g_test_add ("/mapping-upload/execute/same-as-cli", Fixture, NULL, fixture_set_up, test_execute_same_as_cli,
              fixture_tear_down);
  g_test_add ("/mapping-upload/execute/rejected", Fixture, NULL, fixture_set_up, test_execute_rejected,
              fixture_tear_down);
  g_test_add ("/mapping-upload/round-trip/values", Fixture, NULL, fixture_set_up, test_round_trip,
              fixture_tear_down);
  g_test_add ("/mapping-upload/round-trip/missing", Fixture, NULL, fixture_set_up, test_round_trip_missing,
              fixture_tear_down);
  g_test_add ("/mapping-upload/upload/loopback", Fixture, NULL, fixture_set_up, test_upload, fixture_tear_down);
  g_test_add ("/mapping-upload/upload/cancelled", Fixture, NULL, fixture_set_up, test_upload_cancelled,
              fixture_tear_down);
  return g_test_run ();
}
