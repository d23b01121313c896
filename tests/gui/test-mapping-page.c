/* test-mapping-page.c: the Mapping page through its real code paths (Xvfb)
 *
 * Opens a Lung1-shaped CSV (tests/mapping-assist/data, written for the
 * tests) the way `cohortscope FILE.csv` does, and checks: the profile, the
 * suggested mapping and the preview of the first row (a Patient); an edit
 * updates the preview, undo brings it back; a broken mapping is marked at
 * its line while the last preview stays; a column highlights the elements
 * it fed and an element names its cell; value-map coverage; Validate finds
 * a bad cell and a problem jumps to it; Save and reopen; Run writes NDJSON
 * that opens in the Cohort view; bad tables and a mapping from a newer
 * format version give a clear message and keep the work.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cs-code-picker.h"
#include "cs-mapping-common.h"
#include "cs-mapping-page-private.h"
#include "cs-mapping-upload-dialog.h"
#include "cs-round-trip-dialog.h"
#include "cs-window.h"
#include "gui-test-util.h"

static CsWindow *window;
static CsMappingPage *page;
static char *tmp_dir;

static gboolean
page_idle (gpointer data)
{
  return !cs_mapping_page_get_busy (CS_MAPPING_PAGE (data));
}

static void
wait_idle (void)
{
  test_wait_until (page_idle, page);
}

static char *
fixture (const char *name)
{
  return g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "mapping-assist", "data", name, NULL);
}

static char *
temp_file (const char *name,
           const char *data,
           gssize      length)
{
  char *path = g_build_filename (tmp_dir, name, NULL);

  g_assert_true (g_file_set_contents (path, data, length, NULL));
  return path;
}

static char *
mapping_text (void)
{
  GtkTextBuffer *buffer = cs_mapping_page_get_mapping_buffer (page);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static char *
buffer_text_of (CsMappingPage *p)
{
  GtkTextBuffer *buffer = cs_mapping_page_get_mapping_buffer (p);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Replaces the first occurrence of old in the mapping, as a user edit. */
static void
edit_mapping (const char *old,
              const char *new_text)
{
  GtkTextBuffer *buffer = cs_mapping_page_get_mapping_buffer (page);
  GtkTextIter start, match_start, match_end;

  gtk_text_buffer_get_start_iter (buffer, &start);
  g_assert_true (gtk_text_iter_forward_search (&start, old, 0, &match_start, &match_end, NULL));
  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_delete (buffer, &match_start, &match_end);
  gtk_text_buffer_insert (buffer, &match_start, new_text, -1);
  gtk_text_buffer_end_user_action (buffer);
}

static int
find_column (const char *name)
{
  for (guint i = 0; i < cs_mapping_page_get_n_columns (page); i++)
    if (g_str_equal (cs_mapping_page_get_column_name (page, i), name))
      return (int) i;
  g_assert_not_reached ();
}

static void
test_open_csv (void)
{
  g_autofree char *path = fixture ("clinical.csv");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *preview = NULL;
  g_autofree char *text = NULL;
  GtkWidget *stack = test_find_of_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK);

  /* as `cohortscope clinical.csv` does */
  cs_window_open_files (window, &file, 1);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (stack)), ==, "mapping");
  wait_idle ();
  /* no FHIR load was started for the CSV */
  g_assert_false (cs_window_get_loading (window));

  g_assert_cmpuint (cs_mapping_page_get_n_rows (page), ==, 6);
  g_assert_cmpuint (cs_mapping_page_get_n_columns (page), ==, 10);
  g_assert_cmpstr (cs_mapping_page_get_column_name (page, 2), ==, "clinical.T.Stage");

  /* the suggestion at once, not counted as an unsaved edit */
  text = mapping_text ();
  g_assert_nonnull (strstr (text, "cohortscope-mapping/1"));
  g_assert_false (cs_mapping_page_get_modified (page));
  g_assert_null (cs_mapping_page_get_mapping_error (page));

  /* and the first row's FHIR */
  preview = cs_mapping_page_get_preview_text (page);
  g_assert_nonnull (strstr (preview, "\"resourceType\": \"Patient\""));
  g_assert_nonnull (strstr (preview, "\"value\": \"CASE-001\""));
  g_assert_nonnull (strstr (preview, "\"resourceType\": \"Condition\""));
  g_assert_nonnull (strstr (preview, "\"code\": \"1228929004\""));

  /* another row */
  cs_mapping_page_select_row (page, 1);
  wait_idle ();
  g_free (preview);
  preview = cs_mapping_page_get_preview_text (page);
  g_assert_nonnull (strstr (preview, "\"value\": \"CASE-002\""));
  g_assert_nonnull (strstr (preview, "\"gender\": \"female\""));
  cs_mapping_page_select_row (page, 0);
  wait_idle ();
  test_maybe_screenshot (GTK_WINDOW (window), "mapping");
}

static void
test_edit_updates_preview (void)
{
  GtkTextBuffer *buffer = cs_mapping_page_get_mapping_buffer (page);
  g_autofree char *preview = NULL;

  edit_mapping ("\"{{PatientID}}\"", "\"X-{{PatientID}}\"");
  g_assert_true (cs_mapping_page_get_modified (page));
  /* debounced: not yet, then once */
  g_assert_true (cs_mapping_page_get_busy (page));
  wait_idle ();
  preview = cs_mapping_page_get_preview_text (page);
  g_assert_nonnull (strstr (preview, "\"value\": \"X-CASE-001\""));

  gtk_text_buffer_undo (buffer);
  wait_idle ();
  g_free (preview);
  preview = cs_mapping_page_get_preview_text (page);
  g_assert_nonnull (strstr (preview, "\"value\": \"CASE-001\""));
  g_assert_null (strstr (preview, "X-CASE-001"));
  gtk_text_buffer_redo (buffer);
  wait_idle ();
  g_free (preview);
  preview = cs_mapping_page_get_preview_text (page);
  g_assert_nonnull (strstr (preview, "X-CASE-001"));
  gtk_text_buffer_undo (buffer);
  wait_idle ();
}

static void
test_broken_mapping (void)
{
  GtkTextBuffer *buffer = cs_mapping_page_get_mapping_buffer (page);
  g_autofree char *preview = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  int line;

  /* a column the table does not have */
  edit_mapping ("\"resourceType\" : \"Patient\",",
                "\"resourceType\" : \"Patient\",\n\"birthDate\": {\"$column\": \"Birth date\"},");
  wait_idle ();
  g_assert_nonnull (cs_mapping_page_get_mapping_error (page));
  g_test_message ("%s", cs_mapping_page_get_mapping_error (page));
  line = cs_mapping_page_get_error_line (page);
  g_assert_cmpint (line, >=, 0);
  text = mapping_text ();
  lines = g_strsplit (text, "\n", -1);
  g_assert_nonnull (strstr (lines[line], "Birth date"));
  /* the last good preview stays */
  preview = cs_mapping_page_get_preview_text (page);
  g_assert_nonnull (strstr (preview, "CASE-001"));

  /* not JSON at all: the line of the byte */
  gtk_text_buffer_undo (buffer);
  edit_mapping ("\"format\"", "\"format\" ::");
  wait_idle ();
  g_assert_nonnull (cs_mapping_page_get_mapping_error (page));
  g_assert_cmpint (cs_mapping_page_get_error_line (page), ==, 1);
  gtk_text_buffer_undo (buffer);
  wait_idle ();
  g_assert_null (cs_mapping_page_get_mapping_error (page));
}

static void
test_provenance (void)
{
  int gender = find_column ("gender");
  g_autofree char *preview = cs_mapping_page_get_preview_text (page);
  g_auto(GStrv) lines = g_strsplit (preview, "\n", -1);
  const char *source;
  int gender_line = -1;

  cs_mapping_page_select_column (page, (guint) gender);
  g_assert_cmpuint (cs_mapping_page_get_n_highlighted (page), ==, 1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "\"gender\": \"male\"") != NULL)
      gender_line = (int) i;
  g_assert_cmpint (gender_line, >=, 0);

  /* the element at the cursor names its cell and selects its column */
  cs_mapping_page_select_column (page, 0);
  source = cs_mapping_page_place_preview_cursor (page, gender_line);
  g_assert_nonnull (strstr (source, "Patient.gender"));
  g_assert_nonnull (strstr (source, "row 1, column “gender”: “male”"));
  g_assert_cmpuint (cs_mapping_page_get_selected_column (page), ==, (guint) gender);
}

static void
test_value_map_coverage (void)
{
  g_autofree char *text = mapping_text ();
  guint index = 0;

  /* the suggested maps: gender, T, N, M, stage, histology */
  g_assert_nonnull (strstr (text, "clinical-t-stage"));
  index = 1;
  cs_mapping_page_show_value_map (page, index);
  g_assert_cmpstr (cs_mapping_page_get_coverage_text (page), ==, "clinical.T.Stage: 4 of 6 rows mapped");
}

/* Several rows selected: the preview lists them and shows the one chosen */
static void
test_multi_row_preview (void)
{
  g_autofree char *preview = NULL;

  cs_mapping_page_select_rows (page, 0, 3);
  wait_idle ();
  g_assert_cmpuint (cs_mapping_page_get_n_previewed_rows (page), ==, 3);
  preview = cs_mapping_page_get_preview_text (page);
  g_assert_nonnull (strstr (preview, "\"value\": \"CASE-001\""));

  cs_mapping_page_choose_previewed_row (page, 1);
  wait_idle ();
  g_free (preview);
  preview = cs_mapping_page_get_preview_text (page);
  g_assert_nonnull (strstr (preview, "\"value\": \"CASE-002\""));
  g_assert_null (strstr (preview, "CASE-001"));

  /* the row shown stays while it is selected */
  cs_mapping_page_select_rows (page, 1, 2);
  wait_idle ();
  g_assert_cmpuint (cs_mapping_page_get_n_previewed_rows (page), ==, 2);
  g_free (preview);
  preview = cs_mapping_page_get_preview_text (page);
  g_assert_nonnull (strstr (preview, "\"value\": \"CASE-002\""));

  /* another row shown: the grid marks its problems (row 3's T 5) */
  cs_mapping_page_choose_previewed_row (page, 1);
  wait_idle ();
  g_assert_nonnull (cs_mapping_page_get_cell_problem (page, 2, (guint) find_column ("clinical.T.Stage")));

  cs_mapping_page_select_row (page, 0);
  wait_idle ();
  g_assert_cmpuint (cs_mapping_page_get_n_previewed_rows (page), ==, 1);
  g_free (preview);
  preview = cs_mapping_page_get_preview_text (page);
  g_assert_nonnull (strstr (preview, "\"value\": \"CASE-001\""));
  g_assert_null (cs_mapping_page_get_cell_problem (page, 2, (guint) find_column ("clinical.T.Stage")));
}

static void
test_validate (void)
{
  g_autofree char *bad = NULL;
  GString *csv = g_string_new (NULL);
  g_autofree char *original = fixture ("clinical.csv");
  g_autofree char *contents = NULL;
  gboolean found = FALSE;

  /* the same table with a bad age in row 3 */
  g_assert_true (g_file_get_contents (original, &contents, NULL, NULL));
  g_string_append (csv, contents);
  g_string_replace (csv, "CASE-003,70.25", "CASE-003,seventy", 1);
  bad = temp_file ("clinical-bad.csv", csv->str, (gssize) csv->len);
  g_string_free (csv, TRUE);

  cs_mapping_page_open_table (page, bad, NULL);
  wait_idle ();
  g_assert_cmpuint (cs_mapping_page_get_n_rows (page), ==, 6);
  gtk_widget_activate_action (GTK_WIDGET (page), "mapping.validate", NULL);
  g_assert_true (cs_mapping_page_get_busy (page));
  wait_idle ();
  g_assert_cmpuint (cs_mapping_page_get_n_problems (page), >=, 1);
  for (guint i = 0; i < cs_mapping_page_get_n_problems (page); i++)
    {
      const char *text = cs_mapping_page_get_problem_text (page, i);

      g_test_message ("%s", text);
      if (strstr (text, "seventy") != NULL)
        {
          g_assert_nonnull (strstr (text, "row 3"));
          g_assert_nonnull (strstr (text, "age"));
          cs_mapping_page_activate_problem (page, i);
          g_assert_cmpuint (cs_mapping_page_get_selected_row (page), ==, 2);
          g_assert_cmpuint (cs_mapping_page_get_selected_column (page), ==, (guint) find_column ("age"));
          found = TRUE;
        }
    }
  g_assert_true (found);
  wait_idle ();
}

/* A GtkInscription of the grid with a css class and text in its tooltip */
static gboolean
find_marked_cell (GtkWidget  *widget,
                  const char *css_class,
                  const char *needle)
{
  if (GTK_IS_INSCRIPTION (widget) && gtk_widget_has_css_class (widget, css_class)
      && gtk_widget_get_tooltip_text (widget) != NULL && strstr (gtk_widget_get_tooltip_text (widget), needle) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (find_marked_cell (child, css_class, needle))
      return TRUE;
  return FALSE;
}

static gboolean
grid_shows_mark (gpointer grid)
{
  return find_marked_cell (grid, "error", "seventy");
}

/* After Validate the grid marks the cells with problems; without a
 * validation, the previewed row's */
static void
test_cell_marks (void)
{
  g_autofree char *bad = g_build_filename (tmp_dir, "clinical-bad.csv", NULL);
  guint age = (guint) find_column ("age");
  guint n_columns = cs_mapping_page_get_n_columns (page);
  GtkWidget *grid;

  /* the validation of test_validate: row 3's age, and the row itself */
  g_assert_nonnull (cs_mapping_page_get_cell_problem (page, 2, age));
  g_assert_nonnull (strstr (cs_mapping_page_get_cell_problem (page, 2, age), "seventy"));
  g_assert_nonnull (cs_mapping_page_get_cell_problem (page, 2, n_columns));
  g_assert_null (cs_mapping_page_get_cell_problem (page, 0, age));
  grid = cs_mapping_page_show_rows (page);
  test_wait_until (grid_shows_mark, grid);

  /* the table again: no validation yet, so only the previewed row's */
  cs_mapping_page_open_table (page, bad, NULL);
  wait_idle ();
  cs_mapping_page_select_row (page, 0);
  wait_idle ();
  g_assert_null (cs_mapping_page_get_cell_problem (page, 2, age));
  cs_mapping_page_select_row (page, 2);
  wait_idle ();
  g_assert_nonnull (cs_mapping_page_get_cell_problem (page, 2, age));
  g_assert_null (cs_mapping_page_get_cell_problem (page, 5, n_columns));
  grid = cs_mapping_page_show_rows (page);
  test_wait_until (grid_shows_mark, grid);
  cs_mapping_page_select_row (page, 0);
  wait_idle ();
  g_assert_null (cs_mapping_page_get_cell_problem (page, 2, age));
}

static void
test_save_reopen (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "saved.mapping.json", NULL);
  g_autofree char *table = fixture ("clinical.csv");
  g_autofree char *input = g_strdup_printf ("clinical=%s", table);
  const char *inputs[] = { input, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *preview = NULL;

  edit_mapping ("\"version\" : \"0.1.0\"", "\"version\" : \"0.2.0\"");
  g_assert_true (cs_mapping_page_get_modified (page));
  g_assert_true (cs_mapping_page_save_to (page, path, &error));
  g_assert_no_error (error);
  g_assert_false (cs_mapping_page_get_modified (page));
  before = mapping_text ();
  g_assert_true (g_file_get_contents (path, &saved, NULL, NULL));
  g_assert_cmpstr (saved, ==, before);

  /* reopen with its table, as `cohortscope --mapping M --input clinical=T` */
  cs_window_open_mapping (window, path, inputs);
  wait_idle ();
  after = mapping_text ();
  g_assert_cmpstr (after, ==, before);
  g_assert_false (cs_mapping_page_get_modified (page));
  g_assert_cmpuint (cs_mapping_page_get_n_rows (page), ==, 6);
  preview = cs_mapping_page_get_preview_text (page);
  g_assert_nonnull (strstr (preview, "CASE-001"));
}

static gboolean
round_trip_done (gpointer dialog)
{
  return cs_round_trip_dialog_get_result (dialog) != NULL;
}

static void
test_run_and_open (void)
{
  g_autofree char *out = g_build_filename (tmp_dir, "out.ndjson", NULL);
  g_autofree char *contents = NULL;
  guint n_patients = 0;
  g_auto(GStrv) lines = NULL;

  cs_mapping_page_run_to (page, out);
  wait_idle ();
  g_assert_cmpstr (cs_mapping_page_get_output_path (page), ==, out);
  g_assert_true (g_file_get_contents (out, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "\"resourceType\":\"Patient\"") != NULL)
      n_patients++;
  g_assert_cmpuint (n_patients, ==, 6);

  /* the same bytes as `cohortscope-cli map` with the saved mapping (the
   * run's Device and Provenance included) */
  {
    const char *cli = g_getenv ("CS_CLI");
    g_autofree char *cli_out = g_build_filename (tmp_dir, "cli.ndjson", NULL);
    g_autofree char *mapping = g_build_filename (tmp_dir, "saved.mapping.json", NULL);
    g_autofree char *table = fixture ("clinical.csv");
    g_autofree char *input = g_strdup_printf ("clinical=%s", table);
    const char *argv[] = { cli, "map", "--mapping", mapping, "--input", input, "-o", cli_out,
                           "--format", "ndjson", "--no-progress", NULL };
    g_autofree char *cli_contents = NULL;
    g_autoptr(GError) error = NULL;
    int status = 0;

    g_assert_nonnull (cli);
    g_assert_false (cs_mapping_page_get_modified (page));
    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                  NULL, NULL, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_true (g_file_get_contents (cli_out, &cli_contents, NULL, NULL));
    g_assert_nonnull (strstr (contents, "\"resourceType\":\"Provenance\""));
    g_assert_cmpstr (contents, ==, cli_contents);
  }

  /* Compare with Table: every mapped cell is in the file */
  {
    CsRoundTripDialog *dialog;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "mapping.compare", NULL));
    dialog = test_find_toplevel_of_type (CS_TYPE_ROUND_TRIP_DIALOG);
    g_assert_nonnull (dialog);
    test_wait_until (round_trip_done, dialog);
    g_assert_true (cs_round_trip_is_clean (cs_round_trip_dialog_get_result (dialog)));
    gtk_window_destroy (GTK_WINDOW (dialog));
  }

  /* Upload… opens its dialog for this mapping and table */
  {
    GtkWidget *upload;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "mapping.upload", NULL));
    upload = test_find_toplevel_of_type (CS_TYPE_MAPPING_UPLOAD_DIALOG);
    g_assert_nonnull (upload);
    g_assert_true (gtk_widget_get_visible (upload));
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (test_get_named (upload, "table"))),
                              "saved.mapping.json"));
    gtk_window_destroy (GTK_WINDOW (upload));
  }

  gtk_widget_activate_action (GTK_WIDGET (page), "mapping.open-output", NULL);
  test_wait_until (test_window_loaded, window);
  g_assert_nonnull (cs_window_get_store (window));
  g_assert_cmpuint (cs_store_get_n_patients (cs_window_get_store (window)), ==, 6);
}

/* The Lung1 example mapping opens as it is, with its ConceptMap files */
static void
test_lung1_example (void)
{
  g_autofree char *mapping = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "..", "examples", "lung1",
                                               "lung1.json", NULL);
  g_autofree char *table = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "..", "mapping", "data", "lung1-mini",
                                             "lung1", "NSCLC-Radiomics-Lung1.clinical-version3-Oct-2019.csv", NULL);
  g_autofree char *input = g_strdup_printf ("clinical=%s", table);
  const char *inputs[] = { input, NULL };
  g_autofree char *preview = NULL;
  g_autofree char *text = NULL;
  g_autofree char *original = NULL;

  g_assert_false (cs_mapping_page_get_modified (page));
  cs_window_open_mapping (window, mapping, inputs);
  wait_idle ();
  g_assert_null (cs_mapping_page_get_mapping_error (page));
  text = mapping_text ();
  g_assert_true (g_file_get_contents (mapping, &original, NULL, NULL));
  g_assert_cmpstr (text, ==, original);
  preview = cs_mapping_page_get_preview_text (page);
  g_assert_nonnull (strstr (preview, "\"resourceType\": \"Patient\""));
  g_assert_nonnull (strstr (preview, "LUNG1-901"));
  /* the ConceptMap files were read next to the mapping */
  g_assert_nonnull (strstr (preview, "\"code\": \"1228929004\""));
}

static void
test_bad_tables (void)
{
  static const struct { const char *name; const char *data; gssize length; const char *expect; } cases[] = {
    { "latin1.csv", "id,name\nP1,M\xfcller\n", -1, "latin1.csv" },
    { "ragged.csv", "id,name\nP1,a\nP2,b,c\n", -1, "row 2" },
    { "binary.csv", "id,name\nP1\0\0\x01,b\n", 15, "binary.csv" },
    { "empty.csv", "", 0, "empty.csv" },
  };
  g_autofree char *mapping_before = mapping_text ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = temp_file (cases[i].name, cases[i].data, cases[i].length);
      g_autofree char *mapping_after = NULL;

      cs_mapping_page_open_table (page, path, NULL);
      wait_idle ();
      g_assert_nonnull (cs_mapping_page_get_last_error (page));
      g_test_message ("%s", cs_mapping_page_get_last_error (page));
      g_assert_nonnull (strstr (cs_mapping_page_get_last_error (page), cases[i].expect));
      /* the work is kept: the table and the mapping */
      g_assert_cmpuint (cs_mapping_page_get_n_columns (page), ==, 10);
      mapping_after = mapping_text ();
      g_assert_cmpstr (mapping_after, ==, mapping_before);
    }
}

static void
test_newer_mapping (void)
{
  g_autofree char *path = temp_file ("newer.json",
                                     "{\"format\": \"cohortscope-mapping/2\", \"id\": \"x\", \"version\": \"1\"}", -1);
  g_autofree char *text = NULL;

  g_assert_false (cs_mapping_page_get_modified (page));
  cs_mapping_page_open_mapping (page, path, NULL);
  wait_idle ();
  text = mapping_text ();
  g_assert_nonnull (strstr (text, "cohortscope-mapping/2"));
  g_assert_nonnull (cs_mapping_page_get_mapping_error (page));
  g_assert_nonnull (strstr (cs_mapping_page_get_mapping_error (page), "newer"));
  g_assert_cmpint (cs_mapping_page_get_error_line (page), ==, 0);
}


/* The message dialog with that heading, or NULL */
static AdwMessageDialog *
find_dialog (const char *heading)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (item) && g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (item)), heading) == 0)
        return ADW_MESSAGE_DIALOG (item);
    }
  return NULL;
}

/* Answers "Which Input Is This Table?" (offering both inputs of join.json)
 * with response, then waits for the page */
static void
answer_input_dialog (const char *response)
{
  AdwMessageDialog *dialog = find_dialog ("Which Input Is This Table?");

  g_assert_nonnull (dialog);
  g_assert_true (adw_message_dialog_has_response (dialog, "role:clinical"));
  g_assert_true (adw_message_dialog_has_response (dialog, "role:dicom"));
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_idle ();
}

/* The role the switcher shows */
static const char *
shown_role (GtkDropDown *switcher)
{
  return gtk_string_list_get_string (GTK_STRING_LIST (gtk_drop_down_get_model (switcher)),
                                     gtk_drop_down_get_selected (switcher));
}

/* Opens join.json with its two tables: dicom shown, clinical for the joins */
static void
open_join_mapping (void)
{
  g_autofree char *clinical = fixture ("join-clinical.csv");
  g_autofree char *dicom = fixture ("join-dicom.csv");
  g_autofree char *mapping = fixture ("join.json");
  g_autofree char *dicom_input = g_strconcat ("dicom=", dicom, NULL);
  g_autofree char *clinical_input = g_strconcat ("clinical=", clinical, NULL);
  const char *inputs[] = { dicom_input, clinical_input, NULL };

  cs_mapping_page_open_mapping (page, mapping, inputs);
  wait_idle ();
  g_assert_null (cs_mapping_page_get_mapping_error (page));
}

/* A mapping opened with two inputs (--input ROLE=FILE twice): the shown
 * table's rows are previewed with the other input loaded, so a DICOM row's
 * study names the Patient of the clinical row it joins; Validate reads both */
static void
test_several_inputs (void)
{
  g_autofree char *clinical = fixture ("join-clinical.csv");
  g_autofree char *preview = NULL;
  gboolean found = FALSE;
  g_autofree char *clinical2 = temp_file ("join-clinical-2.csv", "PatientID,age\nP2,71\n", -1);
  AdwMessageDialog *dialog;
  GtkDropDown *switcher;
  GListModel *roles;

  g_assert_false (cs_mapping_page_get_modified (page));
  open_join_mapping ();
  g_assert_cmpuint (cs_mapping_page_get_n_rows (page), ==, 2);
  preview = cs_mapping_page_get_preview_text (page);
  g_assert_nonnull (strstr (preview, "\"resourceType\": \"ImagingStudy\""));
  g_assert_nonnull (strstr (preview, "\"reference\": \"Patient/"));
  g_assert_nonnull (strstr (preview, "\"description\": \"70\""));

  /* Validate goes through the dicom table with the clinical one loaded */
  gtk_widget_activate_action (GTK_WIDGET (page), "mapping.validate", NULL);
  wait_idle ();
  g_assert_cmpuint (cs_mapping_page_get_n_problems (page), ==, 1);
  for (guint i = 0; i < cs_mapping_page_get_n_problems (page); i++)
    if (strstr (cs_mapping_page_get_problem_text (page, i), "no row of “clinical” belongs") != NULL)
      found = TRUE;
  g_assert_true (found);

  /* the switcher lists both roles; choosing clinical shows that table
   * (its Patient), and the dicom one is still read for runs */
  switcher = cs_mapping_page_get_table_switcher (page);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (switcher)));
  roles = gtk_drop_down_get_model (switcher);
  g_assert_cmpuint (g_list_model_get_n_items (roles), ==, 2);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (roles), gtk_drop_down_get_selected (switcher)), ==,
                   "dicom");
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (roles), 0), ==, "clinical");
  gtk_drop_down_set_selected (switcher, 0);
  wait_idle ();
  g_assert_null (cs_mapping_page_get_mapping_error (page));
  g_free (preview);
  preview = cs_mapping_page_get_preview_text (page);
  g_assert_nonnull (strstr (preview, "\"resourceType\": \"Patient\""));
  g_assert_nonnull (strstr (preview, "\"value\": \"P1\""));
  g_assert_null (strstr (preview, "ImagingStudy"));
  roles = gtk_drop_down_get_model (switcher);
  g_assert_cmpuint (g_list_model_get_n_items (roles), ==, 2);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (roles), gtk_drop_down_get_selected (switcher)), ==,
                   "clinical");
  /* and back */
  gtk_drop_down_set_selected (switcher, 1);
  wait_idle ();
  g_free (preview);
  preview = cs_mapping_page_get_preview_text (page);
  g_assert_nonnull (strstr (preview, "\"description\": \"70\""));

  /* Open Table asks which input a table is; the one shown stays for joins */
  cs_mapping_page_open_table_ask_role (page, clinical2);
  dialog = find_dialog ("Which Input Is This Table?");
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "role:dicom");
  answer_input_dialog ("role:clinical");
  g_assert_cmpstr (shown_role (switcher), ==, "clinical");
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (switcher)), ==, 2);
  g_free (preview);
  preview = cs_mapping_page_get_preview_text (page);
  g_assert_nonnull (strstr (preview, "\"value\": \"P2\""));
  gtk_drop_down_set_selected (switcher, 1);
  wait_idle ();
  g_free (preview);
  preview = cs_mapping_page_get_preview_text (page);
  g_assert_nonnull (strstr (preview, "\"description\": \"71\""));
  g_assert_false (cs_mapping_page_get_modified (page));

  /* a table opened without a role takes the mapping's first (clinical):
   * the clinical table kept before is not listed a second time */
  cs_mapping_page_open_table (page, clinical, NULL);
  wait_idle ();
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (switcher)), ==, 1);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (switcher)));
}


/* Validate goes through every input: a problem in a row of the table not
 * shown is listed, naming its file, but marks no row of the table shown */
static void
test_problems_of_other_inputs (void)
{
  g_autofree char *clinical = temp_file ("join-clinical-nokey.csv", "PatientID,age\n,60\nP2,70\n", -1);
  g_autofree char *dicom = fixture ("join-dicom.csv");
  g_autofree char *mapping = fixture ("join.json");
  g_autofree char *dicom_input = g_strconcat ("dicom=", dicom, NULL);
  g_autofree char *clinical_input = g_strconcat ("clinical=", clinical, NULL);
  const char *inputs[] = { dicom_input, clinical_input, NULL };
  guint n_columns;
  int other = -1;

  cs_mapping_page_open_mapping (page, mapping, inputs);
  wait_idle ();
  g_assert_null (cs_mapping_page_get_mapping_error (page));
  n_columns = cs_mapping_page_get_n_columns (page);
  g_assert_cmpuint (n_columns, ==, 2);
  gtk_widget_activate_action (GTK_WIDGET (page), "mapping.validate", NULL);
  wait_idle ();
  for (guint i = 0; i < cs_mapping_page_get_n_problems (page); i++)
    if (strstr (cs_mapping_page_get_problem_text (page, i), "join-clinical-nokey.csv") != NULL)
      other = (int) i;
  g_assert_cmpint (other, >=, 0);
  /* the dicom table shown: its row 1 (P2) has nothing wrong, its row 2
   * (P9) joins no clinical row */
  g_assert_null (cs_mapping_page_get_cell_problem (page, 0, n_columns));
  g_assert_nonnull (cs_mapping_page_get_cell_problem (page, 1, n_columns));
  /* activating the clinical table's problem selects nothing in this one */
  cs_mapping_page_activate_problem (page, (guint) other);
  g_assert_null (cs_mapping_page_get_cell_problem (page, 0, n_columns));
  test_maybe_screenshot (GTK_WINDOW (window), "mapping-problems-of-other-inputs");
}

static gboolean
page_at_default_width (gpointer widget)
{
  int width = gtk_widget_get_width (widget);

  return width > 1000 && width <= 1200;
}

/* The toolbar fits the default window width (1,200 pixels): what a Run
 * wrote is reached through one Output menu. */
static void
test_toolbar_fits (void)
{
  GtkMenuButton *output = NULL;
  GMenuModel *menu;
  GtkWidget *toolbar;
  const char *actions[] = { "mapping.open-output", "mapping.compare", "mapping.upload" };
  int natural = 0;

  for (GtkWidget *w = test_find_of_type (GTK_WIDGET (page), GTK_TYPE_MENU_BUTTON); w != NULL && output == NULL;
       w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_MENU_BUTTON (w) && g_strcmp0 (gtk_menu_button_get_label (GTK_MENU_BUTTON (w)), "_Output") == 0)
      output = GTK_MENU_BUTTON (w);
  g_assert_nonnull (output);
  menu = gtk_menu_button_get_menu_model (output);
  g_assert_nonnull (menu);
  menu = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, G_N_ELEMENTS (actions));
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      g_autofree char *action = NULL;

      g_assert_true (g_menu_model_get_item_attribute (menu, (int) i, G_MENU_ATTRIBUTE_ACTION, "s", &action));
      g_assert_cmpstr (action, ==, actions[i]);
    }
  g_object_unref (menu);

  /* the application's default size (the schema's window-width) */
  toolbar = gtk_widget_get_parent (GTK_WIDGET (output));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "mapping");
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  test_wait_until (page_at_default_width, page);
  gtk_widget_measure (toolbar, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
  g_test_message ("toolbar %d px, page %d px", natural, gtk_widget_get_width (GTK_WIDGET (page)));
  g_assert_cmpint (natural, <=, gtk_widget_get_width (GTK_WIDGET (page)));
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 860);
}

/* The Structure view: a column chosen for an element changes the JSON and
 * the preview, and Ctrl+Z (mapping.undo) brings both back. */
static void
test_structure_column (void)
{
  CsMappingStructurePane *pane = cs_mapping_page_show_structure (page);
  g_autofree char *before = mapping_text ();
  g_autofree char *after = NULL;
  g_autofree char *undone = NULL;
  g_autofree char *preview = NULL;
  const char *path = "resources[0].template.identifier[0].value";

  wait_idle ();
  g_assert_true (cs_mapping_structure_pane_select_path (pane, path));
  g_assert_cmpstr (cs_mapping_structure_pane_get_selected_path (pane), ==, path);
  g_assert_true (cs_mapping_structure_pane_use_column (pane, "Histology"));
  after = mapping_text ();
  g_assert_cmpstr (after, !=, before);
  g_assert_nonnull (strstr (after, "\"$column\" : \"Histology\""));
  wait_idle ();
  preview = cs_mapping_page_get_preview_text (page);
  g_assert_nonnull (strstr (preview, "\"value\": \"adenocarcinoma\""));
  /* the row stays selected after the tree was rebuilt */
  g_assert_cmpstr (cs_mapping_structure_pane_get_selected_path (pane), ==, path);

  /* one structured edit is one undo step */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "mapping.undo", NULL));
  wait_idle ();
  undone = mapping_text ();
  g_assert_cmpstr (undone, ==, before);
  g_free (preview);
  preview = cs_mapping_page_get_preview_text (page);
  g_assert_nonnull (strstr (preview, "\"value\": \"CASE-001\""));
  g_assert_null (strstr (preview, "\"value\": \"adenocarcinoma\""));

  /* a refused edit changes nothing and says why */
  g_assert_true (cs_mapping_structure_pane_select_path (pane, "inputs[0]"));
  g_assert_false (cs_mapping_structure_pane_use_column (pane, "age"));
  g_assert_nonnull (cs_mapping_page_get_last_error (page));
  g_assert_cmpstr (mapping_text (), ==, before);
}

/* Picking a code by search puts its coding into the element. */
static void
test_structure_code_picker (void)
{
  CsMappingStructurePane *pane = cs_mapping_page_show_structure (page);
  CsCodePicker *picker = CS_CODE_PICKER (cs_mapping_structure_pane_get_code_picker (pane));
  g_autofree char *text = NULL;
  g_autofree char *preview = NULL;
  g_autofree char *path = NULL;
  g_autoptr(CsMappingStructure) structure = NULL;

  /* the Condition's code (a CodeableConcept) */
  text = mapping_text ();
  structure = cs_mapping_structure_new (text, NULL);
  for (guint i = 0; i < structure->resources->len && path == NULL; i++)
    {
      CsMappingResourceInfo *r = structure->resources->pdata[i];

      if (g_strcmp0 (r->type, "Condition") == 0)
        path = g_strdup_printf ("%s.template.code", r->path);
    }
  g_assert_nonnull (path);
  g_assert_true (cs_mapping_structure_pane_select_path (pane, path));
  cs_code_picker_search (picker, "non-small cell LUNG");
  g_assert_cmpuint (cs_code_picker_get_n_results (picker), ==, 1);
  cs_code_picker_pick (picker, 0);
  g_free (text);
  text = mapping_text ();
  g_assert_nonnull (strstr (text, "\"code\" : \"254637007\""));
  wait_idle ();
  preview = cs_mapping_page_get_preview_text (page);
  g_assert_nonnull (strstr (preview, "\"code\": \"254637007\""));
  g_assert_nonnull (strstr (preview, "Non-small cell lung cancer"));

  /* typed: refused without a code, used with one */
  g_assert_false (cs_code_picker_use_typed (picker, "http://snomed.info/sct||x"));
  g_assert_true (cs_code_picker_use_typed (picker, "http://example.org/local|NSCLC|Local NSCLC"));
  g_free (text);
  text = mapping_text ();
  g_assert_nonnull (strstr (text, "\"code\" : \"NSCLC\""));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "mapping.undo", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "mapping.undo", NULL));
  wait_idle ();
  g_free (text);
  text = mapping_text ();
  g_assert_null (strstr (text, "254637007"));

  /* New Value Map…: the Condition's code from Histology through a new map
   * that starts with the code of the column's first value */
  {
    CsCodePicker *new_map = CS_CODE_PICKER (cs_mapping_structure_pane_get_new_map_picker (pane));
    g_autofree char *before = mapping_text ();

    g_assert_true (cs_mapping_structure_pane_select_path (pane, path));
    g_assert_true (cs_mapping_structure_pane_use_column (pane, "Histology"));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "mapping.undo", NULL));
    g_assert_true (cs_mapping_structure_pane_select_path (pane, path));
    gtk_widget_set_visible (GTK_WIDGET (new_map), TRUE);
    g_assert_cmpuint (cs_code_picker_get_n_results (new_map), >=, 1);
    cs_code_picker_pick (new_map, 0);
    g_free (text);
    text = mapping_text ();
    g_assert_nonnull (strstr (text, "\"$map\" : \"histology\""));
    g_assert_nonnull (strstr (text, "\"code\" : \"adenocarcinoma\""));
    wait_idle ();
    g_free (preview);
    preview = cs_mapping_page_get_preview_text (page);
    g_assert_nonnull (strstr (preview, "\"code\": \"8140/3\""));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "mapping.undo", NULL));
    wait_idle ();
    g_free (text);
    text = mapping_text ();
    g_assert_cmpstr (text, ==, before);
  }
}

/* Editing a value map's entry changes the coverage. */
static void
test_value_map_entry (void)
{
  CsMappingValueMapsPane *pane = cs_mapping_page_get_value_maps_pane (page);
  CsCodePicker *picker = CS_CODE_PICKER (cs_mapping_value_maps_pane_get_code_picker (pane));
  g_autofree char *text = NULL;

  /* clinical.T.Stage: 4 of 6 mapped; the two rows of "5" are not (Lung1's T5) */
  cs_mapping_page_show_value_map (page, 1);
  g_assert_cmpstr (cs_mapping_page_get_coverage_text (page), ==, "clinical.T.Stage: 4 of 6 rows mapped");
  g_assert_true (cs_mapping_value_maps_pane_select_value (pane, "5"));
  cs_code_picker_search (picker, "cT4");
  g_assert_cmpuint (cs_code_picker_get_n_results (picker), >=, 1);
  cs_code_picker_pick (picker, 0);
  wait_idle ();
  g_assert_cmpstr (cs_mapping_page_get_coverage_text (page), ==, "clinical.T.Stage: 6 of 6 rows mapped");
  /* one-to-many: a second code for the same value */
  g_assert_true (cs_mapping_value_maps_pane_select_value (pane, "5"));
  g_assert_true (cs_code_picker_use_typed (picker, "https://example.org/lung1-t|5|T5 (Lung1)"));
  wait_idle ();
  text = mapping_text ();
  g_assert_nonnull (strstr (text, "https://example.org/lung1-t"));
  g_assert_nonnull (strstr (text, "1228944003"));
  /* both undone, one step each: 4 of 6 again */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "mapping.undo", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "mapping.undo", NULL));
  wait_idle ();
  cs_mapping_page_show_value_map (page, 1);
  g_assert_cmpstr (cs_mapping_page_get_coverage_text (page), ==, "clinical.T.Stage: 4 of 6 rows mapped");
  /* the policy for unmapped values of the map's uses */
  cs_mapping_value_maps_pane_set_unmapped (pane, "keep");
  wait_idle ();
  g_free (text);
  text = mapping_text ();
  g_assert_nonnull (strstr (text, "\"unmapped\" : \"keep\""));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "mapping.undo", NULL));
  wait_idle ();
}

/* ------------------------------------------------------------------ */
/* Unsaved changes, drag and drop                                      */

/* The "Save Changes to the Mapping?" dialog, or NULL (error dialogs of
 * earlier tests may still be open) */
static AdwMessageDialog *
find_confirm_dialog (void)
{
  return find_dialog ("Save Changes to the Mapping?");
}

/* Answers the dialog as its button would */
static void
answer_confirm (const char *response)
{
  AdwMessageDialog *dialog = find_confirm_dialog ();

  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, response);
  /* closing its window may have taken the dialog with it */
  if ((dialog = find_confirm_dialog ()) != NULL)
    gtk_window_destroy (GTK_WINDOW (dialog));
}

/* The test chooser answers from an idle */
static void
wait_chooser (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
make_unsaved_edit (CsMappingPage *p)
{
  GtkTextBuffer *buffer = cs_mapping_page_get_mapping_buffer (p);
  GtkTextIter end;

  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_insert (buffer, &end, "\n", -1);
  gtk_text_buffer_end_user_action (buffer);
  g_assert_true (cs_mapping_page_get_modified (p));
}

/* Opening a mapping over unsaved edits: Cancel keeps them, Save writes
 * them first (asking where for a mapping never saved), Discard drops them */
static void
test_unsaved_open (void)
{
  g_autofree char *other = temp_file ("other.mapping.json",
                                      "{\"format\": \"cohortscope-mapping/1\", \"id\": \"other\"}\n", -1);
  g_autofree char *saved_path = g_build_filename (tmp_dir, "unsaved-open.mapping.json", NULL);
  g_autofree char *before = NULL;
  g_autofree char *text = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *table = fixture ("clinical.csv");

  /* a fresh suggestion: never saved */
  gtk_text_buffer_set_text (cs_mapping_page_get_mapping_buffer (page), "", -1);
  cs_mapping_page_open_table (page, table, "clinical");
  wait_idle ();
  make_unsaved_edit (page);
  before = mapping_text ();

  /* Cancel: nothing happens */
  cs_mapping_page_open_mapping (page, other, NULL);
  answer_confirm ("cancel");
  wait_idle ();
  text = mapping_text ();
  g_assert_cmpstr (text, ==, before);
  g_assert_true (cs_mapping_page_get_modified (page));

  /* Save, and cancel the Save As: still nothing */
  cs_mapping_page_open_mapping (page, other, NULL);
  _cs_mapping_answer_next_chooser (NULL);
  answer_confirm ("save");
  wait_chooser ();
  g_assert_cmpstr (_cs_mapping_get_last_chooser_title (), ==, "Save the Mapping");
  g_free (text);
  text = mapping_text ();
  g_assert_cmpstr (text, ==, before);
  g_assert_true (cs_mapping_page_get_modified (page));
  g_assert_false (g_file_test (saved_path, G_FILE_TEST_EXISTS));

  /* Save, choose a file: saved there, then the other mapping opens */
  cs_mapping_page_open_mapping (page, other, NULL);
  _cs_mapping_answer_next_chooser (saved_path);
  answer_confirm ("save");
  wait_chooser ();
  wait_idle ();
  g_assert_true (g_file_get_contents (saved_path, &saved, NULL, NULL));
  g_assert_cmpstr (saved, ==, before);
  g_free (text);
  text = mapping_text ();
  g_assert_nonnull (strstr (text, "\"id\": \"other\""));
  g_assert_false (cs_mapping_page_get_modified (page));

  /* Discard: the edits go, the saved file stays as it was */
  make_unsaved_edit (page);
  cs_mapping_page_open_mapping (page, saved_path, NULL);
  answer_confirm ("discard");
  wait_idle ();
  g_free (text);
  text = mapping_text ();
  g_assert_cmpstr (text, ==, before);
  g_assert_false (cs_mapping_page_get_modified (page));

  /* Save with a file: written in place, no chooser */
  make_unsaved_edit (page);
  g_free (before);
  before = mapping_text ();
  cs_mapping_page_open_mapping (page, other, NULL);
  answer_confirm ("save");
  wait_idle ();
  g_free (saved);
  g_assert_true (g_file_get_contents (saved_path, &saved, NULL, NULL));
  g_assert_cmpstr (saved, ==, before);
  g_free (text);
  text = mapping_text ();
  g_assert_nonnull (strstr (text, "\"id\": \"other\""));

  /* the work for the tests after this one */
  cs_mapping_page_open_table (page, table, NULL);
  wait_idle ();
}

/* A second window with unsaved edits in a mapping never saved */
static CsWindow *
window_with_edit (CsMappingPage **out_page)
{
  CsWindow *w = cs_window_new (NULL);

  gtk_window_present (GTK_WINDOW (w));
  *out_page = cs_window_get_mapping_page (w);
  make_unsaved_edit (*out_page);
  return w;
}

static gboolean
pointer_cleared (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Closing the window over unsaved edits */
static void
test_unsaved_close (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "closed.mapping.json", NULL);
  g_autofree char *saved = NULL;
  CsMappingPage *p;
  CsWindow *w = window_with_edit (&p);
  g_autofree char *text = NULL;

  g_object_add_weak_pointer (G_OBJECT (w), (gpointer *) &w);

  /* Cancel: the window stays */
  gtk_window_close (GTK_WINDOW (w));
  answer_confirm ("cancel");
  wait_chooser ();
  g_assert_nonnull (w);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (w)));

  /* Save on a mapping never saved, Save As cancelled: the window stays */
  gtk_window_close (GTK_WINDOW (w));
  _cs_mapping_answer_next_chooser (NULL);
  answer_confirm ("save");
  wait_chooser ();
  g_assert_nonnull (w);
  g_assert_true (cs_mapping_page_get_modified (p));

  /* Save, a file chosen: saved, and the window closes (it stayed open) */
  text = buffer_text_of (p);
  gtk_window_close (GTK_WINDOW (w));
  _cs_mapping_answer_next_chooser (path);
  answer_confirm ("save");
  wait_chooser ();
  test_wait_until (pointer_cleared, &w);
  g_assert_null (w);
  g_assert_true (g_file_get_contents (path, &saved, NULL, NULL));
  g_assert_cmpstr (saved, ==, text);

  /* Discard: closes, nothing written */
  w = window_with_edit (&p);
  g_object_add_weak_pointer (G_OBJECT (w), (gpointer *) &w);
  g_remove (path);
  gtk_window_close (GTK_WINDOW (w));
  answer_confirm ("discard");
  test_wait_until (pointer_cleared, &w);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

/* Drops files on the page through its GtkDropTarget's handler */
static gboolean
drop_files (const char * const *paths)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (page));
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GValue) value = G_VALUE_INIT;
  GtkDropTarget *target = NULL;
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (c))
        target = GTK_DROP_TARGET (c);
    }
  g_assert_nonnull (target);
  g_assert_true (gdk_content_formats_contain_gtype (gtk_drop_target_get_formats (target), GDK_TYPE_FILE_LIST));
  for (guint i = 0; paths[i] != NULL; i++)
    g_ptr_array_add (files, g_file_new_for_path (paths[i]));
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_array ((GFile **) files->pdata, files->len));
  g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &handled);
  return handled;
}

static void
test_drop (void)
{
  g_autofree char *table = fixture ("clinical.csv");
  g_autofree char *tsv = temp_file ("dropped.tsv", "id\tsex\nP1\tm\nP2\tf\nP3\tf\n", -1);
  g_autofree char *mapping = temp_file ("dropped.mapping.json",
                                        "{\"format\": \"cohortscope-mapping/1\", \"id\": \"dropped\"}\n", -1);
  g_autofree char *other = temp_file ("picture.png", "\x89PNG", 4);
  g_autofree char *text = NULL;
  const char *table_only[] = { tsv, NULL };
  const char *mapping_only[] = { mapping, NULL };
  const char *nothing_usable[] = { other, NULL };
  const char *both[] = { other, table, mapping, NULL };

  /* a table: it opens */
  g_assert_false (cs_mapping_page_get_modified (page));
  g_assert_true (drop_files (table_only));
  wait_idle ();
  g_assert_cmpuint (cs_mapping_page_get_n_rows (page), ==, 3);
  g_assert_cmpuint (cs_mapping_page_get_n_columns (page), ==, 2);

  /* a mapping file: it opens in the editor */
  g_assert_true (drop_files (mapping_only));
  wait_idle ();
  text = mapping_text ();
  g_assert_nonnull (strstr (text, "\"id\": \"dropped\""));

  /* over unsaved edits it asks first */
  make_unsaved_edit (page);
  g_assert_true (drop_files (mapping_only));
  g_assert_nonnull (find_confirm_dialog ());
  answer_confirm ("cancel");
  g_assert_true (cs_mapping_page_get_modified (page));
  gtk_text_buffer_set_modified (cs_mapping_page_get_mapping_buffer (page), FALSE);

  /* neither: refused, nothing changes */
  g_assert_false (drop_files (nothing_usable));
  g_assert_cmpuint (cs_mapping_page_get_n_columns (page), ==, 2);

  /* several: the first table or mapping wins */
  g_assert_true (drop_files (both));
  wait_idle ();
  g_assert_cmpuint (cs_mapping_page_get_n_columns (page), ==, 10);
}

/* A table dropped (on the page, or on the window from elsewhere) is asked
 * about as Open Table asks: which input, when the mapping reads several */
static void
test_drop_asks_role (void)
{
  g_autofree char *clinical2 = temp_file ("join-clinical-3.csv", "PatientID,age\nP2,72\n", -1);
  const char *dropped[] = { clinical2, NULL };
  g_autoptr(GFile) file = g_file_new_for_path (clinical2);
  g_autofree char *preview = NULL;
  GtkDropDown *switcher = cs_mapping_page_get_table_switcher (page);

  open_join_mapping ();
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (switcher)), ==, 2);

  /* dropped on the page: asked, and read as the input chosen */
  g_assert_true (drop_files (dropped));
  answer_input_dialog ("role:clinical");
  g_assert_cmpstr (shown_role (switcher), ==, "clinical");
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (switcher)), ==, 2);
  preview = cs_mapping_page_get_preview_text (page);
  g_assert_nonnull (strstr (preview, "\"value\": \"P2\""));
  g_assert_false (cs_mapping_page_get_modified (page));

  /* dropped on the window (or given on the command line): asked too;
   * Cancel opens nothing */
  cs_window_open_files (window, &file, 1);
  answer_input_dialog ("cancel");
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (switcher)), ==, 2);
  g_assert_cmpstr (shown_role (switcher), ==, "clinical");
  g_assert_false (cs_mapping_page_get_modified (page));

  /* several dropped at once: the one named after an input (clinical.csv)
   * is read as it, only the other is asked about; the table for the input
   * shown is shown, the other is read for the joins */
  {
    g_autofree char *named = temp_file ("clinical.csv", "PatientID,age\nP3,73\n", -1);
    g_autofree char *unnamed = temp_file ("studies-2024.csv", "PatientID,StudyUID\nP3,1.2.9\n", -1);
    const char *several[] = { unnamed, named, NULL };

    g_assert_true (drop_files (several));
    test_maybe_screenshot (GTK_WINDOW (find_dialog ("Which Input Is This Table?")), "mapping-which-input");
    answer_input_dialog ("role:dicom");
    g_assert_null (find_dialog ("Which Input Is This Table?"));
    wait_idle ();
    g_assert_cmpstr (shown_role (switcher), ==, "clinical");
    g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (switcher)), ==, 2);
    g_free (preview);
    preview = cs_mapping_page_get_preview_text (page);
    g_assert_nonnull (strstr (preview, "\"value\": \"P3\""));
    gtk_drop_down_set_selected (switcher, 1);
    wait_idle ();
    g_assert_cmpstr (shown_role (switcher), ==, "dicom");
    g_free (preview);
    preview = cs_mapping_page_get_preview_text (page);
    g_assert_nonnull (strstr (preview, "\"description\": \"73\""));
  }

  /* given to the window, both named after inputs: nothing is asked */
  {
    g_autofree char *dicom = temp_file ("Dicom.csv", "PatientID,StudyUID\nP4,1.2.10\n", -1);
    g_autofree char *clinical = temp_file ("clinical.csv", "PatientID,age\nP4,74\n", -1);
    g_autoptr(GFile) first = g_file_new_for_path (clinical);
    g_autoptr(GFile) second = g_file_new_for_path (dicom);
    GFile *files[2] = { first, second };

    cs_window_open_files (window, files, 2);
    g_assert_null (find_dialog ("Which Input Is This Table?"));
    wait_idle ();
    g_assert_cmpstr (shown_role (switcher), ==, "dicom");
    g_free (preview);
    preview = cs_mapping_page_get_preview_text (page);
    g_assert_nonnull (strstr (preview, "\"description\": \"74\""));
    g_assert_false (cs_mapping_page_get_modified (page));
  }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  tmp_dir = test_gui_init (&argc, &argv, "cohortscope-mapping-gui-XXXXXX");
  if (tmp_dir == NULL)
    return 0;

  window = cs_window_new (NULL);
  g_object_ref_sink (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 860);
  gtk_window_present (GTK_WINDOW (window));
  page = cs_window_get_mapping_page (window);

  g_test_add_func ("/gui/mapping/open-csv", test_open_csv);
  g_test_add_func ("/gui/mapping/edit-updates-preview", test_edit_updates_preview);
  g_test_add_func ("/gui/mapping/broken-mapping", test_broken_mapping);
  g_test_add_func ("/gui/mapping/provenance", test_provenance);
  g_test_add_func ("/gui/mapping/value-map-coverage", test_value_map_coverage);
  g_test_add_func ("/gui/mapping/multi-row-preview", test_multi_row_preview);
  g_test_add_func ("/gui/mapping/structure-column", test_structure_column);
  g_test_add_func ("/gui/mapping/structure-code-picker", test_structure_code_picker);
  g_test_add_func ("/gui/mapping/value-map-entry", test_value_map_entry);
  g_test_add_func ("/gui/mapping/validate", test_validate);
  g_test_add_func ("/gui/mapping/cell-marks", test_cell_marks);
  g_test_add_func ("/gui/mapping/save-reopen", test_save_reopen);
  g_test_add_func ("/gui/mapping/run-and-open", test_run_and_open);
  g_test_add_func ("/gui/mapping/bad-tables", test_bad_tables);
  g_test_add_func ("/gui/mapping/lung1-example", test_lung1_example);
  g_test_add_func ("/gui/mapping/newer-mapping", test_newer_mapping);
  g_test_add_func ("/gui/mapping/several-inputs", test_several_inputs);
  g_test_add_func ("/gui/mapping/problems-of-other-inputs", test_problems_of_other_inputs);
  g_test_add_func ("/gui/mapping/toolbar-fits", test_toolbar_fits);
  g_test_add_func ("/gui/mapping/unsaved-open", test_unsaved_open);
  g_test_add_func ("/gui/mapping/unsaved-close", test_unsaved_close);
  g_test_add_func ("/gui/mapping/drop", test_drop);
  g_test_add_func ("/gui/mapping/drop-asks-role", test_drop_asks_role);

  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&window);
  test_gui_cleanup (g_steal_pointer (&tmp_dir));
  return ret;
}
