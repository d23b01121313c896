/* test-cohort-builder.c: cohort building in the real window (Xvfb)
 *
 * Loads the demo cohort, clicks a bar of the stage_group summary chart
 * through the chart's hit test, and checks the "N of M patients" count
 * against cs_filter_evaluate() of the same expression, the chip, the
 * advanced text (the canonical filter) and undo; then a brush on a
 * histogram, the expression entry (errors inline) and saved cohorts.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "cs-cohort-builder-private.h"
#include "cs-cohort-view.h"
#include "cs-filter.h"
#include "cs-mini-chart-private.h"
#include "cs-window.h"
#include "gui-test-util.h"

static CsWindow *window;
static CsCohortBuilder *builder;

static gboolean
chart_allocated (gpointer data)
{
  GtkWidget *chart = _cs_cohort_builder_get_chart (builder, "stage_group");

  return chart != NULL && gtk_widget_get_width (chart) > 0;
}

static gboolean
count_reached (gpointer count)
{
  g_autofree char *text = g_strdup_printf ("%u of 400 patients", GPOINTER_TO_UINT (count));

  return g_strcmp0 (cs_cohort_view_get_count_text (cs_window_get_cohort_view (window)), text) == 0;
}

static void
wait_for_count (guint count)
{
  g_autofree char *text = g_strdup_printf ("%u of 400 patients", count);

  /* Evaluation runs on the next frame: no flush here */
  test_wait_until (count_reached, GUINT_TO_POINTER (count));
  g_assert_cmpstr (cs_cohort_view_get_count_text (cs_window_get_cohort_view (window)), ==, text);
  g_assert_cmpstr (cs_cohort_builder_get_count_text (builder), ==, text);
}

static guint
evaluate_count (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CsFilter) filter = cs_filter_parse (text, NULL, &error);
  g_autoptr(CsBitset) rows = NULL;

  g_assert_no_error (error);
  rows = cs_filter_evaluate (filter, cs_window_get_store (window), &error);
  g_assert_no_error (error);

  return cs_bitset_count (rows);
}

static char *
canonical (const char *text)
{
  g_autoptr(CsFilter) filter = cs_filter_parse (text, NULL, NULL);

  g_assert_nonnull (filter);
  return cs_filter_to_string (filter);
}

static guint
n_chips (void)
{
  GList *chips = _cs_cohort_builder_get_chips (builder);
  guint n = g_list_length (chips);

  g_list_free (chips);
  return n;
}

static void
test_load (void)
{
  cs_window_open_demo (window);
  test_wait_until (test_window_loaded, window);
  g_assert_nonnull (cs_window_get_store (window));

  builder = CS_COHORT_BUILDER (gtk_widget_get_ancestor (GTK_WIDGET (cs_window_get_cohort_view (window)),
                                                        CS_TYPE_COHORT_BUILDER));
  g_assert_nonnull (builder);
  g_assert_true (cs_cohort_builder_get_store (builder) == cs_window_get_store (window));
  test_wait_until (chart_allocated, NULL);

  /* The default pins that the demo has */
  g_assert_nonnull (_cs_cohort_builder_get_chart (builder, "stage_group"));
  g_assert_nonnull (_cs_cohort_builder_get_chart (builder, "histology"));
  g_assert_nonnull (_cs_cohort_builder_get_chart (builder, "age_at_diagnosis"));
  g_assert_null (_cs_cohort_builder_get_chart (builder, "no_such_variable"));
  g_assert_cmpstr (cs_cohort_view_get_count_text (cs_window_get_cohort_view (window)), ==, "400 of 400 patients");
  g_assert_cmpuint (n_chips (), ==, 0);
}

/* The filter text of a level: its code ("IV" is coded "4" in the demo) */
static char *
level_expr (const char *display)
{
  CsVariable *var = cs_store_lookup_variable (cs_window_get_store (window), "stage_group");
  int index = cs_variable_find_level (var, display);
  const CsLevel *level;

  g_assert_cmpint (index, >=, 0);
  level = g_ptr_array_index (var->levels, index);
  return g_strdup_printf ("stage_group = \"%s\"", level->code);
}

static void
test_bar_click (void)
{
  GtkWidget *chart = _cs_cohort_builder_get_chart (builder, "stage_group");
  g_autofree char *expr = level_expr ("IV");
  g_autofree char *expr_i = level_expr ("I");
  guint expected = evaluate_count (expr);
  g_autofree char *canon = canonical (expr);
  double x = 0, y = 0;
  GList *chips;

  g_assert_cmpuint (expected, >, 0);
  g_assert_cmpuint (expected, <, 400);
  g_assert_true (_cs_mini_chart_get_bar_center (CS_MINI_CHART (chart), "IV", &x, &y));
  g_assert_true (_cs_mini_chart_click (CS_MINI_CHART (chart), x, y));
  wait_for_count (expected);

  /* The chip, with its accessible name */
  chips = _cs_cohort_builder_get_chips (builder);
  g_assert_cmpuint (g_list_length (chips), ==, 1);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (chips->data), ==, expr);
  g_list_free (chips);

  /* The advanced text is the canonical filter */
  g_assert_cmpstr (gtk_editable_get_text (_cs_cohort_builder_get_expression_entry (builder)), ==, canon);
  g_assert_nonnull (cs_cohort_builder_get_selection (builder));
  g_assert_cmpuint (cs_bitset_count (cs_cohort_builder_get_selection (builder)), ==, expected);

  /* A second bar: both levels */
  g_assert_true (_cs_mini_chart_get_bar_center (CS_MINI_CHART (chart), "I", &x, &y));
  g_assert_true (_cs_mini_chart_click (CS_MINI_CHART (chart), x, y));
  wait_for_count (evaluate_count ("stage_group in (\"IV\", \"I\")"));
  g_assert_cmpuint (evaluate_count ("stage_group in (\"IV\", \"I\")"), ==, expected + evaluate_count (expr_i));
  g_assert_cmpuint (n_chips (), ==, 1);

  /* Undo (the action behind Ctrl+Z) twice restores everyone */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (builder), "filter.undo", NULL));
  wait_for_count (expected);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (builder), "filter.undo", NULL));
  wait_for_count (400);
  g_assert_cmpuint (n_chips (), ==, 0);
  g_assert_cmpstr (gtk_editable_get_text (_cs_cohort_builder_get_expression_entry (builder)), ==, "");

  /* Redo brings the first click back */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (builder), "filter.redo", NULL));
  wait_for_count (expected);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (builder), "filter.clear", NULL));
  wait_for_count (400);

  /* Removing by the chip */
  g_assert_true (_cs_mini_chart_click (CS_MINI_CHART (chart), x, y));
  wait_for_count (evaluate_count (expr_i));
  chips = _cs_cohort_builder_get_chips (builder);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (chips->data), ==, expr_i);
  g_signal_emit_by_name (chips->data, "clicked");
  g_list_free (chips);
  wait_for_count (400);
}

static void
test_brush (void)
{
  GtkWidget *chart = _cs_cohort_builder_get_chart (builder, "age_at_diagnosis");
  CsFilterState *state = cs_cohort_builder_get_filter_state (builder);
  const CsFilterClause *clause;
  int width = gtk_widget_get_width (chart);
  g_autofree char *text = NULL;
  guint expected;

  g_assert_cmpint (width, >, 40);
  _cs_mini_chart_brush (CS_MINI_CHART (chart), width * 0.3, width * 0.7, 10);
  g_assert_cmpuint (cs_filter_state_get_n_clauses (state), ==, 1);
  clause = cs_filter_state_get_clause (state, 0);
  g_assert_cmpint (clause->kind, ==, CS_CLAUSE_RANGE);
  g_assert_cmpstr (clause->key, ==, "age_at_diagnosis");
  g_assert_true (clause->lo < clause->hi);

  text = g_strdup (cs_filter_state_get_text (state));
  expected = evaluate_count (text);
  g_assert_cmpuint (expected, >, 0);
  g_assert_cmpuint (expected, <, 400);
  wait_for_count (expected);

  /* The whole drag is one undo step */
  g_assert_true (cs_filter_state_undo (state));
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "");
  wait_for_count (400);
}

static void
test_expression (void)
{
  GtkEditable *entry = _cs_cohort_builder_get_expression_entry (builder);
  CsFilterState *state = cs_cohort_builder_get_filter_state (builder);
  const char *expr = "gender = \"female\" and age_at_diagnosis >= 60";

  gtk_editable_set_text (entry, "stage_group = ");
  g_signal_emit_by_name (entry, "activate");
  g_assert_true (strstr (_cs_cohort_builder_get_expression_error (builder), "column 15") != NULL);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (entry), "error"));
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "");

  gtk_editable_set_text (entry, expr);
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpstr (_cs_cohort_builder_get_expression_error (builder), ==, "");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (entry), "error"));
  g_assert_cmpuint (cs_filter_state_get_n_clauses (state), ==, 2);
  g_assert_cmpuint (n_chips (), ==, 2);
  wait_for_count (evaluate_count (expr));

  /* A sidebar control for a filtered variable shows its bound */
  g_assert_true (cs_cohort_builder_add_control (builder, "age_at_diagnosis"));
  g_assert_true (cs_cohort_builder_add_control (builder, "smoking_status"));
  g_assert_false (cs_cohort_builder_add_control (builder, "no_such_variable"));
}

static void
test_saved (void)
{
  CsFilterState *state = cs_cohort_builder_get_filter_state (builder);
  g_autofree char *text = g_strdup (cs_filter_state_get_text (state));
  const CsSavedCohort *saved;
  g_autoptr(CsBitset) rows = NULL;
  g_autoptr(GError) error = NULL;

  saved = cs_cohort_builder_save_current (builder, "Older women", "test");
  g_assert_cmpstr (saved->name, ==, "Older women");
  g_assert_cmpstr (saved->filter, ==, text);
  g_assert_cmpuint (cs_cohort_builder_get_saved (builder)->len, ==, 1);

  /* Same patients through the saved cohort */
  rows = cs_saved_cohort_select (saved, cs_window_get_store (window), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (cs_bitset_equal (rows, cs_cohort_builder_get_selection (builder)));

  /* Complete cases add "is not missing" clauses */
  cs_filter_state_begin_group (state);
  cs_filter_state_set_missing (state, "smoking_status", FALSE);
  cs_filter_state_set_missing (state, "cea", FALSE);
  cs_filter_state_end_group (state);
  {
    g_autofree char *expr = g_strdup_printf ("%s and smoking_status is not missing and cea is not missing", text);

    g_assert_cmpstr (cs_filter_state_get_text (state), ==, expr);
    wait_for_count (evaluate_count (expr));
  }
  g_assert_true (cs_filter_state_undo (state));
  wait_for_count (evaluate_count (text));
}

int
main (int   argc,
      char *argv[])
{
  char *tmp_dir;
  int ret;

  tmp_dir = test_gui_init (&argc, &argv, "cohortscope-builder-XXXXXX");
  if (tmp_dir == NULL)
    return 0;

  window = cs_window_new (NULL);
  g_object_ref_sink (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));

  g_test_add_func ("/gui/cohort-builder/load", test_load);
  g_test_add_func ("/gui/cohort-builder/bar-click", test_bar_click);
  g_test_add_func ("/gui/cohort-builder/brush", test_brush);
  g_test_add_func ("/gui/cohort-builder/expression", test_expression);
  g_test_add_func ("/gui/cohort-builder/saved", test_saved);

  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&window);
  test_gui_cleanup (tmp_dir);

  return ret;
}
