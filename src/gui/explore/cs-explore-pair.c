/* cs-explore-pair.c
 *
 * Every chart's arrays live in an owner handed to the CsChartWidget, so the
 * chart never points into the store (a lesion roll-up rewrites its
 * Radiomics columns in place).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "cs-analysis.h"
#include "cs-csv.h"
#include "cs-explore-common.h"
#include "cs-explore-pair.h"
#include "cs-gui-util.h"
#include "cs-json.h"

/* The items of the Chart and Test drop-downs (cs-explore-pair.ui) */
enum { KIND_AUTO, KIND_SCATTER, KIND_BOX, KIND_VIOLIN, KIND_HISTOGRAM, KIND_BAR };
enum { METHOD_AUTO, METHOD_PEARSON, METHOD_SPEARMAN, METHOD_MANNWHITNEY, METHOD_KRUSKAL, METHOD_CHI2 };

struct _CsExplorePair
{
  GtkBox         parent_instance;

  /* Template */
  GtkDropDown   *x_dropdown;
  GtkDropDown   *y_dropdown;
  GtkDropDown   *kind_dropdown;
  GtkDropDown   *method_dropdown;
  GtkButton     *filter_button;
  GtkLabel      *stats_label;
  CsChartWidget *chart;

  CsStore       *store;
  GArray        *rows;          /* guint store rows in use */
  GPtrArray     *x_vars;        /* CsVariable*, not owned */
  GPtrArray     *y_vars;        /* [0] = NULL ("none") */
  guint          updating;

  gboolean       have_result;
  CsStatsResult  result;
  char          *stats_text;
  GString       *stats_json;
  GString       *stats_csv;
  char          *brush_filter;
};

G_DEFINE_FINAL_TYPE (CsExplorePair, cs_explore_pair, GTK_TYPE_BOX)

enum
{
  SIGNAL_FILTER_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------ the chart */

/* Groups of a categorical or boolean variable over rows
 * (cs_groups_new_from_variable(), labelled by display text): group[i]
 * (-1 missing), labels of the groups that occur, kept alive by owner. */
static guint
make_groups (const CsVariable *var,
             GArray           *rows,
             GPtrArray        *owner,
             gint32          **out_group,
             const char     ***out_labels)
{
  CsGroups *groups = cs_groups_new_from_variable (var, rows, CS_ANALYSIS_DISPLAY_LABELS);
  guint n_groups = groups->n_groups;

  /* the owner frees with g_free: hand it the arrays, not the struct */
  *out_group = cs_explore_keep (owner, g_steal_pointer (&groups->group));
  *out_labels = cs_explore_keep (owner, g_steal_pointer (&groups->labels));
  for (guint k = 0; k < n_groups; k++)
    cs_explore_keep (owner, (char *) (*out_labels)[k]);
  cs_groups_free (groups);
  return n_groups;
}

static double *
column (const CsVariable *var,
        GArray           *rows,
        GPtrArray        *owner)
{
  return cs_explore_keep (owner, cs_analysis_column (var, rows));
}

static char *
axis_label (const CsVariable *var)
{
  return cs_chart_axis_label (cs_explore_var_name (var), var->unit);
}

/* What an export of the chart carries besides it: the test, the
 * variables with units and keys, and a file name saying what it shows */
static void
set_caption (CsExplorePair    *self,
             const CsVariable *x,
             const CsVariable *y,
             guint             kind,
             const char       *test)
{
  static const char *const kind_words[] = { "chart", "scatter", "box", "violin", "histogram", "bar" };
  g_autofree char *x_text = cs_variable_caption ("x", x);
  g_autofree char *y_text = y != NULL ? cs_variable_caption ("y", y) : NULL;
  g_autofree char *variables = y_text != NULL ? g_strdup_printf ("%s; %s", x_text, y_text) : g_strdup (x_text);
  g_autofree char *stem = y != NULL ? cs_chart_file_name (kind_words[kind], y->key, "vs", x->key, NULL)
                                    : cs_chart_file_name (kind_words[kind], x->key, NULL, NULL, NULL);

  cs_chart_widget_set_caption (self->chart, test, variables, stem);
}

static void
build_chart (CsExplorePair    *self,
             const CsVariable *x,
             const CsVariable *y,
             guint             kind_choice,
             const char       *test,
             GString          *notes)
{
  GPtrArray *owner = g_ptr_array_new_with_free_func (g_free);
  GArray *rows = self->rows;
  guint n = rows->len;
  guint kind = kind_choice;
  gboolean num_x = cs_variable_is_numeric_like (x), num_y = y != NULL && cs_variable_is_numeric_like (y);
  gboolean grp_x = cs_variable_is_grouping (x), grp_y = y != NULL && cs_variable_is_grouping (y);
  guint auto_kind;

  if (y == NULL)
    auto_kind = num_x ? KIND_HISTOGRAM : KIND_BAR;
  else if (num_x && num_y)
    auto_kind = KIND_SCATTER;
  else if ((num_x && grp_y) || (grp_x && num_y))
    auto_kind = KIND_BOX;
  else
    auto_kind = KIND_BAR;

  if (kind == KIND_AUTO)
    kind = auto_kind;
  if ((kind == KIND_SCATTER && !(num_x && num_y)) ||
      ((kind == KIND_BOX || kind == KIND_VIOLIN) && auto_kind != KIND_BOX) ||
      (kind == KIND_HISTOGRAM && !num_x) ||
      (kind == KIND_BAR && !grp_x))
    {
      g_string_append (notes, _("That chart kind does not fit these variable types; showing the default.\n"));
      kind = auto_kind;
    }

  if (kind == KIND_SCATTER)
    {
      CsChartScatterModel m = { 0 };
      g_autofree guint *point_rows = g_new (guint, MAX (n, 1));

      m.x = column (x, rows, owner);
      m.y = column (y, rows, owner);
      m.n = n;
      m.regression = TRUE;
      /* the line names the test the side panel reports */
      m.test = test != NULL ? cs_explore_keep (owner, g_strdup (test)) : NULL;
      m.x_is_date = x->type == CS_VARIABLE_DATE;
      m.y_is_date = y->type == CS_VARIABLE_DATE;
      m.x_label = cs_explore_keep (owner, axis_label (x));
      m.y_label = cs_explore_keep (owner, axis_label (y));
      for (guint i = 0; i < n; i++)
        point_rows[i] = g_array_index (rows, guint, i);
      cs_chart_widget_set_model (self->chart, CS_CHART_SCATTER, &m, owner, (GDestroyNotify) g_ptr_array_unref);
      cs_chart_widget_set_rows (self->chart, self->store, point_rows, n);
    }
  else if (kind == KIND_BOX || kind == KIND_VIOLIN)
    {
      CsChartBoxModel m = { 0 };
      const CsVariable *num = num_x ? x : y, *grp = num_x ? y : x;
      gint32 *group;
      const char **labels;
      guint n_groups = make_groups (grp, rows, owner, &group, &labels);
      CsGroups groups = { n, group, n_groups, (char **) labels };
      double *v = column (num, rows, owner);
      double **values;
      guint *counts;

      /* each group's values, without the missing ones */
      cs_groups_collect (&groups, v, &values, &counts);
      cs_explore_keep (owner, values);
      cs_explore_keep (owner, counts);
      for (guint k = 0; k < n_groups; k++)
        cs_explore_keep (owner, values[k]);
      m.n_groups = n_groups;
      m.group_labels = labels;
      m.values = (const double * const *) values;
      m.n_values = counts;
      m.violin = kind == KIND_VIOLIN;
      m.points = TRUE;
      m.x_label = cs_explore_keep (owner, g_strdup (cs_explore_var_name (grp)));
      m.y_label = cs_explore_keep (owner, axis_label (num));
      m.y_is_date = num->type == CS_VARIABLE_DATE;
      cs_chart_widget_set_model (self->chart, CS_CHART_BOX, &m, owner, (GDestroyNotify) g_ptr_array_unref);
    }
  else if (kind == KIND_HISTOGRAM)
    {
      CsChartHistogramModel m = { 0 };

      m.values = column (x, rows, owner);
      m.n = n;
      m.rule = CS_CHART_BINS_FREEDMAN_DIACONIS;
      m.x_label = cs_explore_keep (owner, axis_label (x));
      m.is_date = x->type == CS_VARIABLE_DATE;
      cs_chart_widget_set_model (self->chart, CS_CHART_HISTOGRAM, &m, owner, (GDestroyNotify) g_ptr_array_unref);
    }
  else
    {
      CsChartBarModel m = { 0 };
      gint32 *group;
      const char **labels;
      guint n_groups = make_groups (x, rows, owner, &group, &labels);
      CsGroups groups = { n, group, n_groups, (char **) labels };
      double *counts = cs_explore_keep (owner, g_new0 (double, MAX (n_groups, 1)));

      cs_groups_count (&groups, NULL, counts);
      m.n_categories = n_groups;
      m.labels = labels;
      m.counts_all = counts;
      m.x_label = cs_explore_keep (owner, g_strdup (cs_explore_var_name (x)));
      cs_chart_widget_set_model (self->chart, CS_CHART_BAR, &m, owner, (GDestroyNotify) g_ptr_array_unref);
    }
  set_caption (self, x, y, kind, test);
}

/* ------------------------------------------------------------- the test */

static void
set_stats_text (CsExplorePair *self,
                const char    *text)
{
  g_free (self->stats_text);
  self->stats_text = g_strdup (text);
  gtk_label_set_text (self->stats_label, text);
}

/* The stats panel's text for the result */
static char *
describe_result (const CsStatsResult *r)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autofree char *stat = cs_explore_format_number (r->statistic);
  g_autofree char *p = cs_explore_format_number (r->p_value);
  g_autofree char *effect = cs_explore_format_number (r->effect);

  g_string_append_printf (s, "%s\n", cs_stats_method_title (r->method));
  g_string_append_printf (s, "n = %u\n", r->n);
  if (isnan (r->p_value) || isnan (r->statistic))
    {
      const char *why;

      if ((r->method == CS_STATS_METHOD_PEARSON || r->method == CS_STATS_METHOD_SPEARMAN) && r->n < 3)
        why = _("fewer than 3 patients have both values");
      else if ((r->method == CS_STATS_METHOD_MANNWHITNEY || r->method == CS_STATS_METHOD_KRUSKAL) && r->n_groups < 2)
        why = _("fewer than two groups have values");
      else if (r->method == CS_STATS_METHOD_CHI2)
        why = _("fewer than two rows or columns have patients");
      else
        why = _("a column is constant or all values are tied");
      g_string_append_printf (s, _("Result: undefined (%s)\n"), why);
    }
  else
    {
      g_string_append_printf (s, "%s = %s\n", cs_stats_statistic_symbol (r->method), stat);
      if (isfinite (r->df) && r->method != CS_STATS_METHOD_MANNWHITNEY)
        g_string_append_printf (s, _("df = %g\n"), r->df);
      g_string_append_printf (s, "p = %s\n", p);
      if (r->effect_name != NULL)
        g_string_append_printf (s, _("Effect size (%s) = %s\n"), cs_stats_effect_label (r->effect_name), effect);
      if (!isnan (r->ci_low) && !isnan (r->ci_high))
        g_string_append_printf (s, _("95%% CI %.3f to %.3f\n"), r->ci_low, r->ci_high);
      else if (r->method == CS_STATS_METHOD_PEARSON || r->method == CS_STATS_METHOD_SPEARMAN)
        g_string_append (s, _("95% CI undefined (needs at least 4 patients)\n"));
    }
  g_string_append (s, CS_EXPLORE_EXPLORATORY_NOTE);

  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* The result on one line, the last clause of the chart's accessible
 * description: "Spearman ρ = 0.84, n = 97, p = 0.0012" */
static char *
summarize_result (const CsStatsResult *r)
{
  g_autofree char *stat = cs_explore_format_number (r->statistic);
  g_autofree char *p = cs_explore_format_number (r->p_value);

  if (isnan (r->p_value) || isnan (r->statistic))
    return g_strdup_printf (_("%s: undefined, n = %u"), cs_stats_method_title (r->method), r->n);
  return g_strdup_printf ("%s: %s = %s, n = %u, p = %s", cs_stats_method_title (r->method),
                          cs_stats_statistic_symbol (r->method),
                          stat, r->n, p);
}

/* The exports of the result: stats_json and stats_csv */
static void
write_result (CsExplorePair    *self,
              const CsVariable *x,
              const CsVariable *y)
{
  const CsStatsResult *r = &self->result;
  GString *json = self->stats_json;
  GString *csv = self->stats_csv;

  g_string_truncate (json, 0);
  g_string_append (json, "{\"method\":");
  cs_json_append_escaped (json, cs_stats_method_to_string (r->method), -1);
  g_string_append (json, ",\"x\":");
  cs_json_append_escaped (json, x->key, -1);
  g_string_append (json, ",\"y\":");
  cs_json_append_escaped (json, y->key, -1);
  g_string_append_printf (json, ",\"n\":%u,\"statistic\":", r->n);
  cs_format_json_number (json, r->statistic);
  g_string_append (json, ",\"p\":");
  cs_format_json_number (json, r->p_value);
  g_string_append (json, ",\"df\":");
  cs_format_json_number (json, r->df);
  g_string_append (json, ",\"effect_name\":");
  if (r->effect_name != NULL)
    cs_json_append_escaped (json, r->effect_name, -1);
  else
    g_string_append (json, "null");
  g_string_append (json, ",\"effect\":");
  cs_format_json_number (json, r->effect);
  g_string_append (json, ",\"ci_low\":");
  cs_format_json_number (json, r->ci_low);
  g_string_append (json, ",\"ci_high\":");
  cs_format_json_number (json, r->ci_high);
  g_string_append (json, ",\"exploratory\":true,\"note\":");
  cs_json_append_escaped (json, "not corrected for multiple testing", -1);
  g_string_append (json, "}\n");

  g_string_truncate (csv, 0);
  g_string_append (csv, "method,x,y,n,statistic,p,df,effect_name,effect,ci_low,ci_high\n");
  g_string_append_printf (csv, "%s,", cs_stats_method_to_string (r->method));
  cs_csv_append_field (csv, x->key, ',');
  g_string_append_c (csv, ',');
  cs_csv_append_field (csv, y->key, ',');
  g_string_append_printf (csv, ",%u,", r->n);
  cs_explore_csv_number (csv, r->statistic);
  g_string_append_c (csv, ',');
  cs_explore_csv_number (csv, r->p_value);
  g_string_append_c (csv, ',');
  cs_explore_csv_number (csv, r->df);
  g_string_append_c (csv, ',');
  cs_csv_append_field (csv, r->effect_name, ',');
  g_string_append_c (csv, ',');
  cs_explore_csv_number (csv, r->effect);
  g_string_append_c (csv, ',');
  cs_explore_csv_number (csv, r->ci_low);
  g_string_append_c (csv, ',');
  cs_explore_csv_number (csv, r->ci_high);
  g_string_append_c (csv, '\n');
}

/* Runs the test for x and y over the rows (cs_analysis_run_test(), as
 * `cohortscope-cli stats`); FALSE with a message in *why when the chosen
 * method does not fit the types. */
static gboolean
run_test (CsExplorePair     *self,
          const CsVariable  *x,
          const CsVariable  *y,
          guint              method_choice,
          char             **why)
{
  g_auto(CsAnalysisTest) test = { 0 };
  g_autoptr(GError) error = NULL;
  CsStatsMethod method;

  switch (method_choice)
    {
    case METHOD_PEARSON: method = CS_STATS_METHOD_PEARSON; break;
    case METHOD_SPEARMAN: method = CS_STATS_METHOD_SPEARMAN; break;
    case METHOD_MANNWHITNEY: method = CS_STATS_METHOD_MANNWHITNEY; break;
    case METHOD_KRUSKAL: method = CS_STATS_METHOD_KRUSKAL; break;
    case METHOD_CHI2: method = CS_STATS_METHOD_CHI2; break;
    default: method = cs_analysis_default_method (x, y); break;
    }

  if (cs_analysis_run_test (self->rows, x, y, method, method_choice != METHOD_AUTO,
                            CS_ANALYSIS_DISPLAY_LABELS, &test, &error))
    {
      self->result = test.result;
      return TRUE;
    }

  if (g_error_matches (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_GROUPS))
    *why = g_strdup_printf (_("Mann–Whitney compares two groups, but “%s” has %u; choose Kruskal–Wallis."),
                            cs_explore_var_name (test.grp), test.groups->n_groups);
  else if (method == CS_STATS_METHOD_PEARSON || method == CS_STATS_METHOD_SPEARMAN)
    {
      const CsVariable *bad = cs_variable_is_numeric_like (x) || x->type == CS_VARIABLE_BOOLEAN ? y : x;

      *why = g_strdup_printf (_("%s needs two numeric variables; “%s” is %s."), cs_stats_method_title (method),
                              cs_explore_var_name (bad), cs_variable_type_to_label (bad->type));
    }
  else if (method == CS_STATS_METHOD_MANNWHITNEY || method == CS_STATS_METHOD_KRUSKAL)
    *why = g_strdup_printf (_("%s needs one numeric and one categorical or boolean variable."),
                            cs_stats_method_title (method));
  else if (method == CS_STATS_METHOD_CHI2)
    *why = g_strdup (_("The χ² test needs two categorical or boolean variables."));
  else
    *why = g_strdup (error->message);
  return FALSE;
}

/* ------------------------------------------------------------- the page */

void
cs_explore_pair_update (CsExplorePair *self)
{
  CsVariable *x, *y;
  g_autoptr(GString) notes = g_string_new (NULL);
  g_autoptr(GString) test_notes = g_string_new (NULL);
  g_autofree char *why = NULL;
  g_autofree char *text = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *spoken = NULL;

  g_return_if_fail (CS_IS_EXPLORE_PAIR (self));

  if (self->updating > 0 || self->chart == NULL)
    return;

  self->have_result = FALSE;
  g_clear_pointer (&self->brush_filter, g_free);
  gtk_widget_set_sensitive (GTK_WIDGET (self->filter_button), FALSE);
  g_string_truncate (self->stats_json, 0);
  g_string_truncate (self->stats_csv, 0);

  x = cs_explore_dropdown_var (self->x_dropdown, self->x_vars);
  y = cs_explore_dropdown_var (self->y_dropdown, self->y_vars);
  if (self->store == NULL || x == NULL)
    {
      cs_chart_widget_clear (self->chart);
      set_stats_text (self, _("Choose a variable for X."));
      return;
    }

  /* the test first: the chart names the one the panel reports */
  if (y == NULL)
    g_string_append (test_notes, _("Choose Y to test an association."));
  else if (x == y)
    g_string_append (test_notes, _("X and Y are the same variable."));
  else if (!run_test (self, x, y, gtk_drop_down_get_selected (self->method_dropdown), &why))
    g_string_append (test_notes, why);
  else
    {
      self->have_result = TRUE;
      write_result (self, x, y);
      text = describe_result (&self->result);
      g_string_append (test_notes, text);
      summary = cs_stats_result_summary (&self->result, CS_STATS_P_THRESHOLD);
      spoken = summarize_result (&self->result);
    }

  build_chart (self, x, y, gtk_drop_down_get_selected (self->kind_dropdown), summary, notes);
  cs_chart_widget_set_statistics (self->chart, spoken);
  g_string_append (notes, test_notes->str);
  set_stats_text (self, notes->str);
}

static void
on_control_changed (CsExplorePair *self)
{
  cs_explore_pair_update (self);
}

static void
on_rows_selected (CsChartWidget *chart,
                  GArray        *rows,
                  CsExplorePair *self)
{
  CsVariable *x = cs_explore_dropdown_var (self->x_dropdown, self->x_vars);
  CsVariable *y = cs_explore_dropdown_var (self->y_dropdown, self->y_vars);
  double x0, x1, y0, y1;
  char a[32], b[32], c[32], d[32];

  g_clear_pointer (&self->brush_filter, g_free);
  if (rows->len > 0 && x != NULL && y != NULL &&
      cs_chart_widget_get_brush (chart, &x0, &x1, &y0, &y1))
    {
      cs_format_double_buf (x0, a);
      cs_format_double_buf (x1, b);
      cs_format_double_buf (y0, c);
      cs_format_double_buf (y1, d);
      self->brush_filter = g_strdup_printf ("%s >= %s and %s <= %s and %s >= %s and %s <= %s",
                                            x->key, a, x->key, b, y->key, c, y->key, d);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->filter_button), self->brush_filter != NULL);
}

gboolean
cs_explore_pair_request_filter (CsExplorePair *self)
{
  gboolean handled = FALSE;
  g_autofree char *expression = NULL;

  g_return_val_if_fail (CS_IS_EXPLORE_PAIR (self), FALSE);

  if (self->brush_filter == NULL)
    return FALSE;
  /* a handler may change the selection, which clears the brush */
  expression = g_strdup (self->brush_filter);
  g_signal_emit (self, signals[SIGNAL_FILTER_REQUESTED], 0, expression, &handled);
  if (!handled)
    {
      g_autofree char *msg = g_strdup_printf (_("Filter copied to the clipboard: %s"), expression);

      gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), expression);
      cs_gui_toast (GTK_WIDGET (self), msg);
    }
  return handled;
}

static void
on_filter_clicked (CsExplorePair *self)
{
  cs_explore_pair_request_filter (self);
}

void
cs_explore_pair_set_store (CsExplorePair *self,
                           CsStore       *store)
{
  guint n_vars = store != NULL ? cs_store_get_n_variables (store) : 0;
  CsVariable *first_feature = NULL, *first_clinical = NULL;

  g_return_if_fail (CS_IS_EXPLORE_PAIR (self));

  cs_chart_widget_clear (self->chart);
  g_set_object (&self->store, store);

  self->updating++;
  g_ptr_array_set_size (self->x_vars, 0);
  g_ptr_array_set_size (self->y_vars, 0);
  g_ptr_array_add (self->y_vars, NULL);
  for (guint i = 0; i < n_vars; i++)
    {
      CsVariable *var = cs_store_get_variable (store, i);

      if (var->type == CS_VARIABLE_SURVIVAL)
        continue;
      g_ptr_array_add (self->x_vars, var);
      g_ptr_array_add (self->y_vars, var);
      if (first_feature == NULL && g_strcmp0 (var->group, "Radiomics") == 0 && var->type == CS_VARIABLE_NUMERIC)
        first_feature = var;
      if (first_clinical == NULL && g_strcmp0 (var->group, "Radiomics") != 0 && var->type == CS_VARIABLE_NUMERIC)
        first_clinical = var;
    }
  cs_explore_fill_dropdown (self->x_dropdown, self->x_vars, NULL);
  cs_explore_fill_dropdown (self->y_dropdown, self->y_vars, _("(none)"));
  if (first_feature != NULL)
    cs_explore_select_var (self->x_dropdown, self->x_vars, first_feature->key);
  if (first_clinical != NULL)
    cs_explore_select_var (self->y_dropdown, self->y_vars, first_clinical->key);
  self->updating--;
}

void
cs_explore_pair_refresh_variables (CsExplorePair *self)
{
  CsVariable *x, *y;
  g_autofree char *x_key = NULL, *y_key = NULL;

  g_return_if_fail (CS_IS_EXPLORE_PAIR (self));

  x = cs_explore_dropdown_var (self->x_dropdown, self->x_vars);
  y = cs_explore_dropdown_var (self->y_dropdown, self->y_vars);
  x_key = x != NULL ? g_strdup (x->key) : NULL;
  y_key = y != NULL ? g_strdup (y->key) : NULL;
  self->updating++;
  cs_explore_pair_set_store (self, self->store);
  if (x_key != NULL)
    cs_explore_select_var (self->x_dropdown, self->x_vars, x_key);
  cs_explore_select_var (self->y_dropdown, self->y_vars, y_key);
  self->updating--;
  cs_explore_pair_update (self);
}

void
cs_explore_pair_set_rows (CsExplorePair *self,
                          GArray        *rows)
{
  g_return_if_fail (CS_IS_EXPLORE_PAIR (self));
  g_return_if_fail (rows != NULL);

  g_array_ref (rows);
  g_clear_pointer (&self->rows, g_array_unref);
  self->rows = rows;
}

gboolean
cs_explore_pair_show (CsExplorePair *self,
                      const char    *x_key,
                      const char    *y_key)
{
  gboolean ok;

  g_return_val_if_fail (CS_IS_EXPLORE_PAIR (self), FALSE);

  self->updating++;
  ok = cs_explore_select_var (self->x_dropdown, self->x_vars, x_key) &&
       cs_explore_select_var (self->y_dropdown, self->y_vars, y_key);
  gtk_drop_down_set_selected (self->kind_dropdown, KIND_AUTO);
  gtk_drop_down_set_selected (self->method_dropdown, METHOD_AUTO);
  self->updating--;
  if (!ok)
    return FALSE;
  cs_explore_pair_update (self);
  return TRUE;
}

CsChartWidget *
cs_explore_pair_get_chart (CsExplorePair *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_PAIR (self), NULL);

  return self->chart;
}

gboolean
cs_explore_pair_get_result (CsExplorePair *self,
                            CsStatsResult *result)
{
  g_return_val_if_fail (CS_IS_EXPLORE_PAIR (self), FALSE);

  if (!self->have_result)
    return FALSE;
  *result = self->result;
  return TRUE;
}

const char *
cs_explore_pair_get_stats_text (CsExplorePair *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_PAIR (self), NULL);

  return self->stats_text != NULL ? self->stats_text : "";
}

char *
cs_explore_pair_dup_brush_filter (CsExplorePair *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_PAIR (self), NULL);

  return g_strdup (self->brush_filter);
}

void
cs_explore_pair_write_data (CsExplorePair *self,
                            GString       *out)
{
  CsVariable *x, *y;

  g_return_if_fail (CS_IS_EXPLORE_PAIR (self));

  cs_explore_pair_update (self);
  x = cs_explore_dropdown_var (self->x_dropdown, self->x_vars);
  y = cs_explore_dropdown_var (self->y_dropdown, self->y_vars);
  if (self->store == NULL || x == NULL)
    return;

  g_string_append (out, "patient_id,");
  cs_csv_append_field (out, x->key, ',');
  if (y != NULL)
    {
      g_string_append_c (out, ',');
      cs_csv_append_field (out, y->key, ',');
    }
  g_string_append_c (out, '\n');
  for (guint i = 0; i < self->rows->len; i++)
    {
      guint row = g_array_index (self->rows, guint, i);
      g_autofree char *a = cs_variable_format_cell (x, row, FALSE);

      cs_csv_append_field (out, cs_store_get_patient_id (self->store, row), ',');
      g_string_append_c (out, ',');
      cs_csv_append_field (out, a, ',');
      if (y != NULL)
        {
          g_autofree char *b = cs_variable_format_cell (y, row, FALSE);

          g_string_append_c (out, ',');
          cs_csv_append_field (out, b, ',');
        }
      g_string_append_c (out, '\n');
    }
}

void
cs_explore_pair_write_stats (CsExplorePair *self,
                             gboolean       json,
                             GString       *out)
{
  g_return_if_fail (CS_IS_EXPLORE_PAIR (self));

  cs_explore_pair_update (self);
  g_string_append_len (out, json ? self->stats_json->str : self->stats_csv->str,
                       json ? self->stats_json->len : self->stats_csv->len);
}

/* ---------------------------------------------------------------- object */

static void
cs_explore_pair_dispose (GObject *object)
{
  CsExplorePair *self = CS_EXPLORE_PAIR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_EXPLORE_PAIR);
  g_clear_object (&self->store);
  g_clear_pointer (&self->rows, g_array_unref);

  G_OBJECT_CLASS (cs_explore_pair_parent_class)->dispose (object);
}

static void
cs_explore_pair_finalize (GObject *object)
{
  CsExplorePair *self = CS_EXPLORE_PAIR (object);

  g_ptr_array_unref (self->x_vars);
  g_ptr_array_unref (self->y_vars);
  g_free (self->stats_text);
  g_free (self->brush_filter);
  g_string_free (self->stats_json, TRUE);
  g_string_free (self->stats_csv, TRUE);

  G_OBJECT_CLASS (cs_explore_pair_parent_class)->finalize (object);
}

static void
cs_explore_pair_class_init (CsExplorePairClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_explore_pair_dispose;
  object_class->finalize = cs_explore_pair_finalize;

  /* gboolean filter-requested (const char *expression): a handler that
   * applies the filter returns TRUE; unhandled, the page copies it. */
  signals[SIGNAL_FILTER_REQUESTED] =
    g_signal_new ("filter-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  g_signal_accumulator_true_handled, NULL, NULL, G_TYPE_BOOLEAN, 1, G_TYPE_STRING);

  g_type_ensure (CS_TYPE_CHART_WIDGET);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortscope/Cohortscope/cs-explore-pair.ui");
  gtk_widget_class_bind_template_child (widget_class, CsExplorePair, x_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsExplorePair, y_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsExplorePair, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsExplorePair, method_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsExplorePair, filter_button);
  gtk_widget_class_bind_template_child (widget_class, CsExplorePair, stats_label);
  gtk_widget_class_bind_template_child (widget_class, CsExplorePair, chart);
  gtk_widget_class_bind_template_callback (widget_class, on_control_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_rows_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_clicked);
}

static void
cs_explore_pair_init (CsExplorePair *self)
{
  self->x_vars = g_ptr_array_new ();
  self->y_vars = g_ptr_array_new ();
  self->stats_json = g_string_new (NULL);
  self->stats_csv = g_string_new (NULL);
  self->rows = g_array_new (FALSE, FALSE, sizeof (guint));

  gtk_widget_init_template (GTK_WIDGET (self));
}
