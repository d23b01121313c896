/* test-gui-window.c: the main window through its real code paths (Xvfb)
 *
 * Loads the demo cohort the way the "Open Demo Cohort" action does (generated
 * into $XDG_CACHE_HOME, then cs_store_load_async), then checks the count
 * label, the table model, sorting with missing values last, the selection
 * setter, the patient detail window, cancelling and a load error.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>

#include "cs-cohort-view.h"
#include "cs-load-report-dialog.h"
#include "cs-patient-detail.h"
#include "cs-gui-util.h"
#include "cs-patient-list-model.h"
#include "cs-saved-servers.h"
#include "cs-window.h"
#include "gui-test-util.h"

static CsWindow *window;
static char *tmp_dir;

/* Also lets the idle work after loading (list items, labels) run */
static void
wait_for_load (void)
{
  test_wait_until (test_window_loaded, window);
}

static void
test_demo (void)
{
  g_autofree char *demo_path = cs_window_get_demo_path ();
  CsCohortView *view = cs_window_get_cohort_view (window);

  g_assert_true (g_str_has_prefix (demo_path, tmp_dir));
  g_assert_false (g_file_test (demo_path, G_FILE_TEST_EXISTS));

  cs_window_open_demo (window);
  g_assert_true (cs_window_get_loading (window));
  wait_for_load ();

  g_assert_true (g_file_test (demo_path, G_FILE_TEST_IS_REGULAR));
  g_assert_nonnull (cs_window_get_store (window));
  g_assert_cmpuint (cs_store_get_n_patients (cs_window_get_store (window)), ==, 400);
  g_assert_cmpstr (cs_cohort_view_get_count_text (view), ==, "400 of 400 patients");
  g_assert_cmpuint (g_list_model_get_n_items (cs_cohort_view_get_patient_model (view)), ==, 400);
  /* The cohort view replaced the empty state */
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (view)));

  /* The default columns: some variables besides the patient id */
  {
    g_auto(GStrv) keys = cs_cohort_view_dup_column_keys (view);

    g_assert_cmpuint (g_strv_length (keys), >=, 3);
    g_assert_true (g_strv_contains ((const char * const *)keys, "gender"));
  }
}

static CsVariable *
find_numeric_with_missing (CsStore *store)
{
  CsVariable *fallback = NULL;

  for (guint i = 0; i < cs_store_get_n_variables (store); i++)
    {
      CsVariable *var = cs_store_get_variable (store, i);

      if (var->type != CS_VARIABLE_NUMERIC)
        continue;
      if (var->n > 1 && var->n < var->n_rows)
        return var;
      if (fallback == NULL && var->n > 1)
        fallback = var;
    }

  return fallback;
}

static void
wait_for_sort (GListModel *model)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  g_assert_true (GTK_IS_SORT_LIST_MODEL (model));
  while (gtk_sort_list_model_get_pending (GTK_SORT_LIST_MODEL (model)) > 0
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (gtk_sort_list_model_get_pending (GTK_SORT_LIST_MODEL (model)), ==, 0);
}

static void
check_sorted (GListModel *model,
              CsVariable *var,
              gboolean    descending)
{
  guint n = g_list_model_get_n_items (model);
  gboolean seen_missing = FALSE;
  double previous = descending ? INFINITY : -INFINITY;
  guint n_values = 0;

  wait_for_sort (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CsPatientRow) row = g_list_model_get_item (model, i);
      double value = var->num[cs_patient_row_get_row (row)];

      if (isnan (value))
        {
          seen_missing = TRUE;
          continue;
        }

      /* No value after a missing one: missing values sort last */
      g_assert_false (seen_missing);
      if (descending)
        g_assert_cmpfloat (value, <=, previous);
      else
        g_assert_cmpfloat (value, >=, previous);
      previous = value;
      n_values++;
    }

  g_assert_cmpuint (n_values, ==, var->n);
}

static void
test_sort (void)
{
  CsCohortView *view = cs_window_get_cohort_view (window);
  CsStore *store = cs_window_get_store (window);
  GListModel *model = cs_cohort_view_get_patient_model (view);
  CsVariable *var = find_numeric_with_missing (store);

  g_assert_nonnull (var);
  g_test_message ("sorting by %s (%u of %u values)", var->key, var->n, var->n_rows);

  g_assert_true (cs_cohort_view_sort_by_key (view, var->key, GTK_SORT_ASCENDING));
  check_sorted (model, var, FALSE);
  g_assert_true (cs_cohort_view_sort_by_key (view, var->key, GTK_SORT_DESCENDING));
  check_sorted (model, var, TRUE);

  g_assert_false (cs_cohort_view_sort_by_key (view, "no.such.variable", GTK_SORT_ASCENDING));

  /* Back to patient id order */
  g_assert_true (cs_cohort_view_sort_by_key (view, NULL, GTK_SORT_ASCENDING));
  wait_for_sort (model);
  {
    g_autoptr(CsPatientRow) first = g_list_model_get_item (model, 0);
    g_autoptr(CsPatientRow) second = g_list_model_get_item (model, 1);

    g_assert_cmpstr (cs_store_get_patient_id (store, cs_patient_row_get_row (first)), <,
                     cs_store_get_patient_id (store, cs_patient_row_get_row (second)));
  }
}

static void
test_selection (void)
{
  CsCohortView *view = cs_window_get_cohort_view (window);
  g_autoptr(CsBitset) rows = cs_bitset_new (400);

  for (guint i = 0; i < 400; i += 40)
    cs_bitset_set (rows, i);

  cs_cohort_view_set_selection (view, rows);
  g_assert_cmpstr (cs_cohort_view_get_count_text (view), ==, "10 of 400 patients");
  g_assert_cmpuint (g_list_model_get_n_items (cs_cohort_view_get_patient_model (view)), ==, 10);

  cs_cohort_view_set_selection (view, NULL);
  g_assert_cmpstr (cs_cohort_view_get_count_text (view), ==, "400 of 400 patients");
  g_assert_cmpuint (g_list_model_get_n_items (cs_cohort_view_get_patient_model (view)), ==, 400);
}

static void
test_detail (void)
{
  CsCohortView *view = cs_window_get_cohort_view (window);
  GtkWindow *detail;
  g_autofree char *json = NULL;
  guint n_resources;

  detail = cs_cohort_view_open_patient (view, 0);
  g_assert_true (CS_IS_PATIENT_DETAIL (detail));

  n_resources = cs_patient_detail_get_n_resources (CS_PATIENT_DETAIL (detail));
  g_assert_cmpuint (n_resources, >, 1);
  test_maybe_screenshot (detail, "patient-detail");

  /* The Patient itself is shown first */
  json = cs_patient_detail_dup_json_text (CS_PATIENT_DETAIL (detail));
  g_assert_nonnull (json);
  g_assert_cmpuint (strlen (json), >, 10);
  g_assert_nonnull (strstr (json, "\"resourceType\""));
  g_assert_nonnull (strstr (json, "\"Patient\""));

  /* How derived: the demo's first patient died (vital status); age from the NSCLC Condition */
  gtk_window_present (detail);
  test_maybe_screenshot (detail, "patient-detail");
  {
    g_autofree char *how = cs_patient_detail_dup_derivation_text (CS_PATIENT_DETAIL (detail));

    g_assert_nonnull (strstr (how, "Age at diagnosis: 69.75 years\n"));
    g_assert_nonnull (strstr (how, "Overall survival: 51 days\n"));
    g_assert_nonnull (strstr (how, "Condition/demo-0001-nsclc “Non-small cell lung cancer” "
                                   "(http://snomed.info/sct|254637007) onsetDateTime 2015-10-16 − "
                                   "Patient/demo-0001 birthDate 1946-01-13"));
    g_assert_nonnull (strstr (how, "Deceased: true\nPatient/demo-0001 deceasedDateTime 2015-12-06\n"));
    g_assert_nonnull (strstr (how, "time: survival_time of Observation/demo-0001-survival; "
                                   "event: vital_status “Dead” (Observation/demo-0001-vital)"));
  }

  cs_patient_detail_select_resource (CS_PATIENT_DETAIL (detail), n_resources - 1);
  g_clear_pointer (&json, g_free);
  json = cs_patient_detail_dup_json_text (CS_PATIENT_DETAIL (detail));
  g_assert_nonnull (strstr (json, "\"resourceType\""));
  /* Anything but the Patient refers to it */
  g_assert_true (strstr (json, "\"subject\"") != NULL || strstr (json, "\"patient\"") != NULL);

  gtk_window_destroy (detail);
}

static GPtrArray *launched;

static void
fake_launcher (GtkWindow  *parent,
               const char *uri)
{
  g_ptr_array_add (launched, g_strdup (uri));
}

/* "Open Images": with the viewer of the server the cohort came from, the
 * study opens in the browser; without one, its UID is copied */
static void
test_detail_images (void)
{
  CsCohortView *view = cs_window_get_cohort_view (window);
  CsStore *store = cs_window_get_store (window);
  g_autoptr(GPtrArray) profiles = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *copied = NULL;
  GdkContentProvider *content;
  GValue value = G_VALUE_INIT;
  CsServerProfile *profile = cs_server_profile_new ("Kaapana", "https://kaapana.example.org/fhir/");
  GtkWindow *detail;
  GPtrArray *uids;
  guint position = G_MAXUINT;
  GListModel *model = cs_cohort_view_get_patient_model (view);

  launched = g_ptr_array_new_with_free_func (g_free);
  cs_gui_set_uri_launcher (fake_launcher);
  cs_server_profile_set_viewer_template (profile, "https://kaapana.example.org/ohif/viewer?StudyInstanceUIDs={study}");
  g_ptr_array_add (profiles, profile);
  g_assert_true (cs_server_profiles_save (profiles, NULL, &error));
  g_assert_no_error (error);
  cs_window_set_source_url (window, "https://kaapana.example.org/fhir");

  /* a patient with a study */
  for (guint i = 0; i < g_list_model_get_n_items (model) && position == G_MAXUINT; i++)
    {
      g_autoptr(CsPatientRow) row = g_list_model_get_item (model, i);
      GPtrArray *studies = cs_store_get_patient_study_uids (store, cs_patient_row_get_row (row));

      if (studies != NULL && studies->len > 0)
        position = i;
    }
  g_assert_cmpuint (position, !=, G_MAXUINT);
  detail = cs_cohort_view_open_patient (view, position);
  uids = cs_patient_detail_get_study_uids (CS_PATIENT_DETAIL (detail));
  g_assert_nonnull (uids);
  g_assert_cmpuint (uids->len, >, 0);
  g_assert_true (gtk_widget_get_sensitive (test_get_named (detail, "open-images")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (detail), "detail.open-study", "u", 0));
  expected = g_strconcat ("https://kaapana.example.org/ohif/viewer?StudyInstanceUIDs=",
                          (const char *) g_ptr_array_index (uids, 0), NULL);
  g_assert_cmpuint (launched->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (launched, 0), ==, expected);
  g_assert_false (cs_patient_detail_open_study (CS_PATIENT_DETAIL (detail), uids->len));

  /* without a viewer the UID goes to the clipboard */
  cs_patient_detail_set_viewer_template (CS_PATIENT_DETAIL (detail), NULL);
  g_assert_true (cs_patient_detail_open_study (CS_PATIENT_DETAIL (detail), 0));
  g_assert_cmpuint (launched->len, ==, 1);
  content = gdk_clipboard_get_content (gtk_widget_get_clipboard (GTK_WIDGET (detail)));
  g_assert_nonnull (content);
  g_value_init (&value, G_TYPE_STRING);
  g_assert_true (gdk_content_provider_get_value (content, &value, NULL));
  copied = g_value_dup_string (&value);
  g_value_unset (&value);
  g_assert_cmpstr (copied, ==, g_ptr_array_index (uids, 0));
  gtk_window_destroy (detail);

  /* a row's context menu opens the same patient, its images list shown */
  {
    g_autoptr(CsPatientRow) row = g_list_model_get_item (model, position);
    GListModel *toplevels = gtk_window_get_toplevels ();
    guint n_before = g_list_model_get_n_items (toplevels);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "cohort.open-images", "u",
                                               cs_patient_row_get_row (row)));
    g_assert_cmpuint (g_list_model_get_n_items (toplevels), ==, n_before + 1);
    detail = NULL;
    for (guint i = 0; i < g_list_model_get_n_items (toplevels) && detail == NULL; i++)
      {
        g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

        if (CS_IS_PATIENT_DETAIL (w))
          detail = w;
      }
    g_assert_nonnull (detail);
    g_assert_true (gtk_menu_button_get_popover (GTK_MENU_BUTTON (test_get_named (detail, "open-images"))) != NULL);
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (test_get_named (detail, "open-images"))))));
    gtk_window_destroy (detail);
  }

  cs_window_set_source_url (window, NULL);
  cs_gui_set_uri_launcher (NULL);
  g_clear_pointer (&launched, g_ptr_array_unref);
}

static void
test_cancel (void)
{
  g_autofree char *demo_path = cs_window_get_demo_path ();
  const char *paths[] = { demo_path, NULL };
  CsStore *before = cs_window_get_store (window);

  cs_window_open_paths (window, paths, NULL);
  g_assert_true (cs_window_get_loading (window));
  cs_window_cancel_loading (window);
  wait_for_load ();

  /* The cohort that was open stays open */
  g_assert_true (cs_window_get_store (window) == before);
  g_assert_cmpstr (cs_cohort_view_get_count_text (cs_window_get_cohort_view (window)), ==, "400 of 400 patients");
}

static void
test_close_while_loading (void)
{
  g_autofree char *demo_path = cs_window_get_demo_path ();
  const char *paths[] = { demo_path, NULL };
  g_autoptr(CsWindow) other = g_object_ref_sink (cs_window_new (NULL));
  gint64 start;

  gtk_window_present (GTK_WINDOW (other));
  cs_window_open_paths (other, paths, NULL);
  g_assert_true (cs_window_get_loading (other));
  gtk_window_destroy (GTK_WINDOW (other));

  /* Destroying the window cancels its load (within 3 s); the callback
   * arrives after the window is gone and must not touch its widgets (no
   * criticals). */
  start = g_get_monotonic_time ();
  test_wait_until (test_window_loaded, other);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  g_assert_null (cs_window_get_store (other));
}

static GtkWindow *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel))
        return GTK_WINDOW (toplevel);
    }

  return NULL;
}

static void
test_error (void)
{
  g_autofree char *bad_path = g_build_filename (tmp_dir, "broken-bundle.json", NULL);
  const char *paths[] = { bad_path, NULL };
  CsStore *before = cs_window_get_store (window);
  GtkWindow *dialog;
  const char *body;

  g_assert_true (g_file_set_contents (bad_path,
                                      "{\"resourceType\": \"Bundle\", \"entry\": [{\"resource\": {\"resourceType\": ]}",
                                      -1, NULL));

  g_assert_null (find_message_dialog ());
  cs_window_open_paths (window, paths, NULL);
  wait_for_load ();

  g_assert_true (cs_window_get_store (window) == before);

  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  body = adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog));
  g_test_message ("error dialog: %s", body);
  /* The message names the file */
  g_assert_nonnull (strstr (body, "broken-bundle.json"));
  gtk_window_destroy (dialog);

  g_unlink (bad_path);
}



/* A folder with a file that is not FHIR opens; the warning naming the file
 * is in the Load Report behind the toast's Details button and the Open
 * menu (win.show-load-report), grouped as a file skipped. */
static void
test_load_warnings (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "bulk-export", NULL);
  g_autofree char *patients = g_build_filename (dir, "Patient.ndjson", NULL);
  g_autofree char *log = g_build_filename (dir, "log.ndjson", NULL);
  const char *paths[] = { dir, NULL };
  GPtrArray *warnings;
  CsLoadReportDialog *dialog;
  g_autofree char *body = NULL;

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (patients, "{\"resourceType\":\"Patient\",\"id\":\"a\"}\n", -1, NULL));
  g_assert_true (g_file_set_contents (log, "{\"level\":\"info\",\"message\":\"export done\"}\n", -1, NULL));

  cs_window_open_paths (window, paths, NULL);
  wait_for_load ();
  g_assert_nonnull (cs_window_get_store (window));
  g_assert_cmpuint (cs_store_get_n_patients (cs_window_get_store (window)), ==, 1);
  warnings = cs_store_get_warnings (cs_window_get_store (window));
  g_assert_cmpuint (warnings->len, ==, 1);

  g_assert_null (test_find_toplevel_of_type (CS_TYPE_LOAD_REPORT_DIALOG));
  g_assert_null (find_message_dialog ());
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-load-report", NULL));
  dialog = CS_LOAD_REPORT_DIALOG (test_find_toplevel_of_type (CS_TYPE_LOAD_REPORT_DIALOG));
  g_assert_nonnull (dialog);
  body = cs_load_report_dialog_dup_text (dialog);
  g_test_message ("load report: %s", body);
  g_assert_true (g_str_has_prefix (body, "1 patient, 1 resource, 1 warning\n"));
  g_assert_nonnull (strstr (body, "\nFiles skipped (1)\n• skipped a file that is not FHIR: "));
  g_assert_nonnull (strstr (body, "log.ndjson: byte 0: the object has no resourceType"));
  g_assert_cmpuint (cs_load_report_dialog_get_n_groups (dialog), ==, 1);
  test_maybe_screenshot (GTK_WINDOW (dialog), "load-report");
  gtk_window_destroy (GTK_WINDOW (dialog));

  g_unlink (patients);
  g_unlink (log);
  g_rmdir (dir);
}

/* The screenshots of the docs and the help show a window as users see it:
 * a test's window has no application, so its Open button (app.open) is
 * insensitive until test_maybe_screenshot() puts it in one */
static void
test_screenshot_application (void)
{
  g_autofree char *dir = g_build_filename (tmp_dir, "shots", NULL);
  g_autofree char *png = g_build_filename (dir, "app-actions.png", NULL);
  g_autofree char *saved = g_strdup (g_getenv ("CS_SCREENSHOT_DIR"));
  CsWindow *other = cs_window_new (NULL);
  GtkWidget *open;

  g_object_ref_sink (other);
  gtk_window_present (GTK_WINDOW (other));
  /* the header bar's split button: its main part is what shows insensitive */
  open = test_find_widget (GTK_WIDGET (other), NULL, "app.open");
  g_assert_true (ADW_IS_SPLIT_BUTTON (open));
  open = test_find_of_type (open, GTK_TYPE_BUTTON);
  g_assert_nonnull (open);
  g_assert_false (gtk_widget_is_sensitive (open));

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_setenv ("CS_SCREENSHOT_DIR", dir, TRUE);
  test_maybe_screenshot (GTK_WINDOW (other), "app-actions");
  if (saved != NULL)
    g_setenv ("CS_SCREENSHOT_DIR", saved, TRUE);
  else
    g_unsetenv ("CS_SCREENSHOT_DIR");

  g_assert_nonnull (gtk_window_get_application (GTK_WINDOW (other)));
  g_assert_true (gtk_widget_is_sensitive (open));
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (g_unlink (png), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  gtk_window_destroy (GTK_WINDOW (other));
  g_object_unref (other);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  /* The demo cohort is generated below tmp_dir (XDG_CACHE_HOME) */
  tmp_dir = test_gui_init (&argc, &argv, "cohortscope-gui-XXXXXX");
  if (tmp_dir == NULL)
    return 0;

  window = cs_window_new (NULL);
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));

  g_test_add_func ("/gui/window/demo", test_demo);
  g_test_add_func ("/gui/window/sort", test_sort);
  g_test_add_func ("/gui/window/selection", test_selection);
  g_test_add_func ("/gui/window/detail", test_detail);
  g_test_add_func ("/gui/window/detail-images", test_detail_images);
  g_test_add_func ("/gui/window/cancel", test_cancel);
  g_test_add_func ("/gui/window/error", test_error);
  g_test_add_func ("/gui/window/load-warnings", test_load_warnings);
  g_test_add_func ("/gui/window/close-while-loading", test_close_while_loading);
  g_test_add_func ("/gui/window/screenshot-application", test_screenshot_application);

  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&window);
  test_gui_cleanup (g_steal_pointer (&tmp_dir));

  return ret;
}
