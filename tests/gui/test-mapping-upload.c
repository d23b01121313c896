/* test-mapping-upload.c: the Mapping page's Upload… and Compare with Table
 * dialogs under Xvfb, against the loopback FHIR stand-in (started and
 * stopped here; loopback only)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "cs-fhir-push.h"
#include "cs-mapping-assist.h"
#include "cs-mapping-upload-dialog.h"
#include "cs-round-trip-dialog.h"
#include "cs-test-standin.h"
#include "gui-test-util.h"

static char *tmp_dir;
static TestStandin standin;

typedef struct
{
  char             *csv;
  CsMappingProgram *program;
} Table;

static void
table_clear (Table *t)
{
  g_free (t->csv);
  g_clear_pointer (&t->program, cs_mapping_program_unref);
}

/* data/clinical.csv (tests/mapping-assist) as name, optionally with one
 * text replaced, and the suggested mapping compiled for it */
static void
table_init (Table      *t,
            const char *name,
            const char *from,
            const char *to)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *source = g_build_filename (TEST_SRCDIR, "mapping-assist", "data", "clinical.csv", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GString) s = NULL;
  g_autoptr(CsTableProfile) profile = NULL;
  g_autoptr(CsMapping) mapping = NULL;
  CsMappingInputFile input = { "clinical", NULL };

  g_file_get_contents (source, &contents, NULL, &error);
  g_assert_no_error (error);
  s = g_string_new (contents);
  if (from != NULL)
    g_assert_cmpuint (g_string_replace (s, from, to, 1), ==, 1);
  t->csv = g_build_filename (tmp_dir, name, NULL);
  g_file_set_contents (t->csv, s->str, -1, &error);
  g_assert_no_error (error);
  profile = cs_table_profile_new_for_path (t->csv, NULL, CS_TABLE_PROFILE_NONE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  text = cs_mapping_suggest (profile, "clinical", CS_MAPPING_TEMPLATE_CLINICAL,
                             "8d1a0c8e-6d55-4b5e-9a8f-2b1f3f0e6a11", &error);
  g_assert_no_error (error);
  mapping = cs_mapping_load_text_for_file (text, -1, NULL, &error);
  g_assert_no_error (error);
  input.path = t->csv;
  t->program = cs_mapping_compile_files (mapping, &input, 1, &error);
  g_assert_no_error (error);
}

static gboolean
not_busy (gpointer data)
{
  return !cs_upload_dialog_get_busy (data);
}

static void
click (GtkWindow  *dialog,
       const char *name)
{
  GtkWidget *button = test_get_named (dialog, name);

  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static const char *
status_text (GtkWindow *dialog)
{
  return cs_upload_status_get_text (cs_upload_dialog_get_status (CS_UPLOAD_DIALOG (dialog)));
}

/* The text of the grid's cell, or NULL */
static const char *
grid_text (GtkWindow *dialog,
           int        column,
           int        row)
{
  GtkWidget *cell = gtk_grid_get_child_at (GTK_GRID (test_get_named (dialog, "types")), column, row);

  return cell != NULL ? gtk_label_get_text (GTK_LABEL (cell)) : NULL;
}

/* The grid's row of a resource type, or -1 */
static int
grid_row (GtkWindow  *dialog,
          const char *type)
{
  for (int row = 1; grid_text (dialog, 0, row) != NULL; row++)
    if (g_str_equal (grid_text (dialog, 0, row), type))
      return row;
  return -1;
}

static void
on_open_in_cohort (GtkWindow  *dialog,
                   const char *path,
                   char      **out)
{
  g_free (*out);
  *out = g_strdup (path);
}

static gboolean
has_result (gpointer data)
{
  return cs_round_trip_dialog_get_result (data) != NULL;
}

static void
test_dry_run_upload_compare (void)
{
  Table t = { 0 };
  CsMappingInputFile input = { "clinical", NULL };
  g_autoptr(GtkWindow) dialog = NULL;
  g_autofree char *opened = NULL;
  CsRoundTripDialog *trip_dialog;
  int row;

  table_init (&t, "clinical.csv", NULL, NULL);
  input.path = t.csv;
  dialog = g_object_ref_sink (cs_mapping_upload_dialog_new (NULL, t.program, &input, 1));
  g_signal_connect (dialog, "open-in-cohort", G_CALLBACK (on_open_in_cohort), &opened);
  gtk_window_present (dialog);
  g_assert_false (gtk_widget_get_sensitive (test_get_named (dialog, "upload")));

  /* Dry Run: a table per resource type, everything to create */
  click (dialog, "dry-run");
  test_wait_until (not_busy, dialog);
  g_assert_nonnull (strstr (status_text (dialog), "Dry run of 6 rows: "));
  g_assert_true (gtk_widget_get_visible (test_get_named (dialog, "types")));
  g_assert_cmpstr (grid_text (dialog, 1, 0), ==, "To create");
  row = grid_row (dialog, "Patient");
  g_assert_cmpint (row, >, 0);
  g_assert_cmpstr (grid_text (dialog, 1, row), ==, "6");
  g_assert_cmpstr (grid_text (dialog, 3, row), ==, "0");
  g_assert_cmpint (grid_row (dialog, "Provenance"), >, 0);
  g_assert_false (gtk_widget_is_visible (test_get_named (dialog, "open-in-cohort")));
  test_maybe_screenshot (dialog, "mapping-upload");

  /* Upload: created, read back; Open and Compare appear; four resources a
   * transaction */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (test_get_named (dialog, "batch-size")), 4);
  click (dialog, "upload");
  test_wait_until (not_busy, dialog);
  g_assert_nonnull (strstr (status_text (dialog), "Uploaded 6 rows: "));
  {
    guint created = 0, sent = 0;
    const char *counts = strstr (status_text (dialog), ": ");
    const char *transactions = strstr (status_text (dialog), "failed; ");

    g_assert_nonnull (counts);
    g_assert_nonnull (transactions);
    created = (guint) g_ascii_strtoull (counts + 2, NULL, 10);
    sent = (guint) g_ascii_strtoull (transactions + 8, NULL, 10);
    g_test_message ("%u created in %u transactions", created, sent);
    g_assert_cmpuint (created, >, 8);
    g_assert_cmpuint (sent, ==, (created + 3) / 4);
    g_assert_nonnull (strstr (status_text (dialog), "transactions sent."));
  }
  g_assert_cmpstr (grid_text (dialog, 1, 0), ==, "Created");
  g_assert_cmpstr (grid_text (dialog, 1, grid_row (dialog, "Patient")), ==, "6");
  g_assert_false (gtk_widget_get_visible (test_get_named (dialog, "issues")));
  g_assert_true (gtk_widget_is_visible (test_get_named (dialog, "open-in-cohort")));
  click (dialog, "open-in-cohort");
  g_assert_cmpstr (opened, ==, cs_mapping_upload_dialog_get_server_path (CS_MAPPING_UPLOAD_DIALOG (dialog)));
  g_assert_true (g_file_test (opened, G_FILE_TEST_IS_REGULAR));

  /* Compare with Table: clean */
  click (dialog, "compare");
  trip_dialog = test_find_toplevel_of_type (CS_TYPE_ROUND_TRIP_DIALOG);
  g_assert_nonnull (trip_dialog);
  test_wait_until (has_result, trip_dialog);
  g_assert_true (cs_round_trip_is_clean (cs_round_trip_dialog_get_result (trip_dialog)));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (test_get_named (trip_dialog, "summary"))), "clean"));
  gtk_window_destroy (GTK_WINDOW (trip_dialog));

  /* Dry Run again: all unchanged */
  click (dialog, "dry-run");
  test_wait_until (not_busy, dialog);
  row = grid_row (dialog, "Patient");
  g_assert_cmpstr (grid_text (dialog, 1, row), ==, "0");
  g_assert_cmpstr (grid_text (dialog, 3, row), ==, "6");

  gtk_window_destroy (dialog);
  table_clear (&t);
}

/* A resource the server refuses: its OperationOutcome, readably */
static void
test_refused (void)
{
  Table t = { 0 };
  CsMappingInputFile input = { "clinical", NULL };
  g_autoptr(GtkWindow) dialog = NULL;
  const char *issues;

  table_init (&t, "refused.csv", "CASE-005,", "cs-test-refuse,");
  input.path = t.csv;
  dialog = g_object_ref_sink (cs_mapping_upload_dialog_new (NULL, t.program, &input, 1));
  gtk_window_present (dialog);
  click (dialog, "dry-run");
  test_wait_until (not_busy, dialog);
  click (dialog, "upload");
  test_wait_until (not_busy, dialog);
  g_assert_true (gtk_widget_get_visible (test_get_named (dialog, "issues")));
  issues = gtk_label_get_text (GTK_LABEL (test_get_named (dialog, "issues")));
  g_assert_nonnull (strstr (issues, "The server refused "));
  g_assert_nonnull (strstr (issues, "is not accepted here"));
  g_assert_cmpstr (grid_text (dialog, 4, 0), ==, "Failed");
  g_assert_cmpstr (grid_text (dialog, 4, grid_row (dialog, "Patient")), ==, "1");
  g_assert_false (gtk_widget_is_visible (test_get_named (dialog, "open-in-cohort")));

  gtk_window_destroy (dialog);
  table_clear (&t);
}

/* Close while the upload runs cancels it, and says so */
static void
test_cancel (void)
{
  Table t = { 0 };
  CsMappingInputFile input = { "clinical", NULL };
  g_autoptr(GtkWindow) dialog = NULL;

  table_init (&t, "cancel.csv", "CASE-006,", "CASE-106,");
  input.path = t.csv;
  dialog = g_object_ref_sink (cs_mapping_upload_dialog_new (NULL, t.program, &input, 1));
  gtk_window_present (dialog);
  click (dialog, "dry-run");
  test_wait_until (not_busy, dialog);
  click (dialog, "upload");
  g_assert_true (cs_upload_dialog_get_busy (CS_UPLOAD_DIALOG (dialog)));
  click (dialog, "cancel");
  test_wait_until (not_busy, dialog);
  g_assert_nonnull (strstr (status_text (dialog), "Cancelled"));
  g_assert_false (gtk_widget_is_visible (test_get_named (dialog, "open-in-cohort")));
  g_assert_null (cs_mapping_upload_dialog_get_server_path (CS_MAPPING_UPLOAD_DIALOG (dialog)));

  gtk_window_destroy (dialog);
  table_clear (&t);
}

/* After a Run to a file: the comparison lists the cell that differs */
static void
test_compare_file (void)
{
  g_autoptr(GError) error = NULL;
  Table t = { 0 };
  CsMappingInputFile input = { "clinical", NULL };
  CsMappingExecuteOptions options = { CS_MAPPING_OUTPUT_TRANSACTION };
  g_autofree char *out = g_build_filename (tmp_dir, "out.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GString) s = NULL;
  GtkWindow *dialog;
  const CsRoundTrip *trip;
  GtkWidget *row;

  table_init (&t, "compare.csv", NULL, NULL);
  input.path = t.csv;
  g_assert_true (cs_mapping_execute (t.program, &input, 1, out, &options, NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_file_get_contents (out, &contents, NULL, &error);
  g_assert_no_error (error);
  s = g_string_new (contents);
  g_assert_cmpuint (g_string_replace (s, "\"gender\": \"female\"", "\"gender\": \"other\"", 1) +
                    g_string_replace (s, "\"gender\":\"female\"", "\"gender\":\"other\"", 1), ==, 1);
  g_file_set_contents (out, s->str, -1, &error);
  g_assert_no_error (error);

  dialog = cs_round_trip_dialog_new (NULL, t.program, &input, 1, out);
  gtk_window_present (dialog);
  test_wait_until (has_result, dialog);
  trip = cs_round_trip_dialog_get_result (CS_ROUND_TRIP_DIALOG (dialog));
  g_assert_false (cs_round_trip_is_clean (trip));
  g_assert_true (gtk_widget_get_visible (test_get_named (dialog, "columns")));
  row = test_get_named (dialog, "gender");
  g_assert_true (ADW_IS_EXPANDER_ROW (row));
  g_assert_nonnull (strstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)), "1 differ"));
  g_assert_true (gtk_widget_get_sensitive (row));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (test_get_named (dialog, "summary"))), "differ"));
  test_maybe_screenshot (dialog, "mapping-round-trip");

  gtk_window_destroy (dialog);
  table_clear (&t);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles = g_ptr_array_new_with_free_func (g_object_unref);
  int ret;

  g_unsetenv ("SOURCE_DATE_EPOCH");
  if (!(tmp_dir = test_gui_init (&argc, &argv, "cohortscope-mapping-upload-XXXXXX")))
    return 0;
  if (!test_standin_start (&standin))
    {
      g_print ("1..0 # SKIP python3 or CS_SOURCE_ROOT is missing: no loopback FHIR stand-in\n");
      g_clear_pointer (&tmp_dir, test_gui_cleanup);
      return 0;
    }
  g_ptr_array_add (profiles, cs_server_profile_new ("Test server", standin.url));
  g_assert_true (cs_server_profiles_save (profiles, NULL, &error));
  g_assert_no_error (error);

  g_test_add_func ("/gui/mapping-upload/dry-run-upload-compare", test_dry_run_upload_compare);
  g_test_add_func ("/gui/mapping-upload/refused", test_refused);
  g_test_add_func ("/gui/mapping-upload/cancel", test_cancel);
  g_test_add_func ("/gui/mapping-upload/compare-file", test_compare_file);
  ret = g_test_run ();

  test_standin_stop (&standin);
  g_clear_pointer (&tmp_dir, test_gui_cleanup);
  return ret;
}
