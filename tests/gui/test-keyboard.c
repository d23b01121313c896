/* test-keyboard.c: focus traps and small screens in the views and dialogs,
 * under Xvfb
 *
 * - Tab and Shift+Tab cycle through every view (Cohort, the four pages of
 *   Explore, Mapping) and every dialog (Compare, Coverage, the Servers
 *   preferences and their editor, Open from Server, Open Cached, the load
 *   report, the two upload dialogs, a patient's details, the Mapping page's
 *   question about unsaved edits): the focus leaves
 *   each widget it reaches, stops only on widgets that are shown, and comes
 *   back to where it started (tests/gui/gui-test-util.c test_focus_walk);
 * - the Model page's controls have names and Tab reaches each of them;
 * - each dialog at 1024 × 768 and 800 × 600, light and dark, keeps the size
 *   a screen that small gives it (its content fits), and no widget outside
 *   a scrolled pane is cut off; with CS_SCREENSHOT_DIR it writes
 *   dialog-<name>-<size>-<style>.png.
 *
 * (test-a11y.c checks the main window at these sizes; the one-Tab-stop-per-
 * control check of the main views is the views' own test.)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "cs-cohort-builder-private.h"
#include "cs-compare-dialog.h"
#include "cs-coverage-dialog.h"
#include "cs-explore-view-private.h"
#include "cs-file-upload-dialog.h"
#include "cs-group-upload-dialog.h"
#include "cs-load-report-dialog.h"
#include "cs-mapping-page-private.h"
#include "cs-open-cached-dialog.h"
#include "cs-open-server-dialog.h"
#include "cs-patient-detail.h"
#include "cs-server-preferences.h"
#include "cs-window.h"
#include "gui-test-util.h"

/* enough for the longest cycle (the Cohort page with its cards) */
#define MAX_STEPS 600

static CsWindow *window;
static CsExploreView *explore;
static CsCohortBuilder *builder;
static char *tmp_dir;

/* Runs the main loop for ms milliseconds */
static gboolean
is_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget);
}

static GtkWidget *
list_of (GtkWidget *widget)
{
  for (GtkWidget *p = gtk_widget_get_parent (widget); p != NULL; p = gtk_widget_get_parent (p))
    if ((GTK_IS_LIST_BOX (p) && !gtk_widget_has_css_class (p, "boxed-list")) || GTK_IS_LIST_VIEW (p) ||
        GTK_IS_COLUMN_VIEW (p) || GTK_IS_GRID_VIEW (p))
      {
        /* a column view's rows are a list view inside it */
        GtkWidget *outer = gtk_widget_get_ancestor (p, GTK_TYPE_COLUMN_VIEW);

        return outer != NULL ? outer : p;
      }
  return NULL;
}

/* A list is one Tab stop (the arrows move within it), not one per row; a
 * boxed list of rows (a form, as AdwPreferencesGroup's) is a column of
 * controls, each its own stop. */
static void
assert_one_stop_per_list (GPtrArray  *cycle,
                          gboolean    backward,
                          GString    *problems)
{
  g_autoptr(GHashTable) stops = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < cycle->len; i++)
    {
      GtkWidget *list = list_of (cycle->pdata[i]);
      guint n;

      if (list == NULL)
        continue;
      n = GPOINTER_TO_UINT (g_hash_table_lookup (stops, list)) + 1;
      g_hash_table_insert (stops, list, GUINT_TO_POINTER (n));
      if (n == 2)
        {
          g_autofree char *what = test_describe_widget (list);

          g_string_append_printf (problems, "%s stops more than once in %s\n",
                                  backward ? "Shift+Tab" : "Tab", what);
        }
    }
}

/* Tab and Shift+Tab from the first widget of page that takes the focus */
static void
walk_from (GtkWindow  *win,
           GtkWidget  *page,
           const char *what,
           GString    *problems)
{
  for (guint backward = 0; backward < 2; backward++)
    {
      gsize before = problems->len;
      GPtrArray *cycle;
      guint n;

      gtk_root_set_focus (GTK_ROOT (win), NULL);
      if (page != NULL && !gtk_widget_child_focus (page, GTK_DIR_TAB_FORWARD))
        g_string_append_printf (problems, "%s: nothing in it takes the focus\n", what);
      cycle = test_focus_cycle (win, backward, MAX_STEPS, problems);
      n = cycle->len;
      g_test_message ("%s: %s cycles through %u widgets", what, backward ? "Shift+Tab" : "Tab", n);
      assert_one_stop_per_list (cycle, backward, problems);
      g_clear_pointer (&cycle, g_ptr_array_unref);
      if (problems->len > before)
        g_string_insert (problems, before, what), g_string_insert (problems, before + strlen (what), ": ");
    }
}

/* ------------------------------------------------------------------- views */

static void
test_views (void)
{
  static const struct { const char *view, *mode; } pages[] = {
    { "cohort", NULL }, { "explore", "heatmap" }, { "explore", "pair" }, { "explore", "survival" },
    { "explore", "model" }, { "mapping", NULL },
  };
  g_autoptr(GString) problems = g_string_new (NULL);
  GtkWidget *stack = test_find_of_type (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK);

  g_assert_true (cs_explore_view_show_pair (explore, "original_shape_voxelvolume", "age_at_diagnosis"));
  g_assert_true (cs_explore_view_show_survival (explore, "os", "stage_group", NULL));
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *what = g_strdup_printf ("view %s%s%s", pages[i].view, pages[i].mode ? "/" : "",
                                               pages[i].mode ? pages[i].mode : "");

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", pages[i].view));
      if (pages[i].mode != NULL)
        {
          cs_explore_view_set_mode (explore, pages[i].mode);
          test_wait_until (test_explore_idle, explore);
        }
      test_run_for (200);
      walk_from (GTK_WINDOW (window), adw_view_stack_get_visible_child (ADW_VIEW_STACK (stack)), what, problems);
    }
  if (problems->len > 0)
    g_error ("focus traps in the views:\n%s", problems->str);
}

/* ------------------------------------------------------------ Model page */

static gboolean
is_control (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) || GTK_IS_EDITABLE (widget) || GTK_IS_DROP_DOWN (widget) ||
         GTK_IS_CHECK_BUTTON (widget) || GTK_IS_SPIN_BUTTON (widget) || GTK_IS_SWITCH (widget);
}

static gboolean
in_list (GtkWidget *widget,
         GtkWidget *page)
{
  for (GtkWidget *p = gtk_widget_get_parent (widget); p != NULL && p != page; p = gtk_widget_get_parent (p))
    if (GTK_IS_LIST_BOX (p) || GTK_IS_LIST_VIEW (p) || GTK_IS_COLUMN_VIEW (p))
      return TRUE;
  return FALSE;
}

/* The control (a drop-down, an entry) that holds focus widget, or focus */
static gboolean
reached (GtkWidget *control,
         GPtrArray *cycle)
{
  for (guint i = 0; i < cycle->len; i++)
    if (cycle->pdata[i] == control || gtk_widget_is_ancestor (cycle->pdata[i], control))
      return TRUE;
  return FALSE;
}

static void
collect_controls (GtkWidget *widget,
                  GtkWidget *page,
                  GPtrArray *out)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (is_control (widget) && gtk_widget_is_sensitive (widget) && !in_list (widget, page))
    {
      g_ptr_array_add (out, widget);
      return;   /* its parts are the one control */
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_controls (c, page, out);
}

static gboolean
has_name (GtkWidget *widget)
{
  const char *text = NULL;

  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL) ||
      gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;
  if (GTK_IS_BUTTON (widget))
    text = gtk_button_get_label (GTK_BUTTON (widget));
  return text != NULL && *text != '\0';
}

static void
test_model_page (void)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GPtrArray) controls = g_ptr_array_new ();
  g_autoptr(GPtrArray) cycle = NULL;
  GtkWidget *page;
  GtkWidget *list;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "explore"));
  cs_explore_view_set_mode (explore, "model");
  test_wait_until (test_explore_idle, explore);
  test_run_for (200);
  page = test_find_of_type (GTK_WIDGET (explore), g_type_from_name ("CsExploreModel"));
  g_assert_nonnull (page);
  g_assert_true (gtk_widget_get_mapped (page));
  collect_controls (page, page, controls);
  /* time, search, reference levels, strata, score name, the buttons */
  g_assert_cmpuint (controls->len, >=, 5);

  gtk_root_set_focus (GTK_ROOT (window), NULL);
  g_assert_true (gtk_widget_child_focus (page, GTK_DIR_TAB_FORWARD));
  cycle = test_focus_cycle (GTK_WINDOW (window), FALSE, MAX_STEPS, problems);
  for (guint i = 0; i < controls->len; i++)
    {
      g_autofree char *what = test_describe_widget (controls->pdata[i]);

      if (!has_name (controls->pdata[i]))
        g_string_append_printf (problems, "the Model page's %s has no accessible name\n", what);
      if (!reached (controls->pdata[i], cycle))
        g_string_append_printf (problems, "Tab never reaches the Model page's %s\n", what);
    }
  /* the covariates: Tab enters the list (arrows move within it) */
  list = test_find_of_type (page, GTK_TYPE_LIST_BOX);
  g_assert_nonnull (list);
  if (!has_name (list))
    g_string_append (problems, "the Model page's covariate list has no accessible name\n");
  if (!reached (list, cycle))
    g_string_append (problems, "Tab never reaches the Model page's covariate list\n");
  /* Enter or Space on a covariate's row (the list's focus) ticks it */
  {
    GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0);
    GtkWidget *check = test_find_of_type (GTK_WIDGET (row), GTK_TYPE_CHECK_BUTTON);
    gboolean was = gtk_check_button_get_active (GTK_CHECK_BUTTON (check));

    g_assert_true (gtk_widget_activate (GTK_WIDGET (row)));
    if (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)) == was)
      g_string_append (problems, "activating a covariate's row does not tick it\n");
    g_assert_true (gtk_widget_activate (GTK_WIDGET (row)));
    g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)) == was);
    test_wait_until (test_explore_idle, explore);
  }
  if (problems->len > 0)
    g_error ("the Model page by keyboard:\n%s", problems->str);
}

/* ----------------------------------------------------------------- dialogs */

static gboolean
surface_is (GtkWindow *win,
            int        width,
            int        height)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (win));

  return surface != NULL && gdk_surface_get_width (surface) == width && gdk_surface_get_height (surface) == height;
}

/* The dialog on a screen of width × height: at most that size (its own
 * default when smaller); appends what does not fit to problems. */
static void
check_dialog_size (GtkWindow  *dialog,
                   const char *name,
                   int         screen_w,
                   int         screen_h,
                   GString    *problems)
{
  g_autoptr(GString) outside = g_string_new (NULL);
  g_autofree char *shot = g_strdup_printf ("dialog-%s-%dx%d-%s", name, screen_w, screen_h,
                                           adw_style_manager_get_dark (adw_style_manager_get_default ())
                                           ? "dark" : "light");
  int dw, dh, nat_w, nat_h, w, h;

  gtk_window_get_default_size (dialog, &dw, &dh);
  gtk_widget_measure (GTK_WIDGET (dialog), GTK_ORIENTATION_HORIZONTAL, -1, NULL, &nat_w, NULL, NULL);
  w = MIN (dw > 0 ? dw : nat_w, screen_w);
  gtk_widget_measure (GTK_WIDGET (dialog), GTK_ORIENTATION_VERTICAL, w, NULL, &nat_h, NULL, NULL);
  h = MIN (dh > 0 ? dh : nat_h, screen_h);
  gtk_window_set_default_size (dialog, w, h);
  for (guint i = 0; i < 200 && !surface_is (dialog, w, h); i++)
    test_iterate (5), g_usleep (10000);
  test_run_for (150);
  test_maybe_screenshot (dialog, shot);
  if (!surface_is (dialog, w, h))
    {
      int min_w, min_h;
      GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (dialog));

      gtk_widget_measure (GTK_WIDGET (dialog), GTK_ORIENTATION_HORIZONTAL, -1, &min_w, NULL, NULL, NULL);
      gtk_widget_measure (GTK_WIDGET (dialog), GTK_ORIENTATION_VERTICAL, w, &min_h, NULL, NULL, NULL);
      g_string_append_printf (problems, "%s: is %d × %d, not %d × %d (its content needs %d × %d)\n", shot,
                              gdk_surface_get_width (surface), gdk_surface_get_height (surface),
                              w, h, min_w, min_h);
      return;
    }
  test_collect_outside (GTK_WIDGET (dialog), gtk_widget_get_width (GTK_WIDGET (dialog)),
                        gtk_widget_get_height (GTK_WIDGET (dialog)), outside);
  if (outside->len > 0)
    g_string_append_printf (problems, "%s: cut off:\n%s", shot, outside->str);
}

/* Tab cycles, then sizes in both styles; destroys the dialog */
static void
check_dialog (GtkWindow  *dialog,
              const char *name,
              GString    *problems)
{
  AdwStyleManager *styles = adw_style_manager_get_default ();

  g_assert_nonnull (dialog);
  gtk_window_present (dialog);
  test_wait_until (is_mapped, dialog);
  test_run_for (100);
  walk_from (dialog, NULL, name, problems);
  for (guint dark = 0; dark < 2; dark++)
    {
      adw_style_manager_set_color_scheme (styles, dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
      test_iterate (10);
      check_dialog_size (dialog, name, 1024, 768, problems);
      check_dialog_size (dialog, name, 800, 600, problems);
    }
  adw_style_manager_set_color_scheme (styles, ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_destroy (dialog);
  test_iterate (10);
}

static void
on_confirmed (gpointer user_data,
              gboolean go_on)
{
  *(gboolean *) user_data = TRUE;
}

static gboolean
leaflet_still (gpointer leaflet)
{
  return !adw_leaflet_get_child_transition_running (leaflet);
}

static void
test_dialogs (void)
{
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autofree char *ndjson = g_build_filename (tmp_dir, "upload.ndjson", NULL);
  g_autoptr(GError) error = NULL;
  GtkWindow *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "cohort"));
  /* a saved cohort, so that Compare and the group upload offer it */
  g_assert_true (cs_filter_state_set_text (cs_cohort_builder_get_filter_state (builder),
                                           "age_at_diagnosis >= 65", NULL, NULL));
  cs_cohort_builder_flush (builder);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (builder), "filter.compare", NULL));
  check_dialog (test_find_toplevel_of_type (CS_TYPE_COMPARE_DIALOG), "compare", problems);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (builder), "filter.coverage", NULL));
  check_dialog (test_find_toplevel_of_type (CS_TYPE_COVERAGE_DIALOG), "coverage", problems);

  check_dialog (GTK_WINDOW (cs_server_preferences_new (GTK_WINDOW (window))), "servers", problems);
  {
    CsServerPreferences *prefs = cs_server_preferences_new (GTK_WINDOW (window));

    gtk_window_present (GTK_WINDOW (prefs));
    test_wait_until (is_mapped, prefs);
    cs_server_preferences_add_server (prefs);
    /* the editor slides in over the list */
    test_wait_until (leaflet_still, test_find_of_type (GTK_WIDGET (prefs), ADW_TYPE_LEAFLET));
    check_dialog (GTK_WINDOW (prefs), "server-editor", problems);
  }
  check_dialog (cs_open_server_dialog_new (window), "open-server", problems);
  check_dialog (cs_open_cached_dialog_new (window), "open-cached", problems);
  check_dialog (GTK_WINDOW (cs_load_report_dialog_new (GTK_WINDOW (window), cs_window_get_store (window),
                                                       "Demo cohort")),
                "load-report", problems);

  g_assert_true (g_file_set_contents (ndjson, "{\"resourceType\":\"Patient\",\"id\":\"u1\"}\n", -1, &error));
  g_assert_no_error (error);
  dialog = cs_file_upload_dialog_new (GTK_WINDOW (window));
  cs_file_upload_dialog_set_path (CS_FILE_UPLOAD_DIALOG (dialog), ndjson);
  check_dialog (dialog, "file-upload", problems);
  check_dialog (cs_group_upload_dialog_new (window, builder, -1), "group-upload", problems);
  dialog = GTK_WINDOW (cs_patient_detail_new (cs_window_get_store (window), 0));
  gtk_window_set_transient_for (dialog, GTK_WINDOW (window));
  check_dialog (dialog, "patient-detail", problems);

  /* the Mapping page's question before unsaved edits are dropped */
  {
    CsMappingPage *page = cs_window_get_mapping_page (window);
    GtkTextBuffer *buffer = cs_mapping_page_get_mapping_buffer (page);
    gboolean answered = FALSE;

    gtk_text_buffer_set_text (buffer, "{}", -1);
    gtk_text_buffer_set_modified (buffer, TRUE);
    cs_mapping_page_confirm_discard (page, G_CALLBACK (on_confirmed), &answered);
    dialog = GTK_WINDOW (test_find_message_dialog ());
    g_assert_nonnull (dialog);
    check_dialog (dialog, "mapping-unsaved", problems);
    gtk_text_buffer_set_modified (buffer, FALSE);
  }

  cs_filter_state_clear (cs_cohort_builder_get_filter_state (builder));
  cs_cohort_builder_flush (builder);
  if (problems->len > 0)
    g_error ("in the dialogs:\n%s", problems->str);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  tmp_dir = test_gui_init (&argc, &argv, "cohortscope-keyboard-XXXXXX");
  if (tmp_dir == NULL)
    return 0;
  window = test_demo_window_with_views (tmp_dir, &explore, &builder);

  g_test_add_func ("/gui/keyboard/views", test_views);
  g_test_add_func ("/gui/keyboard/model-page", test_model_page);
  g_test_add_func ("/gui/keyboard/dialogs", test_dialogs);

  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
  test_gui_cleanup (g_steal_pointer (&tmp_dir));
  return ret;
}
