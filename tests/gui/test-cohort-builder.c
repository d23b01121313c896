/* test-cohort-builder.c: cohort building in the real window (Xvfb)
 *
 * Loads the demo cohort, clicks a bar of the stage_group summary chart
 * through the chart's hit test, and checks the "N of M patients" count
 * against cs_filter_evaluate() of the same expression, the chip, the
 * advanced text (the canonical filter) and undo; then a brush on a
 * histogram, the expression entry (errors inline) and saved cohorts; the
 * keyboard on a chart, the filter cards, the variable picker, a frozen
 * cohort's chip, the Compare and Coverage dialogs, and the sidebar folding
 * away in a window of 800 × 600.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cs-cohort-builder-private.h"
#include "cs-cohort-view.h"
#include "cs-compare-dialog.h"
#include "cs-coverage-dialog.h"
#include "cs-filter.h"
#include "cs-filter-card.h"
#include "cs-mini-chart-private.h"
#include "cs-variable-item.h"
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
  /* it reads as the bars do: the label and the level's display */
  {
    CsVariable *stage = cs_store_lookup_variable (cs_window_get_store (window), "stage_group");
    const CsLevel *level = g_ptr_array_index (stage->levels, cs_variable_find_level (stage, "IV"));
    g_autofree char *expected_label = g_strdup_printf ("%s: %s", stage->label,
                                                       level->display != NULL ? level->display : level->code);
    GtkWidget *label = gtk_widget_get_first_child (gtk_button_get_child (GTK_BUTTON (chips->data)));

    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, expected_label);
  }
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

/* The index of the first clause of kind on key, or -1 */
static int
clause_of (const char   *key,
           CsClauseKind  kind)
{
  return cs_filter_state_find_clause (cs_cohort_builder_get_filter_state (builder), key, kind);
}

static void
clear_filter (void)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (builder), "filter.clear", NULL));
  wait_for_count (400);
}

/* Sends a key press to the widget's key controller (from its template) */
static gboolean
press_key (GtkWidget *widget,
           guint      keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        {
          g_signal_emit_by_name (controller, "key-pressed", keyval, 0, 0, &handled);
          return handled;
        }
    }
  g_assert_not_reached ();
}

/* Runs the window's own shortcut for keyval + modifiers (the class
 * bindings of CsWindow, which see every key of the window whatever has the
 * focus); FALSE when the window has none. */
static gboolean
window_shortcut (guint           keyval,
                 GdkModifierType modifiers)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  g_autoptr(GtkShortcutTrigger) wanted = gtk_keyval_trigger_new (keyval, modifiers);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (controller)); k++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), k);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted))
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), GTK_SHORTCUT_ACTION_EXCLUSIVE,
                                                 GTK_WIDGET (window), gtk_shortcut_get_arguments (shortcut));
        }
    }
  return FALSE;
}

/* A range's chip reads in words, as captions do ("Age at diagnosis ≥ 50
 * years"), its expression in the tooltip */
static void
test_range_chip (void)
{
  CsFilterState *state = cs_cohort_builder_get_filter_state (builder);
  const char *expr = "age_at_diagnosis >= 50";
  CsFilter *filter = cs_filter_parse (expr, NULL, NULL);
  g_autofree char *words = cs_filter_describe (filter, cs_window_get_store (window));
  GList *chips;
  GtkWidget *label;

  cs_filter_free (filter);
  clear_filter ();
  g_assert_true (cs_filter_state_set_text (state, expr, NULL, NULL));
  wait_for_count (evaluate_count (expr));
  chips = _cs_cohort_builder_get_chips (builder);
  g_assert_cmpuint (g_list_length (chips), ==, 1);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (chips->data), ==, expr);
  label = gtk_widget_get_first_child (gtk_button_get_child (GTK_BUTTON (chips->data)));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, words);
  g_assert_nonnull (strstr (words, "50"));
  g_assert_null (strstr (words, "age_at_diagnosis"));
  g_list_free (chips);
  clear_filter ();
}

/* Ctrl+Z, Ctrl+Shift+Z and Ctrl+E work with the focus in the header bar
 * (where it lands after a dialog closes), not only inside the builder */
static void
test_shortcuts_from_header_bar (void)
{
  CsFilterState *state = cs_cohort_builder_get_filter_state (builder);
  GtkWidget *menu_button = test_find_of_type (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON);
  const char *expr = "gender = \"female\"";

  clear_filter ();
  g_assert_true (cs_filter_state_set_text (state, expr, NULL, NULL));
  wait_for_count (evaluate_count (expr));
  g_assert_nonnull (menu_button);
  g_assert_nonnull (gtk_widget_get_ancestor (menu_button, ADW_TYPE_HEADER_BAR));
  gtk_widget_grab_focus (menu_button);

  g_assert_true (window_shortcut (GDK_KEY_z, GDK_CONTROL_MASK));
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "");
  wait_for_count (400);
  g_assert_true (window_shortcut (GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK));
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, expr);
  wait_for_count (evaluate_count (expr));
  g_assert_true (window_shortcut (GDK_KEY_e, GDK_CONTROL_MASK));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (_cs_cohort_builder_get_expression_entry (builder)))
                 || gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)),
                                            GTK_WIDGET (_cs_cohort_builder_get_expression_entry (builder))));
  clear_filter ();
}

static void
test_keyboard (void)
{
  GtkWidget *chart = _cs_cohort_builder_get_chart (builder, "stage_group");
  CsVariable *var = cs_store_lookup_variable (cs_window_get_store (window), "stage_group");
  const CsLevel *second = g_ptr_array_index (var->levels, 1);
  g_autofree char *expr = g_strdup_printf ("stage_group = \"%s\"", second->code);

  clear_filter ();
  gtk_widget_grab_focus (chart);
  /* Right moves to the second bar, Space toggles it */
  g_assert_true (press_key (chart, GDK_KEY_Right));
  g_assert_true (press_key (chart, GDK_KEY_space));
  g_assert_cmpstr (cs_filter_state_get_text (cs_cohort_builder_get_filter_state (builder)), ==, expr);
  wait_for_count (evaluate_count (expr));
  /* Left stops at the first bar */
  g_assert_true (press_key (chart, GDK_KEY_Left));
  g_assert_true (press_key (chart, GDK_KEY_Left));
  g_assert_true (press_key (chart, GDK_KEY_Return));
  g_assert_cmpint (clause_of ("stage_group", CS_CLAUSE_LEVELS), ==, 0);
  /* Delete removes the variable's clauses; other keys go on */
  g_assert_false (press_key (chart, GDK_KEY_a));
  g_assert_true (press_key (chart, GDK_KEY_Delete));
  g_assert_cmpstr (cs_filter_state_get_text (cs_cohort_builder_get_filter_state (builder)), ==, "");
  wait_for_count (400);

  /* A histogram takes no Left/Right, but Delete; a click clears its range */
  chart = _cs_cohort_builder_get_chart (builder, "age_at_diagnosis");
  g_assert_false (press_key (chart, GDK_KEY_Right));
  g_assert_false (_cs_mini_chart_click (CS_MINI_CHART (chart), 50, 50));
  _cs_mini_chart_brush (CS_MINI_CHART (chart), 40, 120, 3);
  g_assert_cmpint (clause_of ("age_at_diagnosis", CS_CLAUSE_RANGE), ==, 0);
  g_assert_true (_cs_mini_chart_click (CS_MINI_CHART (chart), 50, 50));
  g_assert_cmpint (clause_of ("age_at_diagnosis", CS_CLAUSE_RANGE), ==, -1);
}

/* All widgets of type below root, in tree order */
static void
collect (GtkWidget *root,
         GType      type,
         GPtrArray *out)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        g_ptr_array_add (out, child);
      collect (child, type, out);
    }
}

static GPtrArray *
all_of_type (GtkWidget *root,
             GType      type)
{
  GPtrArray *out = g_ptr_array_new ();

  collect (root, type, out);
  return out;
}

static void
test_cards (void)
{
  CsStore *store = cs_window_get_store (window);
  GtkWidget *card;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  GtkDropDown *missing;
  CsVariable *smoking = cs_store_lookup_variable (store, "smoking_status");
  guint all = 0, selected = 0;
  g_autofree char *label = NULL;
  const CsBitset *rows;

  clear_filter ();

  /* Bounds: a typo marks the entry and changes nothing */
  card = _cs_cohort_builder_get_card (builder, "age_at_diagnosis");
  g_assert_nonnull (card);
  entries = all_of_type (card, GTK_TYPE_ENTRY);
  g_assert_cmpuint (entries->len, ==, 2);
  gtk_editable_set_text (GTK_EDITABLE (entries->pdata[0]), "sixty");
  g_signal_emit_by_name (entries->pdata[0], "activate");
  g_assert_true (gtk_widget_has_css_class (entries->pdata[0], "error"));
  g_assert_cmpint (clause_of ("age_at_diagnosis", CS_CLAUSE_RANGE), ==, -1);
  gtk_editable_set_text (GTK_EDITABLE (entries->pdata[0]), "50");
  gtk_editable_set_text (GTK_EDITABLE (entries->pdata[1]), "70");
  g_signal_emit_by_name (entries->pdata[1], "activate");
  g_assert_false (gtk_widget_has_css_class (entries->pdata[0], "error"));
  g_assert_cmpstr (cs_filter_state_get_text (cs_cohort_builder_get_filter_state (builder)), ==,
                   "age_at_diagnosis >= 50 and age_at_diagnosis <= 70");
  wait_for_count (evaluate_count ("age_at_diagnosis >= 50 and age_at_diagnosis <= 70"));
  /* An undo shows the entries empty again */
  g_assert_true (cs_filter_state_undo (cs_cohort_builder_get_filter_state (builder)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entries->pdata[1])), ==, "");
  wait_for_count (400);

  /* Values: a check box per level with "(cohort / table)" counts */
  card = _cs_cohort_builder_get_card (builder, "smoking_status");
  checks = all_of_type (card, GTK_TYPE_CHECK_BUTTON);
  g_assert_cmpuint (checks->len, ==, smoking->levels->len);
  gtk_check_button_set_active (checks->pdata[0], TRUE);
  g_assert_cmpint (clause_of ("smoking_status", CS_CLAUSE_LEVELS), ==, 0);
  g_assert_true (cs_filter_state_set_text (cs_cohort_builder_get_filter_state (builder),
                                           "smoking_status = \"449868002\" or gender = \"female\"", NULL, NULL));
  wait_for_count (evaluate_count ("smoking_status = \"449868002\" or gender = \"female\""));
  /* an "or" is not a value set: the box is clear again */
  g_assert_false (gtk_check_button_get_active (checks->pdata[0]));
  rows = cs_cohort_builder_get_selection (builder);
  for (guint row = 0; row < smoking->n_rows; row++)
    if (smoking->cat[row] == 0)
      {
        all++;
        selected += cs_bitset_get (rows, row);
      }
  label = g_strdup_printf ("%s  (%u / %u)", ((CsLevel *) smoking->levels->pdata[0])->display, selected, all);
  g_assert_cmpstr (gtk_check_button_get_label (checks->pdata[0]), ==, label);
  g_assert_cmpuint (selected, <, all);
  clear_filter ();

  /* Missing values */
  missing = GTK_DROP_DOWN (test_find_of_type (card, GTK_TYPE_DROP_DOWN));
  gtk_drop_down_set_selected (missing, 2);
  g_assert_cmpint (clause_of ("smoking_status", CS_CLAUSE_MISSING), ==, 0);
  wait_for_count (evaluate_count ("smoking_status is missing"));
  gtk_drop_down_set_selected (missing, 0);
  g_assert_cmpint (clause_of ("smoking_status", CS_CLAUSE_MISSING), ==, -1);
  wait_for_count (400);

  /* Adding it again focuses the card instead of a second one */
  g_assert_true (cs_cohort_builder_add_control (builder, "smoking_status"));
  g_assert_true (_cs_cohort_builder_get_card (builder, "smoking_status") == card);

  /* The remove button takes the clauses and the card away */
  gtk_check_button_set_active (checks->pdata[1], TRUE);
  g_signal_emit_by_name (test_find_of_type (card, GTK_TYPE_BUTTON), "clicked");
  g_assert_null (_cs_cohort_builder_get_card (builder, "smoking_status"));
  g_assert_cmpstr (cs_filter_state_get_text (cs_cohort_builder_get_filter_state (builder)), ==, "");
  wait_for_count (400);

  /* A time-to-event variable: bounds without a histogram */
  g_assert_true (cs_cohort_builder_add_control (builder, "os"));
  card = _cs_cohort_builder_get_card (builder, "os");
  g_assert_false (gtk_widget_get_visible (test_find_of_type (card, CS_TYPE_MINI_CHART)));
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (test_find_of_type (card, GTK_TYPE_ENTRY))));
  /* A boolean one: two values */
  g_assert_true (cs_cohort_builder_add_control (builder, "deceased"));
  {
    g_autoptr(GPtrArray) yes_no = all_of_type (_cs_cohort_builder_get_card (builder, "deceased"), GTK_TYPE_CHECK_BUTTON);

    g_assert_cmpuint (yes_no->len, ==, 2);
    gtk_check_button_set_active (yes_no->pdata[1], TRUE);
    g_assert_cmpstr (cs_filter_state_get_text (cs_cohort_builder_get_filter_state (builder)), ==, "deceased = true");
    wait_for_count (evaluate_count ("deceased = true"));
  }
  clear_filter ();
}

/* The check boxes of the card on key, as 0 and 1 */
static char *
card_ticks (const char *key)
{
  g_autoptr(GPtrArray) checks = all_of_type (_cs_cohort_builder_get_card (builder, key), GTK_TYPE_CHECK_BUTTON);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < checks->len; i++)
    g_string_append_c (out, gtk_check_button_get_active (checks->pdata[i]) ? '1' : '0');
  return g_string_free (out, FALSE);
}

/* What card_ticks() reads when the stage levels shown as displays (a
 * NULL-terminated list) are ticked */
static char *
stage_ticks (const char *display,
             ...)
{
  CsVariable *var = cs_store_lookup_variable (cs_window_get_store (window), "stage_group");
  g_autofree char *out = g_strnfill (var->levels->len, '0');
  va_list args;

  va_start (args, display);
  for (const char *d = display; d != NULL; d = va_arg (args, const char *))
    {
      int index = cs_variable_find_level (var, d);

      g_assert_cmpint (index, >=, 0);
      out[index] = '1';
    }
  va_end (args);
  return g_steal_pointer (&out);
}

/* Bars of the dashboard chart on key marked as in the filter */
static guint
chart_marks (const char *key)
{
  const char *description = _cs_mini_chart_get_description (CS_MINI_CHART (_cs_cohort_builder_get_chart (builder, key)));
  guint n = 0;

  for (const char *p = description; (p = strstr (p, "(filtered on)")) != NULL; p++)
    n++;
  return n;
}

static void
type_expression (const char *text)
{
  GtkEditable *entry = _cs_cohort_builder_get_expression_entry (builder);

  gtk_editable_set_text (entry, text);
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpstr (_cs_cohort_builder_get_expression_error (builder), ==, "");
  wait_for_count (evaluate_count (text));
}

#define assert_ticks(key, expected) \
  G_STMT_START { \
    g_autofree char *ticks_ = card_ticks (key); \
    g_autofree char *expected_ = (expected); \
    g_assert_cmpstr (ticks_, ==, expected_); \
  } G_STMT_END

/* However a filter arrives (typed, a saved cohort, a bar clicked, undo and
 * redo), the cards and the bars show what it selects: "I" is the display
 * of the level coded "1" */
static void
test_cards_follow_filter (void)
{
  CsFilterState *state = cs_cohort_builder_get_filter_state (builder);
  g_autoptr(CsSavedCohort) saved = NULL;
  double x = 0, y = 0;

  clear_filter ();
  g_assert_true (cs_cohort_builder_add_control (builder, "stage_group"));

  /* Typed with displays */
  type_expression ("stage_group in (\"I\", \"II\")");
  assert_ticks ("stage_group", stage_ticks ("I", "II", NULL));
  g_assert_cmpuint (chart_marks ("stage_group"), ==, 2);

  /* A click on a ticked bar takes its value out, whatever it was written as */
  g_assert_true (_cs_mini_chart_get_bar_center (CS_MINI_CHART (_cs_cohort_builder_get_chart (builder, "stage_group")),
                                                "I", &x, &y));
  g_assert_true (_cs_mini_chart_click (CS_MINI_CHART (_cs_cohort_builder_get_chart (builder, "stage_group")), x, y));
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "stage_group in (\"II\")");
  wait_for_count (evaluate_count ("stage_group in (\"II\")"));
  assert_ticks ("stage_group", stage_ticks ("II", NULL));
  g_assert_cmpuint (chart_marks ("stage_group"), ==, 1);

  /* Undo and redo */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (builder), "filter.undo", NULL));
  assert_ticks ("stage_group", stage_ticks ("I", "II", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (builder), "filter.redo", NULL));
  assert_ticks ("stage_group", stage_ticks ("II", NULL));

  /* A saved cohort naming the variable by its code, a display in lower case and a code */
  saved = cs_saved_cohort_new ("Late", "`399537006` in (\"iiia\", \"4\")");
  _cs_cohort_builder_apply_saved (builder, saved);
  wait_for_count (evaluate_count (saved->filter));
  assert_ticks ("stage_group", stage_ticks ("IIIA", "IV", NULL));
  g_assert_cmpuint (chart_marks ("stage_group"), ==, 2);
  /* unticking a box edits that clause, under its key */
  {
    g_autoptr(GPtrArray) checks = all_of_type (_cs_cohort_builder_get_card (builder, "stage_group"),
                                               GTK_TYPE_CHECK_BUTTON);
    CsVariable *var = cs_store_lookup_variable (cs_window_get_store (window), "stage_group");

    gtk_check_button_set_active (checks->pdata[cs_variable_find_level (var, "IV")], FALSE);
    g_assert_cmpstr (cs_filter_state_get_text (state), ==, "`399537006` in (\"iiia\")");
    g_assert_cmpuint (cs_filter_state_get_n_clauses (state), ==, 1);
  }

  /* Booleans: 1 is true */
  type_expression ("deceased = 1");
  assert_ticks ("deceased", g_strdup ("01"));
  type_expression ("deceased in (\"FALSE\")");
  assert_ticks ("deceased", g_strdup ("10"));

  /* A range typed upper bound first fills both bounds */
  type_expression ("age_at_diagnosis <= 70 and age_at_diagnosis >= 50");
  {
    g_autoptr(GPtrArray) entries = all_of_type (_cs_cohort_builder_get_card (builder, "age_at_diagnosis"),
                                                GTK_TYPE_ENTRY);

    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entries->pdata[0])), ==, "50");
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entries->pdata[1])), ==, "70");
  }

  /* An excluded bound says so: "> 50" shows ">" beside 50 (and "≤ 70"
   * nothing); typing another minimum makes an ordinary, inclusive one */
  type_expression ("age_at_diagnosis > 50 and age_at_diagnosis <= 70");
  {
    GtkWidget *card = _cs_cohort_builder_get_card (builder, "age_at_diagnosis");
    g_autoptr(GPtrArray) entries = all_of_type (card, GTK_TYPE_ENTRY);
    g_autoptr(GPtrArray) labels = all_of_type (card, GTK_TYPE_LABEL);
    GtkWidget *more = NULL, *less = NULL;

    for (guint i = 0; i < labels->len; i++)
      {
        const char *text = gtk_label_get_text (labels->pdata[i]);

        if (g_str_equal (text, ">"))
          more = labels->pdata[i];
        else if (g_str_equal (text, "<"))
          less = labels->pdata[i];
      }
    g_assert_nonnull (more);
    g_assert_nonnull (less);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entries->pdata[0])), ==, "50");
    g_assert_true (gtk_widget_get_visible (more));
    g_assert_false (gtk_widget_get_visible (less));
    g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (entries->pdata[0]), "not 50 itself"));
    g_assert_null (gtk_widget_get_tooltip_text (entries->pdata[1]));
    test_maybe_screenshot (GTK_WINDOW (window), "cohort-strict-bound");

    gtk_editable_set_text (GTK_EDITABLE (entries->pdata[0]), "55");
    g_signal_emit_by_name (entries->pdata[0], "activate");
    g_assert_cmpstr (cs_filter_state_get_text (state), ==, "age_at_diagnosis >= 55 and age_at_diagnosis <= 70");
    g_assert_false (gtk_widget_get_visible (more));
    g_assert_null (gtk_widget_get_tooltip_text (entries->pdata[0]));

    type_expression ("age_at_diagnosis < 60");
    g_assert_true (gtk_widget_get_visible (less));
    g_assert_false (gtk_widget_get_visible (more));
  }

  /* "age = 60" shows as 60 – 60; a new maximum there makes it 60 – 70 */
  type_expression ("age_at_diagnosis = 60");
  {
    g_autoptr(GPtrArray) entries = all_of_type (_cs_cohort_builder_get_card (builder, "age_at_diagnosis"),
                                                GTK_TYPE_ENTRY);

    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entries->pdata[0])), ==, "60");
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entries->pdata[1])), ==, "60");
    gtk_editable_set_text (GTK_EDITABLE (entries->pdata[1]), "70");
    g_signal_emit_by_name (entries->pdata[1], "activate");
    g_assert_cmpstr (cs_filter_state_get_text (state), ==, "age_at_diagnosis >= 60 and age_at_diagnosis <= 70");
    g_assert_cmpuint (cs_filter_state_get_n_clauses (state), ==, 1);
  }
  clear_filter ();
  assert_ticks ("stage_group", stage_ticks (NULL));
}

static gboolean
picker_shows (gpointer n)
{
  GtkWidget *menu = test_find_of_type (GTK_WIDGET (builder), GTK_TYPE_MENU_BUTTON);
  GListModel *model = cs_variable_picker_get_model (CS_VARIABLE_PICKER (gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu))));

  return g_list_model_get_n_items (model) == GPOINTER_TO_UINT (n);
}

static void
test_picker (void)
{
  CsStore *store = cs_window_get_store (window);
  GtkMenuButton *menu = GTK_MENU_BUTTON (test_find_of_type (GTK_WIDGET (builder), GTK_TYPE_MENU_BUTTON));
  GtkPopover *popover = gtk_menu_button_get_popover (menu);
  GListModel *model = cs_variable_picker_get_model (CS_VARIABLE_PICKER (popover));
  GtkWidget *search = test_find_of_type (GTK_WIDGET (popover), GTK_TYPE_SEARCH_ENTRY);
  guint n_chartable = 0;

  g_assert_true (CS_IS_VARIABLE_PICKER (popover));
  for (guint i = 0; i < cs_store_get_n_variables (store); i++)
    n_chartable += cs_store_get_variable (store, i)->type != CS_VARIABLE_SURVIVAL;
  /* Every variable but the time-to-event ones */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, n_chartable);

  gtk_menu_button_popup (menu);
  /* A code finds its variable, as in the Cohort view's list */
  gtk_editable_set_text (GTK_EDITABLE (search), "254637007");
  test_wait_until (picker_shows, GUINT_TO_POINTER (1));
  {
    g_autoptr(CsVariableItem) item = g_list_model_get_item (model, 0);

    g_assert_cmpstr (cs_variable_item_get_variable (item)->key, ==, "condition.254637007");
  }
  /* Enter takes the first row: its card, and the popover closes */
  g_signal_emit_by_name (search, "activate");
  g_assert_nonnull (_cs_cohort_builder_get_card (builder, "condition.254637007"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (popover)));

  gtk_editable_set_text (GTK_EDITABLE (search), "no such thing at all");
  test_wait_until (picker_shows, GUINT_TO_POINTER (0));
  g_signal_emit_by_name (search, "activate");
  gtk_editable_set_text (GTK_EDITABLE (search), "");
  test_wait_until (picker_shows, GUINT_TO_POINTER (n_chartable));
}

static void
test_members (void)
{
  CsStore *store = cs_window_get_store (window);
  CsSavedCohort *cohort = cs_saved_cohort_new ("Five", NULL);
  GList *chips;

  clear_filter ();
  cohort->patient_ids = g_ptr_array_new_with_free_func (g_free);
  for (guint row = 0; row < 5; row++)
    g_ptr_array_add (cohort->patient_ids, g_strdup (cs_store_get_patient_id (store, row)));
  _cs_cohort_builder_add_saved (builder, cohort);
  g_assert_cmpuint (cs_cohort_builder_get_saved (builder)->len, ==, 2);

  /* Activating its row applies it: its members, shown as a chip */
  g_signal_emit_by_name (builder->saved_list, "row-activated",
                         gtk_list_box_get_row_at_index (builder->saved_list, 1));
  wait_for_count (5);
  g_assert_cmpstr (cs_cohort_builder_get_members_name (builder), ==, "Five");
  chips = _cs_cohort_builder_get_chips (builder);
  g_assert_cmpuint (g_list_length (chips), ==, 1);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (chips->data), ==, "Members of “Five”");

  /* A filter narrows the members; the saved current cohort keeps the list */
  g_assert_true (cs_filter_state_set_text (cs_cohort_builder_get_filter_state (builder), "gender = \"female\"",
                                           NULL, NULL));
  {
    g_autoptr(CsSavedCohort) current = cs_cohort_builder_dup_current (builder, "now");

    g_assert_null (current->filter);
    g_assert_cmpuint (current->patient_ids->len, ==, cs_bitset_count (cs_cohort_builder_get_selection (builder)));
    g_assert_cmpuint (current->patient_ids->len, <=, 5);
  }
  g_list_free (chips);
  chips = _cs_cohort_builder_get_chips (builder);
  g_assert_cmpuint (g_list_length (chips), ==, 2);

  /* Its chip lifts the restriction */
  g_signal_emit_by_name (g_list_last (chips)->data, "clicked");
  g_list_free (chips);
  g_assert_null (cs_cohort_builder_get_members_name (builder));
  wait_for_count (evaluate_count ("gender = \"female\""));
  clear_filter ();
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *list = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (list, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (toplevel, type))
        return toplevel;
    }
  return NULL;
}

static const char *
cell (GtkGrid *grid,
      int      column,
      int      row)
{
  return gtk_label_get_text (GTK_LABEL (gtk_grid_get_child_at (grid, column, row)));
}

static void
test_compare (void)
{
  const char *expr = "age_at_diagnosis >= 65";
  guint n = evaluate_count (expr);
  const CsSavedCohort *older = g_ptr_array_index (cs_cohort_builder_get_saved (builder), 0);
  g_autoptr(CsBitset) older_rows = cs_saved_cohort_select (older, cs_window_get_store (window), NULL, NULL);
  g_autofree char *n_text = g_strdup_printf ("%u", n);
  g_autofree char *rest_text = g_strdup_printf ("%u", 400 - n);
  g_autofree char *older_text = g_strdup_printf ("%u", cs_bitset_count (older_rows));
  GtkWindow *dialog;
  GtkGrid *grid;
  GtkDropDown *first;

  g_assert_true (cs_filter_state_set_text (cs_cohort_builder_get_filter_state (builder), expr, NULL, NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (builder), "filter.compare", NULL));
  dialog = find_toplevel (CS_TYPE_COMPARE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (dialog) == GTK_WINDOW (window));
  grid = GTK_GRID (test_find_of_type (GTK_WIDGET (dialog), GTK_TYPE_GRID));

  /* The current cohort (pending evaluation run first) against the first saved one */
  g_assert_cmpstr (cell (grid, 1, 0), ==, "Current cohort");
  g_assert_cmpstr (cell (grid, 2, 0), ==, older->name);
  g_assert_cmpstr (cell (grid, 0, 1), ==, "Patients");
  g_assert_cmpstr (cell (grid, 1, 1), ==, n_text);
  g_assert_cmpstr (cell (grid, 2, 1), ==, older_text);

  /* The rest of the patients */
  first = GTK_DROP_DOWN (test_find_of_type (GTK_WIDGET (dialog), GTK_TYPE_DROP_DOWN));
  gtk_drop_down_set_selected (first, 1);
  g_assert_cmpstr (cell (grid, 1, 0), ==, "Rest of patients");
  g_assert_cmpstr (cell (grid, 1, 1), ==, rest_text);
  gtk_window_destroy (dialog);
  clear_filter ();
}

static void
test_coverage (void)
{
  CsFilterState *state = cs_cohort_builder_get_filter_state (builder);
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(GPtrArray) buttons = NULL;
  GtkWindow *dialog;
  GtkGrid *grid;
  g_autofree char *death = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (builder), "filter.coverage", NULL));
  dialog = find_toplevel (CS_TYPE_COVERAGE_DIALOG);
  g_assert_nonnull (dialog);
  grid = GTK_GRID (test_find_of_type (GTK_WIDGET (dialog), GTK_TYPE_GRID));
  checks = all_of_type (GTK_WIDGET (dialog), GTK_TYPE_CHECK_BUTTON);
  g_assert_cmpuint (checks->len, ==, cs_store_get_n_variables (cs_window_get_store (window)));

  /* death_date: 268 of the 400 demo patients; the tooltip names the
   * variable fully (label, key, codes, unit) */
  for (guint i = 0; i < checks->len; i++)
    {
      const char *tooltip = gtk_widget_get_tooltip_text (checks->pdata[i]);
      const char *key = tooltip != NULL ? strstr (tooltip, "\nKey: death_date") : NULL;

      if (key == NULL || (key[strlen ("\nKey: death_date")] != '\n' && key[strlen ("\nKey: death_date")] != '\0'))
        continue;
      death = g_strdup (cell (grid, 2, (int) i));
      gtk_check_button_set_active (checks->pdata[i], TRUE);
    }
  g_assert_cmpstr (death, ==, "67% (268)");

  /* Keep complete cases: the ticked variable must have a value */
  buttons = all_of_type (GTK_WIDGET (dialog), GTK_TYPE_BUTTON);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_button_get_label (buttons->pdata[i]), "_Keep Complete Cases for the Ticked Variables") == 0)
      g_signal_emit_by_name (buttons->pdata[i], "clicked");
  g_assert_cmpstr (cs_filter_state_get_text (state), ==, "death_date is not missing");
  wait_for_count (268);
  gtk_window_destroy (dialog);
  clear_filter ();
}

/* A Condition flag's coverage tells "no such Condition" from "unknown": of
 * three patients, one has the Condition, one another, one none at all. */
static void
test_coverage_unknown (void)
{
  g_autofree char *dir = g_dir_make_tmp ("cs-coverage-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "conditions.ndjson", NULL);
  const char *paths[] = { path, NULL };
  g_autoptr(CsWindow) other = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  CsCohortBuilder *other_builder;
  GtkWindow *dialog;
  GtkGrid *grid;
  g_autofree char *flag = NULL;
  g_autofree char *flag_tooltip = NULL;

  g_assert_true (g_file_set_contents (path,
                                      "{\"resourceType\":\"Patient\",\"id\":\"a\"}\n"
                                      "{\"resourceType\":\"Patient\",\"id\":\"b\"}\n"
                                      "{\"resourceType\":\"Patient\",\"id\":\"c\"}\n"
                                      "{\"resourceType\":\"Condition\",\"id\":\"x\",\"subject\":{\"reference\":\"Patient/a\"},"
                                      "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"38341003\","
                                      "\"display\":\"Hypertension\"}]}}\n"
                                      "{\"resourceType\":\"Condition\",\"id\":\"y\",\"subject\":{\"reference\":\"Patient/b\"},"
                                      "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"44054006\","
                                      "\"display\":\"Diabetes\"}]}}\n",
                                      -1, NULL));
  other = cs_window_new (NULL);
  g_object_ref_sink (other);
  gtk_window_present (GTK_WINDOW (other));
  cs_window_open_paths (other, paths, "conditions.ndjson");
  test_wait_until (test_window_loaded, other);
  other_builder = CS_COHORT_BUILDER (gtk_widget_get_ancestor (GTK_WIDGET (cs_window_get_cohort_view (other)),
                                                              CS_TYPE_COHORT_BUILDER));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (other_builder), "filter.coverage", NULL));
  dialog = find_toplevel (CS_TYPE_COVERAGE_DIALOG);
  g_assert_nonnull (dialog);
  grid = GTK_GRID (test_find_of_type (GTK_WIDGET (dialog), GTK_TYPE_GRID));
  checks = all_of_type (GTK_WIDGET (dialog), GTK_TYPE_CHECK_BUTTON);
  for (guint i = 0; i < checks->len; i++)
    {
      const char *tooltip = gtk_widget_get_tooltip_text (checks->pdata[i]);

      if (tooltip != NULL && strstr (tooltip, "\nKey: condition.38341003\n") != NULL)
        {
          flag = g_strdup (cell (grid, 2, (int) i));
          flag_tooltip = g_strdup (tooltip);
        }
    }
  /* a knows (true), b knows (false: another Condition), c is unknown */
  g_assert_cmpstr (flag, ==, "67% (2), 1 unknown");
  g_assert_nonnull (strstr (flag_tooltip, "1 patient has no Condition in the sources"));
  gtk_window_destroy (dialog);
  gtk_window_destroy (GTK_WINDOW (other));
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static gboolean
widget_allocated (gpointer widget)
{
  return gtk_widget_get_width (widget) > 0;
}

/* The cohort view (with the table's buttons) ends inside the window */
static void
assert_view_fits (CsWindow *win)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (cs_window_get_cohort_view (win)), GTK_WIDGET (win),
                                            &bounds));
  g_test_message ("window %d px wide, cohort view %.0f to %.0f", gtk_widget_get_width (GTK_WIDGET (win)),
                  bounds.origin.x, bounds.origin.x + bounds.size.width);
  g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, gtk_widget_get_width (GTK_WIDGET (win)));
}

static gboolean
widget_has_focus (gpointer widget)
{
  return gtk_widget_has_focus (widget);
}

/* The dashboard's charts show whole, title to axis: the horizontal scroll
 * bar takes no room from them, so nothing scrolls vertically (it did: the
 * bar covered the charts' bottom, and a focused chart scrolled their
 * titles under the Advanced row) */
static void
assert_dashboard_unclipped (CsCohortBuilder *cohort_builder)
{
  GtkWidget *chart = _cs_cohort_builder_get_chart (cohort_builder, "stage_group");
  GtkWidget *scroller = gtk_widget_get_ancestor (chart, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *vadjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  GtkWidget *viewport = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller));
  graphene_rect_t bounds;

  /* the focus on a chart, as a keyboard user leaves it */
  gtk_widget_grab_focus (chart);
  test_wait_until (widget_has_focus, chart);
  g_assert_true (gtk_widget_compute_bounds (chart, viewport, &bounds));
  g_test_message ("dashboard: viewport %d px high, chart at %.0f to %.0f, vertical scroll %g of %g",
                  gtk_widget_get_height (viewport), bounds.origin.y, bounds.origin.y + bounds.size.height,
                  gtk_adjustment_get_value (vadjustment), gtk_adjustment_get_upper (vadjustment));
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==, 0);
  g_assert_cmpfloat (bounds.origin.y, >=, 0);
  g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, gtk_widget_get_height (viewport));
}

/* Small screens: at 800 × 600 the filter sidebar folds away behind the
 * Filters toggle, and the table keeps the room; at 1280 × 800 (the main
 * window) the sidebar stays beside the table and the toggle is hidden. */
static void
test_narrow (void)
{
  CsWindow *narrow;
  CsCohortBuilder *narrow_builder;
  AdwFlap *flap = _cs_cohort_builder_get_flap (builder);
  GtkWidget *toggle;

  test_maybe_screenshot (GTK_WINDOW (window), "cohort-1280x800");
  assert_dashboard_unclipped (builder);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), >=, 1200);
  g_assert_false (adw_flap_get_folded (flap));
  g_assert_true (adw_flap_get_reveal_flap (flap));
  g_assert_false (gtk_widget_get_visible (test_get_named (window, "filters-toggle")));
  assert_view_fits (window);

  /* (the windows share their size through GSettings: this one is the last test) */
  narrow = cs_window_new (NULL);
  g_object_ref_sink (narrow);
  gtk_window_set_default_size (GTK_WINDOW (narrow), 800, 600);
  gtk_window_present (GTK_WINDOW (narrow));
  cs_window_open_demo (narrow);
  test_wait_until (test_window_loaded, narrow);
  narrow_builder = CS_COHORT_BUILDER (gtk_widget_get_ancestor (GTK_WIDGET (cs_window_get_cohort_view (narrow)),
                                                               CS_TYPE_COHORT_BUILDER));
  test_wait_until (widget_allocated, cs_window_get_cohort_view (narrow));
  test_maybe_screenshot (GTK_WINDOW (narrow), "cohort-800x600");
  assert_dashboard_unclipped (narrow_builder);

  /* the 800 px of the default size (less the client-side decoration's) were kept */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (narrow)), <=, 800);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (narrow)), >=, 760);
  flap = _cs_cohort_builder_get_flap (narrow_builder);
  g_assert_true (adw_flap_get_folded (flap));
  g_assert_false (adw_flap_get_reveal_flap (flap));
  assert_view_fits (narrow);
  toggle = test_get_named (narrow, "filters-toggle");
  g_assert_true (gtk_widget_get_visible (toggle));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), TRUE);
  g_assert_true (adw_flap_get_reveal_flap (flap));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), FALSE);
  g_assert_false (adw_flap_get_reveal_flap (flap));

  gtk_window_destroy (GTK_WINDOW (narrow));
  g_clear_object (&narrow);
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
  g_test_add_func ("/gui/cohort-builder/range-chip", test_range_chip);
  g_test_add_func ("/gui/cohort-builder/brush", test_brush);
  g_test_add_func ("/gui/cohort-builder/expression", test_expression);
  g_test_add_func ("/gui/cohort-builder/saved", test_saved);
  g_test_add_func ("/gui/cohort-builder/keyboard", test_keyboard);
  g_test_add_func ("/gui/cohort-builder/shortcuts-from-header-bar", test_shortcuts_from_header_bar);
  g_test_add_func ("/gui/cohort-builder/cards", test_cards);
  g_test_add_func ("/gui/cohort-builder/cards-follow-filter", test_cards_follow_filter);
  g_test_add_func ("/gui/cohort-builder/picker", test_picker);
  g_test_add_func ("/gui/cohort-builder/members", test_members);
  g_test_add_func ("/gui/cohort-builder/compare", test_compare);
  g_test_add_func ("/gui/cohort-builder/coverage", test_coverage);
  g_test_add_func ("/gui/cohort-builder/coverage-unknown", test_coverage_unknown);
  g_test_add_func ("/gui/cohort-builder/narrow", test_narrow);

  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&window);
  test_gui_cleanup (tmp_dir);

  return ret;
}
