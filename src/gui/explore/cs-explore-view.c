/* cs-explore-view.c
 *
 * Every chart's arrays live in an owner handed to its CsChartWidget, so a
 * chart never points into the store: a lesion roll-up change (which
 * rewrites the store's radiomics columns in place) cannot race a drawing or
 * the heat map worker, which gets its own copies of the columns too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "cs-analysis.h"
#include "cs-explore-view.h"
#include "cs-json.h"

#define EXPLORATORY_NOTE _("Exploratory — not corrected for multiple testing")
#define MAX_KM_GROUPS 12

typedef struct
{
  CsCorrMatrix *matrix;
  GPtrArray    *row_keys;
  GPtrArray    *row_labels;
  GPtrArray    *col_keys;
  GPtrArray    *col_labels;
} HeatData;

typedef struct
{
  gint       cancel;
  CsStore   *store;         /* a reference: the columns are read on the worker */
  GArray    *rows;          /* a reference to the view's rows (never changed in place) */
  GPtrArray *feature_vars;  /* CsVariable* of store */
  GPtrArray *clinical_vars;
  guint      n_features;
  guint      n_clinical;    /* the non-constant clinical columns */
  gsize      n_obs;
  double   **features;      /* feature_vars->len copies */
  double   **clinical;      /* clinical_vars->len slots, n_clinical used */
  HeatData  *heat;
} HeatJob;

struct _CsExploreView
{
  GtkWidget       parent_instance;

  /* Template */
  GtkStack       *outer_stack;
  GtkStack       *mode_stack;
  GtkLabel       *cohort_label;
  GtkDropDown    *rollup_dropdown;
  GtkDropDown    *order_dropdown;
  GtkLabel       *heat_status;
  GtkStack       *heat_stack;
  GtkSpinner     *heat_spinner;
  GtkButton      *heat_cancel;
  CsChartWidget  *heat_chart;
  GtkDropDown    *x_dropdown;
  GtkDropDown    *y_dropdown;
  GtkDropDown    *kind_dropdown;
  GtkDropDown    *method_dropdown;
  GtkButton      *filter_button;
  GtkLabel       *stats_label;
  CsChartWidget  *pair_chart;
  GtkDropDown    *time_dropdown;
  GtkDropDown    *group_dropdown;
  GtkDropDown    *split_dropdown;
  GtkEntry       *cut_entry;
  GtkLabel       *survival_label;
  CsChartWidget  *km_chart;

  CsStore        *store;
  CsBitset       *selection;
  GArray         *rows;            /* guint store rows in use */

  GPtrArray      *x_vars;          /* CsVariable*, not owned */
  GPtrArray      *y_vars;          /* [0] = NULL ("none") */
  GPtrArray      *time_vars;
  GPtrArray      *group_vars;      /* [0] = NULL */
  guint           updating;

  GTask          *heat_task;
  HeatData       *heat;            /* shown (a reference) */

  /* Selection changes are coalesced: hidden, the view only marks itself
   * dirty; shown, a burst of changes gives one recomputation in an idle. */
  gboolean        dirty;
  guint           recompute_id;
  guint           n_recomputes;    /* recompute_all() calls, for tests */
  gboolean        want_data_csv;   /* update_pair/_survival also write data_csv */

  gboolean        have_result;
  CsStatsResult   result;
  char           *stats_text;
  char           *survival_text;
  GString        *data_csv;
  GString        *stats_json;
  GString        *stats_csv;
  char           *brush_filter;

  int             export_width;
  int             export_height;
};

G_DEFINE_FINAL_TYPE (CsExploreView, cs_explore_view, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_FILTER_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum { KIND_AUTO, KIND_SCATTER, KIND_BOX, KIND_VIOLIN, KIND_HISTOGRAM, KIND_BAR };
enum { METHOD_AUTO, METHOD_PEARSON, METHOD_SPEARMAN, METHOD_MANNWHITNEY, METHOD_KRUSKAL, METHOD_CHI2 };
enum { SPLIT_MEDIAN, SPLIT_TERTILES, SPLIT_CUT };

static const CsRollup rollups[] = {
  CS_ROLLUP_LATEST, CS_ROLLUP_LARGEST_LESION, CS_ROLLUP_MAX, CS_ROLLUP_MEAN, CS_ROLLUP_SUM,
};

static void update_pair     (CsExploreView *self);
static void update_survival (CsExploreView *self);
static void start_heatmap   (CsExploreView *self);
static void report          (CsExploreView *self,
                             const char    *message);

/* -------------------------------------------------------------- helpers */

static gpointer
keep (GPtrArray *owner,
      gpointer   data)
{
  g_ptr_array_add (owner, data);
  return data;
}

static char *
var_display (const CsVariable *var)
{
  if (var->label != NULL && g_strcmp0 (var->label, var->key) != 0)
    return g_strdup_printf ("%s (%s)", var->label, var->key);
  return g_strdup (var->key);
}

static const char *
var_name (const CsVariable *var)
{
  return var->label != NULL ? var->label : var->key;
}

static char *
format_number (double value)
{
  if (isnan (value))
    return g_strdup (_("undefined"));
  if (isinf (value))
    return g_strdup (value > 0 ? "∞" : "−∞");
  return g_strdup_printf ("%.4g", value);
}

static void
csv_field (GString    *out,
           const char *str)
{
  if (str == NULL)
    return;
  if (strpbrk (str, ",\"\n\r") == NULL)
    {
      g_string_append (out, str);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = str; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
csv_number (GString *out,
            double   value)
{
  char buf[32];

  if (isnan (value))
    return;
  cs_format_double_buf (value, buf);
  g_string_append (out, buf);
}

static void
fill_dropdown (GtkDropDown *dropdown,
               GPtrArray   *vars,
               const char  *none_label)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);

  for (guint i = 0; i < vars->len; i++)
    {
      CsVariable *var = g_ptr_array_index (vars, i);
      g_autofree char *text = var != NULL ? var_display (var) : g_strdup (none_label);

      gtk_string_list_append (list, text);
    }
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (list));
}

static CsVariable *
dropdown_var (GtkDropDown *dropdown,
              GPtrArray   *vars)
{
  guint pos = gtk_drop_down_get_selected (dropdown);

  if (vars == NULL || pos == GTK_INVALID_LIST_POSITION || pos >= vars->len)
    return NULL;
  return g_ptr_array_index (vars, pos);
}

static gboolean
select_var (GtkDropDown *dropdown,
            GPtrArray   *vars,
            const char  *key)
{
  for (guint i = 0; vars != NULL && i < vars->len; i++)
    {
      CsVariable *var = g_ptr_array_index (vars, i);

      if ((var == NULL && key == NULL) || (var != NULL && key != NULL && g_str_equal (var->key, key)))
        {
          gtk_drop_down_set_selected (dropdown, i);
          return TRUE;
        }
    }
  return FALSE;
}

static void
set_string_model (GtkDropDown        *dropdown,
                  const char * const *items)
{
  g_autoptr(GtkStringList) list = gtk_string_list_new (items);

  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (list));
}

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
  *out_group = keep (owner, g_steal_pointer (&groups->group));
  *out_labels = keep (owner, g_steal_pointer (&groups->labels));
  for (guint k = 0; k < n_groups; k++)
    keep (owner, (char *) (*out_labels)[k]);
  cs_groups_free (groups);
  return n_groups;
}

static double *
column (const CsVariable *var,
        GArray           *rows,
        GPtrArray        *owner)
{
  return keep (owner, cs_analysis_column (var, rows));
}

static char *
axis_label (const CsVariable *var)
{
  return cs_chart_axis_label (var_name (var), var->unit);
}

/* ------------------------------------------------------------ selection */

static void
update_rows (CsExploreView *self)
{
  guint n = self->store != NULL ? cs_store_get_n_patients (self->store) : 0;

  g_clear_pointer (&self->rows, g_array_unref);
  self->rows = cs_analysis_rows (n, self->selection);
  if (self->rows->len == n)
    {
      g_autofree char *text = g_strdup_printf (ngettext ("%u patient", "%u patients", n), n);

      gtk_label_set_text (self->cohort_label, text);
    }
  else
    {
      /* Translators: the Explore view's cohort size, "120 of 400 patients (filtered)" */
      g_autofree char *text = g_strdup_printf (_("%u of %u patients (filtered)"), self->rows->len, n);

      gtk_label_set_text (self->cohort_label, text);
    }
}

/* -------------------------------------------------------------- heat map */

static void
heat_data_clear (gpointer data)
{
  HeatData *heat = data;

  g_clear_pointer (&heat->matrix, cs_corr_matrix_free);
  g_clear_pointer (&heat->row_keys, g_ptr_array_unref);
  g_clear_pointer (&heat->row_labels, g_ptr_array_unref);
  g_clear_pointer (&heat->col_keys, g_ptr_array_unref);
  g_clear_pointer (&heat->col_labels, g_ptr_array_unref);
}

static void
heat_data_unref (gpointer data)
{
  g_rc_box_release_full (data, heat_data_clear);
}

static void
heat_job_free (gpointer data)
{
  HeatJob *job = data;

  for (guint i = 0; job->features != NULL && i < job->feature_vars->len; i++)
    g_free (job->features[i]);
  for (guint j = 0; job->clinical != NULL && j < job->clinical_vars->len; j++)
    g_free (job->clinical[j]);
  g_free (job->features);
  g_free (job->clinical);
  g_clear_pointer (&job->feature_vars, g_ptr_array_unref);
  g_clear_pointer (&job->clinical_vars, g_ptr_array_unref);
  g_clear_pointer (&job->rows, g_array_unref);
  g_clear_object (&job->store);
  if (job->heat != NULL)
    heat_data_unref (job->heat);
  g_free (job);
}

/* Held (for reading) while a heat map worker copies the store's columns,
 * and (for writing) while a lesion roll-up rewrites the Radiomics columns
 * in place. Shared by every Explore view: a roll-up is rare and short. */
static GRWLock columns_lock;

/* Copies the selected rows of the columns; FALSE when cancelled. The
 * clinical columns that are constant in this cohort are left out. */
static gboolean
heat_copy_columns (HeatJob *job)
{
  gboolean ok = TRUE;

  g_rw_lock_reader_lock (&columns_lock);
  for (guint i = 0; i < job->feature_vars->len && ok; i++)
    {
      CsVariable *var = g_ptr_array_index (job->feature_vars, i);

      if (g_atomic_int_get (&job->cancel))
        ok = FALSE;
      else
        job->features[i] = cs_analysis_column (var, job->rows);
    }
  job->n_features = job->feature_vars->len;
  for (guint j = 0; j < job->clinical_vars->len && ok; j++)
    {
      CsVariable *var = g_ptr_array_index (job->clinical_vars, j);
      double lo = INFINITY, hi = -INFINITY;
      double *values;

      if (g_atomic_int_get (&job->cancel))
        {
          ok = FALSE;
          break;
        }
      /* ordinal columns (T stage, stage group) by rank */
      values = cs_analysis_rank_column (var, job->rows);
      for (gsize k = 0; k < job->n_obs; k++)
        if (!isnan (values[k]))
          {
            lo = MIN (lo, values[k]);
            hi = MAX (hi, values[k]);
          }
      /* a column that is constant in this cohort has no correlation to show */
      if (!(hi > lo))
        {
          g_free (values);
          continue;
        }
      job->clinical[job->n_clinical++] = values;
      g_ptr_array_add (job->heat->col_keys, g_strdup (var->key));
      g_ptr_array_add (job->heat->col_labels, g_strdup (var_name (var)));
    }
  g_rw_lock_reader_unlock (&columns_lock);
  return ok;
}

static void
heat_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  HeatJob *job = task_data;
  CsCorrMatrix *matrix;

  if (!heat_copy_columns (job))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("The heat map was cancelled"));
      return;
    }
  if (job->n_clinical == 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                               _("Every clinical variable is constant in this cohort."));
      return;
    }
  matrix = cs_stats_correlate_matrix ((const double *const *) job->features, job->n_features,
                                      (const double *const *) job->clinical, job->n_clinical,
                                      job->n_obs, CS_STATS_METHOD_SPEARMAN, 0, &job->cancel);
  if (matrix == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("The heat map was cancelled"));
  else
    g_task_return_pointer (task, matrix, (GDestroyNotify) cs_corr_matrix_free);
}

static void
show_heat (CsExploreView *self)
{
  CsChartHeatmapModel model = { 0 };
  HeatData *heat = self->heat;

  if (heat == NULL)
    {
      cs_chart_widget_clear (self->heat_chart);
      return;
    }
  model.n_rows = heat->matrix->n_rows;
  model.n_cols = heat->matrix->n_cols;
  model.r = heat->matrix->r;
  model.q = heat->matrix->q;
  model.row_labels = (const char * const *) heat->row_labels->pdata;
  model.col_labels = (const char * const *) heat->col_labels->pdata;
  model.order = gtk_drop_down_get_selected (self->order_dropdown) == 1 ? CS_CHART_ORDER_CLUSTER
                                                                        : CS_CHART_ORDER_MAX_ABS;
  model.title = _("Spearman correlation of radiomics features with clinical variables");
  model.effect_label = "ρ";
  cs_chart_widget_set_model (self->heat_chart, CS_CHART_HEATMAP, &model,
                             g_rc_box_acquire (heat), heat_data_unref);
}

static void
on_heat_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CsExploreView) self = user_data;
  GTask *task = G_TASK (result);
  HeatJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  CsCorrMatrix *matrix = g_task_propagate_pointer (task, &error);
  guint n_sig = 0;

  if (self->heat_task != task)
    {
      g_clear_pointer (&matrix, cs_corr_matrix_free);
      return;
    }
  g_clear_object (&self->heat_task);
  gtk_spinner_stop (self->heat_spinner);

  if (matrix == NULL)
    {
      gtk_label_set_text (self->heat_status, error->message);
      gtk_stack_set_visible_child_name (self->heat_stack, "none");
      return;
    }

  job->heat->matrix = matrix;
  if (self->heat != NULL)
    heat_data_unref (self->heat);
  self->heat = g_rc_box_acquire (job->heat);
  for (gsize i = 0; i < (gsize) matrix->n_rows * matrix->n_cols; i++)
    if (matrix->q[i] < 0.05)
      n_sig++;
  {
    g_autofree char *text =
      g_strdup_printf (_("%u features × %u clinical variables over %zu patients; %u cells with q < 0.05 (Benjamini–Hochberg). Click a cell to open its chart."),
                       matrix->n_rows, matrix->n_cols, job->n_obs, n_sig);

    gtk_label_set_text (self->heat_status, text);
  }
  show_heat (self);
  gtk_stack_set_visible_child_name (self->heat_stack, "chart");
}

static void
cancel_heat (CsExploreView *self)
{
  if (self->heat_task != NULL)
    {
      HeatJob *job = g_task_get_task_data (self->heat_task);

      g_atomic_int_set (&job->cancel, 1);
      g_clear_object (&self->heat_task);
      gtk_spinner_stop (self->heat_spinner);
    }
}

static void
start_heatmap (CsExploreView *self)
{
  g_autoptr(GTask) task = NULL;
  HeatJob *job;
  guint n_vars;
  g_autoptr(GPtrArray) feats = g_ptr_array_new ();
  g_autoptr(GPtrArray) clins = g_ptr_array_new ();

  cancel_heat (self);
  if (self->heat != NULL)
    {
      cs_chart_widget_clear (self->heat_chart);
      heat_data_unref (self->heat);
      self->heat = NULL;
    }
  if (self->store == NULL)
    return;

  n_vars = cs_store_get_n_variables (self->store);
  for (guint i = 0; i < n_vars; i++)
    {
      CsVariable *var = cs_store_get_variable (self->store, i);

      if (g_strcmp0 (var->group, "Radiomics") == 0)
        {
          if (var->type == CS_VARIABLE_NUMERIC && var->n > 0)
            g_ptr_array_add (feats, var);
        }
      /* Survival-typed columns (time + event) are not correlated, but their
       * plain numeric time (survival_time) is: the planted relationships of
       * the demo, and most radiomics questions, are about outcome. */
      else if ((var->type == CS_VARIABLE_NUMERIC || var->type == CS_VARIABLE_BOOLEAN
                || (var->type == CS_VARIABLE_CATEGORICAL && cs_analysis_is_correlatable (var)))
               && var->n >= 3)
        g_ptr_array_add (clins, var);
    }

  if (feats->len == 0 || clins->len == 0)
    {
      gtk_label_set_text (self->heat_status, "");
      gtk_stack_set_visible_child_name (self->heat_stack, "none");
      return;
    }

  job = g_new0 (HeatJob, 1);
  job->store = g_object_ref (self->store);
  job->rows = g_array_ref (self->rows);
  job->n_obs = self->rows->len;
  job->feature_vars = g_ptr_array_ref (feats);
  job->clinical_vars = g_ptr_array_ref (clins);
  job->features = g_new0 (double *, feats->len);
  job->clinical = g_new0 (double *, clins->len);
  job->heat = g_rc_box_new0 (HeatData);
  job->heat->row_keys = g_ptr_array_new_with_free_func (g_free);
  job->heat->row_labels = g_ptr_array_new_with_free_func (g_free);
  job->heat->col_keys = g_ptr_array_new_with_free_func (g_free);
  job->heat->col_labels = g_ptr_array_new_with_free_func (g_free);
  {
    g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

    /* labels shared by several features (GLRLM and GLSZM both have a
     * GrayLevelNonUniformity) show the key instead */
    for (guint i = 0; i < feats->len; i++)
      {
        CsVariable *var = g_ptr_array_index (feats, i);
        guint count = GPOINTER_TO_UINT (g_hash_table_lookup (seen, var_name (var)));

        g_hash_table_insert (seen, (gpointer) var_name (var), GUINT_TO_POINTER (count + 1));
      }
    for (guint i = 0; i < feats->len; i++)
      {
        CsVariable *var = g_ptr_array_index (feats, i);

        g_ptr_array_add (job->heat->row_labels,
                         g_strdup (GPOINTER_TO_UINT (g_hash_table_lookup (seen, var_name (var))) > 1
                                   ? var->key : var_name (var)));
        g_ptr_array_add (job->heat->row_keys, g_strdup (var->key));
      }
  }

  /* the columns are copied on the worker (heat_copy_columns): a drag over
   * 100,000 patients does not copy megabytes on the main thread */
  task = g_task_new (NULL, NULL, on_heat_done, g_object_ref (self));
  g_task_set_task_data (task, job, heat_job_free);
  g_task_set_name (task, "cs-explore-heatmap");
  self->heat_task = g_object_ref (task);
  gtk_spinner_start (self->heat_spinner);
  gtk_label_set_text (self->heat_status, "");
  gtk_stack_set_visible_child_name (self->heat_stack, "computing");
  g_task_run_in_thread (task, heat_thread);
}

static void
on_heat_cancel_clicked (CsExploreView *self)
{
  cancel_heat (self);
  gtk_label_set_text (self->heat_status, _("The heat map was cancelled. Change the cohort or the lesion roll-up to compute it again."));
  gtk_stack_set_visible_child_name (self->heat_stack, "none");
}

static void
on_cell_activated (CsChartWidget *chart,
                   guint          row,
                   guint          col,
                   CsExploreView *self)
{
  if (self->heat == NULL || row >= self->heat->row_keys->len || col >= self->heat->col_keys->len)
    return;
  cs_explore_view_show_pair (self, g_ptr_array_index (self->heat->row_keys, row),
                             g_ptr_array_index (self->heat->col_keys, col));
}

/* ------------------------------------------------------------ pair chart */

static const char *
method_title (CsStatsMethod method)
{
  switch (method)
    {
    case CS_STATS_METHOD_PEARSON: return _("Pearson correlation");
    case CS_STATS_METHOD_SPEARMAN: return _("Spearman rank correlation");
    case CS_STATS_METHOD_MANNWHITNEY: return _("Mann–Whitney U test");
    case CS_STATS_METHOD_KRUSKAL: return _("Kruskal–Wallis H test");
    case CS_STATS_METHOD_CHI2: return _("χ² test of independence");
    default: return "";
    }
}

static const char *
statistic_name (CsStatsMethod method)
{
  switch (method)
    {
    case CS_STATS_METHOD_PEARSON: return "r";
    case CS_STATS_METHOD_SPEARMAN: return "ρ";
    case CS_STATS_METHOD_MANNWHITNEY: return "U";
    case CS_STATS_METHOD_KRUSKAL: return "H";
    case CS_STATS_METHOD_CHI2: return "χ²";
    default: return "";
    }
}

static void
set_stats_text (CsExploreView *self,
                const char    *text)
{
  g_free (self->stats_text);
  self->stats_text = g_strdup (text);
  gtk_label_set_text (self->stats_label, text);
}

static void
describe_result (CsExploreView    *self,
                 const CsVariable *x,
                 const CsVariable *y)
{
  const CsStatsResult *r = &self->result;
  GString *s = g_string_new (NULL);
  g_autofree char *stat = format_number (r->statistic);
  g_autofree char *p = format_number (r->p_value);
  g_autofree char *effect = format_number (r->effect);

  g_string_append_printf (s, "%s\n", method_title (r->method));
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
      g_string_append_printf (s, "%s = %s\n", statistic_name (r->method), stat);
      if (isfinite (r->df) && r->method != CS_STATS_METHOD_MANNWHITNEY)
        g_string_append_printf (s, _("df = %g\n"), r->df);
      g_string_append_printf (s, "p = %s\n", p);
      if (r->effect_name != NULL)
        g_string_append_printf (s, _("Effect size (%s) = %s\n"), r->effect_name, effect);
      if (!isnan (r->ci_low) && !isnan (r->ci_high))
        g_string_append_printf (s, _("95%% CI %.3f to %.3f\n"), r->ci_low, r->ci_high);
      else if (r->method == CS_STATS_METHOD_PEARSON || r->method == CS_STATS_METHOD_SPEARMAN)
        g_string_append (s, _("95% CI undefined (needs at least 4 patients)\n"));
    }
  g_string_append (s, EXPLORATORY_NOTE);
  set_stats_text (self, s->str);
  g_string_free (s, TRUE);

  g_string_truncate (self->stats_json, 0);
  g_string_append (self->stats_json, "{\"method\":");
  cs_json_append_escaped (self->stats_json, cs_stats_method_to_string (r->method), -1);
  g_string_append (self->stats_json, ",\"x\":");
  cs_json_append_escaped (self->stats_json, x->key, -1);
  g_string_append (self->stats_json, ",\"y\":");
  cs_json_append_escaped (self->stats_json, y->key, -1);
  g_string_append_printf (self->stats_json, ",\"n\":%u,\"statistic\":", r->n);
  cs_format_json_number (self->stats_json, r->statistic);
  g_string_append (self->stats_json, ",\"p\":");
  cs_format_json_number (self->stats_json, r->p_value);
  g_string_append (self->stats_json, ",\"df\":");
  cs_format_json_number (self->stats_json, r->df);
  g_string_append (self->stats_json, ",\"effect_name\":");
  if (r->effect_name != NULL)
    cs_json_append_escaped (self->stats_json, r->effect_name, -1);
  else
    g_string_append (self->stats_json, "null");
  g_string_append (self->stats_json, ",\"effect\":");
  cs_format_json_number (self->stats_json, r->effect);
  g_string_append (self->stats_json, ",\"ci_low\":");
  cs_format_json_number (self->stats_json, r->ci_low);
  g_string_append (self->stats_json, ",\"ci_high\":");
  cs_format_json_number (self->stats_json, r->ci_high);
  g_string_append (self->stats_json, ",\"exploratory\":true,\"note\":");
  cs_json_append_escaped (self->stats_json, "not corrected for multiple testing", -1);
  g_string_append (self->stats_json, "}\n");

  g_string_truncate (self->stats_csv, 0);
  g_string_append (self->stats_csv, "method,x,y,n,statistic,p,df,effect_name,effect,ci_low,ci_high\n");
  g_string_append_printf (self->stats_csv, "%s,", cs_stats_method_to_string (r->method));
  csv_field (self->stats_csv, x->key);
  g_string_append_c (self->stats_csv, ',');
  csv_field (self->stats_csv, y->key);
  g_string_append_printf (self->stats_csv, ",%u,", r->n);
  csv_number (self->stats_csv, r->statistic);
  g_string_append_c (self->stats_csv, ',');
  csv_number (self->stats_csv, r->p_value);
  g_string_append_c (self->stats_csv, ',');
  csv_number (self->stats_csv, r->df);
  g_string_append_c (self->stats_csv, ',');
  csv_field (self->stats_csv, r->effect_name);
  g_string_append_c (self->stats_csv, ',');
  csv_number (self->stats_csv, r->effect);
  g_string_append_c (self->stats_csv, ',');
  csv_number (self->stats_csv, r->ci_low);
  g_string_append_c (self->stats_csv, ',');
  csv_number (self->stats_csv, r->ci_high);
  g_string_append_c (self->stats_csv, '\n');
}

/* Runs the test for x and y over the rows (cs_analysis_run_test(), as
 * `cohortscope-cli stats`); FALSE with a message in *why when the chosen
 * method does not fit the types. */
static gboolean
run_test (CsExploreView     *self,
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
                            var_name (test.grp), test.groups->n_groups);
  else if (method == CS_STATS_METHOD_PEARSON || method == CS_STATS_METHOD_SPEARMAN)
    {
      const CsVariable *bad = cs_variable_is_numeric_like (x) || x->type == CS_VARIABLE_BOOLEAN ? y : x;

      *why = g_strdup_printf (_("%s needs two numeric variables; “%s” is %s."), method_title (method),
                              var_name (bad), cs_variable_type_to_label (bad->type));
    }
  else if (method == CS_STATS_METHOD_MANNWHITNEY || method == CS_STATS_METHOD_KRUSKAL)
    *why = g_strdup_printf (_("%s needs one numeric and one categorical or boolean variable."),
                            method_title (method));
  else if (method == CS_STATS_METHOD_CHI2)
    *why = g_strdup (_("The χ² test needs two categorical or boolean variables."));
  else
    *why = g_strdup (error->message);
  return FALSE;
}

static void
write_pair_csv (CsExploreView    *self,
                const CsVariable *x,
                const CsVariable *y)
{
  g_string_truncate (self->data_csv, 0);
  g_string_append (self->data_csv, "patient_id,");
  csv_field (self->data_csv, x->key);
  if (y != NULL)
    {
      g_string_append_c (self->data_csv, ',');
      csv_field (self->data_csv, y->key);
    }
  g_string_append_c (self->data_csv, '\n');
  for (guint i = 0; i < self->rows->len; i++)
    {
      guint row = g_array_index (self->rows, guint, i);
      g_autofree char *a = cs_variable_format_cell (x, row, FALSE);

      csv_field (self->data_csv, cs_store_get_patient_id (self->store, row));
      g_string_append_c (self->data_csv, ',');
      csv_field (self->data_csv, a);
      if (y != NULL)
        {
          g_autofree char *b = cs_variable_format_cell (y, row, FALSE);

          g_string_append_c (self->data_csv, ',');
          csv_field (self->data_csv, b);
        }
      g_string_append_c (self->data_csv, '\n');
    }
}

static void
build_pair_chart (CsExploreView    *self,
                  const CsVariable *x,
                  const CsVariable *y,
                  guint             kind_choice,
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
      m.x_is_date = x->type == CS_VARIABLE_DATE;
      m.y_is_date = y->type == CS_VARIABLE_DATE;
      m.x_label = keep (owner, axis_label (x));
      m.y_label = keep (owner, axis_label (y));
      for (guint i = 0; i < n; i++)
        point_rows[i] = g_array_index (rows, guint, i);
      cs_chart_widget_set_model (self->pair_chart, CS_CHART_SCATTER, &m, owner, (GDestroyNotify) g_ptr_array_unref);
      cs_chart_widget_set_rows (self->pair_chart, self->store, point_rows, n);
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
      keep (owner, values);
      keep (owner, counts);
      for (guint k = 0; k < n_groups; k++)
        keep (owner, values[k]);
      m.n_groups = n_groups;
      m.group_labels = labels;
      m.values = (const double * const *) values;
      m.n_values = counts;
      m.violin = kind == KIND_VIOLIN;
      m.points = TRUE;
      m.x_label = keep (owner, g_strdup (var_name (grp)));
      m.y_label = keep (owner, axis_label (num));
      m.y_is_date = num->type == CS_VARIABLE_DATE;
      cs_chart_widget_set_model (self->pair_chart, CS_CHART_BOX, &m, owner, (GDestroyNotify) g_ptr_array_unref);
    }
  else if (kind == KIND_HISTOGRAM)
    {
      CsChartHistogramModel m = { 0 };

      m.values = column (x, rows, owner);
      m.n = n;
      m.rule = CS_CHART_BINS_FREEDMAN_DIACONIS;
      m.x_label = keep (owner, axis_label (x));
      m.is_date = x->type == CS_VARIABLE_DATE;
      cs_chart_widget_set_model (self->pair_chart, CS_CHART_HISTOGRAM, &m, owner, (GDestroyNotify) g_ptr_array_unref);
    }
  else
    {
      CsChartBarModel m = { 0 };
      gint32 *group;
      const char **labels;
      guint n_groups = make_groups (x, rows, owner, &group, &labels);
      CsGroups groups = { n, group, n_groups, (char **) labels };
      double *counts = keep (owner, g_new0 (double, MAX (n_groups, 1)));

      cs_groups_count (&groups, NULL, counts);
      m.n_categories = n_groups;
      m.labels = labels;
      m.counts_all = counts;
      m.x_label = keep (owner, g_strdup (var_name (x)));
      cs_chart_widget_set_model (self->pair_chart, CS_CHART_BAR, &m, owner, (GDestroyNotify) g_ptr_array_unref);
    }
}

static void
update_pair (CsExploreView *self)
{
  CsVariable *x, *y;
  g_autoptr(GString) notes = g_string_new (NULL);
  g_autofree char *why = NULL;

  if (self->updating > 0)
    return;

  self->have_result = FALSE;
  g_clear_pointer (&self->brush_filter, g_free);
  gtk_widget_set_sensitive (GTK_WIDGET (self->filter_button), FALSE);
  g_string_truncate (self->stats_json, 0);
  g_string_truncate (self->stats_csv, 0);
  g_string_truncate (self->data_csv, 0);

  x = dropdown_var (self->x_dropdown, self->x_vars);
  y = dropdown_var (self->y_dropdown, self->y_vars);
  if (self->store == NULL || x == NULL)
    {
      cs_chart_widget_clear (self->pair_chart);
      set_stats_text (self, _("Choose a variable for X."));
      return;
    }

  build_pair_chart (self, x, y, gtk_drop_down_get_selected (self->kind_dropdown), notes);
  if (self->want_data_csv)
    write_pair_csv (self, x, y);

  if (y == NULL)
    {
      g_string_append (notes, _("Choose Y to test an association."));
      set_stats_text (self, notes->str);
      return;
    }
  if (x == y)
    {
      g_string_append (notes, _("X and Y are the same variable."));
      set_stats_text (self, notes->str);
      return;
    }
  if (!run_test (self, x, y, gtk_drop_down_get_selected (self->method_dropdown), &why))
    {
      g_string_append (notes, why);
      set_stats_text (self, notes->str);
      return;
    }
  self->have_result = TRUE;
  describe_result (self, x, y);
  if (notes->len > 0)
    {
      g_autofree char *text = g_strconcat (notes->str, self->stats_text, NULL);

      set_stats_text (self, text);
    }
}

static void
on_rows_selected (CsChartWidget *chart,
                  GArray        *rows,
                  CsExploreView *self)
{
  CsVariable *x = dropdown_var (self->x_dropdown, self->x_vars);
  CsVariable *y = dropdown_var (self->y_dropdown, self->y_vars);
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
cs_explore_view_request_filter (CsExploreView *self)
{
  gboolean handled = FALSE;
  g_autofree char *expression = NULL;

  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), FALSE);

  if (self->brush_filter == NULL)
    return FALSE;
  /* a handler may change the selection, which clears the brush */
  expression = g_strdup (self->brush_filter);
  g_signal_emit (self, signals[SIGNAL_FILTER_REQUESTED], 0, expression, &handled);
  if (!handled)
    {
      g_autofree char *msg = g_strdup_printf (_("Filter copied to the clipboard: %s"), expression);

      gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), expression);
      report (self, msg);
    }
  return handled;
}

static void
on_filter_clicked (CsExploreView *self)
{
  cs_explore_view_request_filter (self);
}

/* -------------------------------------------------------------- survival */

static void
set_survival_text (CsExploreView *self,
                   const char    *text)
{
  g_free (self->survival_text);
  self->survival_text = g_strdup (text);
  gtk_label_set_text (self->survival_label, text);
}

static void
update_survival (CsExploreView *self)
{
  CsVariable *tv, *gv;
  GPtrArray *owner;
  GArray *rows = self->rows;
  guint n, n_groups, n_shown, split;
  g_autoptr(CsSurvivalInput) input = NULL;
  g_autoptr(GPtrArray) curves = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *split_text = NULL;
  const double *time;
  const guint8 *event;
  const gint32 *group;
  const char * const *labels;
  CsChartKmGroup *groups;
  CsChartKmModel m = { 0 };
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->updating > 0)
    return;

  tv = dropdown_var (self->time_dropdown, self->time_vars);
  gv = dropdown_var (self->group_dropdown, self->group_vars);
  split = gtk_drop_down_get_selected (self->split_dropdown);
  gtk_widget_set_sensitive (GTK_WIDGET (self->split_dropdown), gv != NULL && cs_variable_is_numeric_like (gv));
  gtk_widget_set_sensitive (GTK_WIDGET (self->cut_entry),
                            gv != NULL && cs_variable_is_numeric_like (gv) && split == SPLIT_CUT);
  if (self->store == NULL || tv == NULL)
    {
      cs_chart_widget_clear (self->km_chart);
      set_survival_text (self, _("There is no time-to-event variable in this cohort."));
      return;
    }

  /* a grouping variable groups by its levels, a numeric one is split (the
   * rules of `cohortscope-cli survival --split`, src/core/analysis) */
  if (gv != NULL && !cs_variable_is_grouping (gv))
    {
      if (split == SPLIT_CUT)
        {
          split_text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->cut_entry)));
          if (split_text[0] == '\0')
            {
              cs_chart_widget_clear (self->km_chart);
              set_survival_text (self, _("Type a number to cut the grouping variable at."));
              return;
            }
        }
      else
        split_text = g_strdup (split == SPLIT_TERTILES ? "tertiles" : "median");
    }

  if (!cs_survival_input_build (self->store, rows, tv, NULL, gv, split_text, _("All patients"),
                                CS_ANALYSIS_DISPLAY_LABELS | CS_ANALYSIS_UNICODE_LABELS, &input, &error))
    {
      g_autofree char *msg = NULL;

      if (g_error_matches (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_SPLIT))
        {
          CsSplit median = { CS_SPLIT_MEDIAN, NAN };
          double cuts[2];
          char buf[32] = "—";

          if (cs_split_cuts (&median, input->x, input->time, input->n, cuts) == 1)
            cs_format_double_buf (cuts[0], buf);
          msg = g_strdup_printf (_("Type a number to cut “%s” at (for example its median, %s)."),
                                 var_name (gv), buf);
        }
      else if (g_error_matches (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_NO_VALUES))
        msg = g_strdup (_("No patient has both a survival time and a value of the grouping variable."));
      else
        msg = g_strdup (error->message);
      cs_chart_widget_clear (self->km_chart);
      set_survival_text (self, msg);
      return;
    }

  n = input->n;
  n_groups = input->groups->n_groups;
  time = input->time;
  event = input->event;
  group = input->groups->group;
  labels = (const char * const *) input->groups->labels;
  if (gv != NULL && split_text == NULL && n_groups > MAX_KM_GROUPS)
    {
      g_autofree char *msg = g_strdup_printf (_("“%s” has %u groups; a Kaplan–Meier plot shows at most %u. Choose a numeric variable and a split instead."),
                                              var_name (gv), n_groups, MAX_KM_GROUPS);

      cs_chart_widget_clear (self->km_chart);
      set_survival_text (self, msg);
      return;
    }
  owner = g_ptr_array_new_with_free_func (g_free);

  /* the rows behind the chart, only for an export (a CSV of 100,000 rows
   * is not free) */
  g_string_truncate (self->data_csv, 0);
  if (self->want_data_csv)
    g_string_append (self->data_csv, "patient_id,time,event,group\n");
  for (guint i = 0; self->want_data_csv && i < n; i++)
    {
      if (isnan (time[i]))
        continue;
      csv_field (self->data_csv, cs_store_get_patient_id (self->store, g_array_index (rows, guint, i)));
      g_string_append_c (self->data_csv, ',');
      csv_number (self->data_csv, time[i]);
      g_string_append_printf (self->data_csv, ",%u,", event[i]);
      csv_field (self->data_csv, group[i] >= 0 ? labels[group[i]] : "");
      g_string_append_c (self->data_csv, '\n');
    }

  g_string_truncate (self->stats_csv, 0);
  g_string_append (self->stats_csv, "group,n,events,median,median_lower,median_upper\n");
  groups = keep (owner, g_new0 (CsChartKmGroup, MAX (n_groups, 1)));
  curves = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_km_curve_free);
  n_shown = cs_chart_km_groups_from_survival (groups, time, event, group, n, labels, n_groups, curves, owner);
  g_string_append (text, _("Median survival by group\n"));
  for (guint i = 0; i < n_shown; i++)
    {
      const CsKmCurve *curve = g_ptr_array_index (curves, i);
      const char *label = groups[i].label;
      g_autofree char *med = NULL, *ml = NULL, *mu = NULL;

      med = isnan (curve->median) ? g_strdup (_("not reached")) : g_strdup_printf ("%.4g", curve->median);
      ml = format_number (curve->median_lower);
      mu = format_number (curve->median_upper);
      g_string_append_printf (text, _("%s: n = %u, %u events, median %s (95%% CI %s to %s)\n"),
                              label, curve->n, curve->n_events, med, ml, mu);
      csv_field (self->stats_csv, label);
      g_string_append_printf (self->stats_csv, ",%u,%u,", curve->n, curve->n_events);
      csv_number (self->stats_csv, curve->median);
      g_string_append_c (self->stats_csv, ',');
      csv_number (self->stats_csv, curve->median_lower);
      g_string_append_c (self->stats_csv, ',');
      csv_number (self->stats_csv, curve->median_upper);
      g_string_append_c (self->stats_csv, '\n');
    }
  if (n_shown == 0)
    {
      cs_chart_widget_clear (self->km_chart);
      set_survival_text (self, _("No patient in the cohort has a survival time and event status."));
      g_ptr_array_unref (owner);
      return;
    }

  g_string_truncate (self->stats_json, 0);
  g_string_append (self->stats_json, "{\"method\":\"logrank\",\"time\":");
  cs_json_append_escaped (self->stats_json, tv->key, -1);
  if (n_shown >= 2)
    {
      g_autoptr(CsLogrank) lr = cs_stats_logrank (time, event, group, n);

      if (lr != NULL && isfinite (lr->p_value))
        {
          g_autofree char *p = format_number (lr->p_value);

          g_string_append_printf (text, _("Log-rank χ² = %.3f, df = %g, p = %s\n"), lr->chi2, lr->df, p);
          m.subtitle = keep (owner, g_strdup_printf (_("Log-rank p = %s"), p));
          g_string_append (self->stats_json, ",\"chi2\":");
          cs_format_json_number (self->stats_json, lr->chi2);
          g_string_append (self->stats_json, ",\"df\":");
          cs_format_json_number (self->stats_json, lr->df);
          g_string_append (self->stats_json, ",\"p\":");
          cs_format_json_number (self->stats_json, lr->p_value);
        }
      else
        g_string_append (text, _("Log-rank test: undefined (fewer than two groups with expected events)\n"));
    }
  else
    g_string_append (text, _("Log-rank test: needs at least two groups\n"));
  g_string_append (self->stats_json, ",\"exploratory\":true}\n");
  g_string_append (text, EXPLORATORY_NOTE);

  m.n_groups = n_shown;
  m.groups = groups;
  m.ci = n_shown <= 3;
  m.at_risk_table = TRUE;
  m.x_label = keep (owner, cs_chart_axis_label (_("Time"), tv->unit != NULL ? tv->unit : "d"));
  m.title = keep (owner, gv != NULL ? g_strdup_printf (_("Survival by %s"), var_name (gv)) : g_strdup (_("Survival")));
  cs_chart_widget_set_model (self->km_chart, CS_CHART_KM, &m, owner, (GDestroyNotify) g_ptr_array_unref);
  set_survival_text (self, text->str);
}

/* ------------------------------------------------------------- variables */

static void
fill_variables (CsExploreView *self)
{
  guint n_vars = self->store != NULL ? cs_store_get_n_variables (self->store) : 0;
  CsVariable *first_feature = NULL, *first_clinical = NULL;

  self->updating++;
  g_ptr_array_set_size (self->x_vars, 0);
  g_ptr_array_set_size (self->y_vars, 0);
  g_ptr_array_set_size (self->time_vars, 0);
  g_ptr_array_set_size (self->group_vars, 0);
  g_ptr_array_add (self->y_vars, NULL);
  g_ptr_array_add (self->group_vars, NULL);
  for (guint i = 0; i < n_vars; i++)
    {
      CsVariable *var = cs_store_get_variable (self->store, i);

      if (var->type == CS_VARIABLE_SURVIVAL)
        {
          g_ptr_array_add (self->time_vars, var);
          continue;
        }
      g_ptr_array_add (self->x_vars, var);
      g_ptr_array_add (self->y_vars, var);
      g_ptr_array_add (self->group_vars, var);
      if (first_feature == NULL && g_strcmp0 (var->group, "Radiomics") == 0 && var->type == CS_VARIABLE_NUMERIC)
        first_feature = var;
      if (first_clinical == NULL && g_strcmp0 (var->group, "Radiomics") != 0 && var->type == CS_VARIABLE_NUMERIC)
        first_clinical = var;
    }
  fill_dropdown (self->x_dropdown, self->x_vars, NULL);
  fill_dropdown (self->y_dropdown, self->y_vars, _("(none)"));
  fill_dropdown (self->time_dropdown, self->time_vars, NULL);
  fill_dropdown (self->group_dropdown, self->group_vars, _("(none)"));
  if (first_feature != NULL)
    select_var (self->x_dropdown, self->x_vars, first_feature->key);
  if (first_clinical != NULL)
    select_var (self->y_dropdown, self->y_vars, first_clinical->key);
  self->updating--;
}

static void
on_pair_control_changed (CsExploreView *self)
{
  update_pair (self);
}

static void
on_survival_control_changed (CsExploreView *self)
{
  update_survival (self);
}

static void
on_order_changed (CsExploreView *self)
{
  show_heat (self);
}

static void
recompute_all (CsExploreView *self)
{
  self->dirty = FALSE;
  g_clear_handle_id (&self->recompute_id, g_source_remove);
  self->n_recomputes++;
  start_heatmap (self);
  update_pair (self);
  update_survival (self);
}

static void
on_rollup_changed (CsExploreView *self)
{
  guint pos = gtk_drop_down_get_selected (self->rollup_dropdown);
  gboolean changed;

  if (self->updating > 0 || self->store == NULL || pos >= G_N_ELEMENTS (rollups))
    return;
  /* The worker only reads its own copies, so the store may change now. */
  cancel_heat (self);
  g_rw_lock_writer_lock (&columns_lock);
  changed = cs_store_set_rollup (self->store, rollups[pos]);
  g_rw_lock_writer_unlock (&columns_lock);
  if (changed)
    recompute_all (self);
}

gboolean
cs_explore_view_set_rollup (CsExploreView *self,
                            CsRollup       rollup)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), FALSE);

  if (self->store == NULL || cs_store_get_rollup (self->store) == rollup)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (rollups); i++)
    if (rollups[i] == rollup)
      {
        gtk_drop_down_set_selected (self->rollup_dropdown, i);
        return cs_store_get_rollup (self->store) == rollup;
      }
  return FALSE;
}

/* ---------------------------------------------------------------- export */

static CsChartWidget *
current_chart (CsExploreView *self)
{
  const char *mode = cs_explore_view_get_mode (self);

  if (g_strcmp0 (mode, "pair") == 0)
    return self->pair_chart;
  if (g_strcmp0 (mode, "survival") == 0)
    return self->km_chart;
  return self->heat_chart;
}

static void
report (CsExploreView *self,
        const char    *message)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (message));
  else
    g_message ("%s", message);
}

typedef enum { SAVE_CHART, SAVE_DATA, SAVE_STATS_JSON, SAVE_STATS_CSV } SaveWhat;

static void
on_save_response (GtkNativeDialog *dialog,
                  int              response,
                  CsExploreView   *self)
{
  SaveWhat what = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "cs-save-what"));
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok = FALSE;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      path = file != NULL ? g_file_get_path (file) : NULL;
    }
  if (path != NULL)
    {
      switch (what)
        {
        case SAVE_CHART:
          ok = cs_chart_widget_export (current_chart (self), path, self->export_width, self->export_height, &error);
          break;
        case SAVE_DATA:
          ok = cs_explore_view_write_data_csv (self, path, &error);
          break;
        case SAVE_STATS_JSON:
        case SAVE_STATS_CSV:
          ok = cs_explore_view_write_stats (self, path, what == SAVE_STATS_JSON, &error);
          break;
        default:
          break;
        }
      if (ok)
        {
          g_autofree char *base = g_path_get_basename (path);
          g_autofree char *msg = g_strdup_printf (_("Saved “%s”"), base);

          report (self, msg);
        }
      else
        report (self, error->message);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
save_dialog (CsExploreView *self,
             SaveWhat       what,
             const char    *name)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Export"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data (G_OBJECT (chooser), "cs-save-what", GINT_TO_POINTER (what));
  g_signal_connect (chooser, "response", G_CALLBACK (on_save_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_chart_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  CsExploreView *self = CS_EXPLORE_VIEW (widget);
  const char *format = g_variant_get_string (parameter, NULL);
  g_autofree char *name = g_strdup_printf ("chart.%s", format);

  if (!cs_chart_widget_has_model (current_chart (self)))
    {
      report (self, _("There is no chart to export on this page"));
      return;
    }
  save_dialog (self, SAVE_CHART, name);
}

static void
export_size_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CsExploreView *self = CS_EXPLORE_VIEW (widget);
  int w, h;

  if (sscanf (g_variant_get_string (parameter, NULL), "%dx%d", &w, &h) == 2 && w > 0 && h > 0)
    {
      self->export_width = w;
      self->export_height = h;
    }
  gtk_widget_action_set_enabled (widget, "explore.export-size", TRUE);
}

static void
export_data_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  save_dialog (CS_EXPLORE_VIEW (widget), SAVE_DATA, "data.csv");
}

static void
export_stats_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  gboolean json = g_str_equal (g_variant_get_string (parameter, NULL), "json");

  save_dialog (CS_EXPLORE_VIEW (widget), json ? SAVE_STATS_JSON : SAVE_STATS_CSV,
               json ? "statistics.json" : "statistics.csv");
}

static void
heat_data_csv (CsExploreView *self,
               GString       *out)
{
  CsCorrMatrix *m = self->heat->matrix;

  g_string_append (out, "feature,clinical,rho,p,q,n\n");
  for (guint i = 0; i < m->n_rows; i++)
    for (guint j = 0; j < m->n_cols; j++)
      {
        gsize k = (gsize) i * m->n_cols + j;

        csv_field (out, g_ptr_array_index (self->heat->row_keys, i));
        g_string_append_c (out, ',');
        csv_field (out, g_ptr_array_index (self->heat->col_keys, j));
        g_string_append_c (out, ',');
        csv_number (out, m->r[k]);
        g_string_append_c (out, ',');
        csv_number (out, m->p[k]);
        g_string_append_c (out, ',');
        csv_number (out, m->q[k]);
        g_string_append_printf (out, ",%u\n", m->n[k]);
      }
}

gboolean
cs_explore_view_write_data_csv (CsExploreView  *self,
                                const char     *path,
                                GError        **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *mode = cs_explore_view_get_mode (self);

  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), FALSE);

  if (g_strcmp0 (mode, "heatmap") == 0 || mode == NULL)
    {
      if (self->heat == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The heat map has not been computed"));
          return FALSE;
        }
      heat_data_csv (self, out);
    }
  else
    {
      /* the pair and survival pages keep their own rows: rebuild the current one */
      self->want_data_csv = TRUE;
      if (g_strcmp0 (mode, "pair") == 0)
        update_pair (self);
      else
        update_survival (self);
      self->want_data_csv = FALSE;
      g_string_append_len (out, self->data_csv->str, self->data_csv->len);
    }
  if (out->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There is no data behind this page"));
      return FALSE;
    }
  return g_file_set_contents (path, out->str, out->len, error);
}

gboolean
cs_explore_view_write_stats (CsExploreView  *self,
                             const char     *path,
                             gboolean        json,
                             GError        **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *mode = cs_explore_view_get_mode (self);

  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), FALSE);

  if (g_strcmp0 (mode, "heatmap") == 0)
    {
      if (self->heat == NULL)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The heat map has not been computed"));
          return FALSE;
        }
      if (json)
        {
          CsCorrMatrix *m = self->heat->matrix;

          g_string_append (out, "{\"method\":\"spearman\",\"adjust\":\"BH\",\"cells\":[");
          for (guint i = 0; i < m->n_rows; i++)
            for (guint j = 0; j < m->n_cols; j++)
              {
                gsize k = (gsize) i * m->n_cols + j;

                if (k > 0)
                  g_string_append_c (out, ',');
                g_string_append (out, "{\"feature\":");
                cs_json_append_escaped (out, g_ptr_array_index (self->heat->row_keys, i), -1);
                g_string_append (out, ",\"clinical\":");
                cs_json_append_escaped (out, g_ptr_array_index (self->heat->col_keys, j), -1);
                g_string_append (out, ",\"rho\":");
                cs_format_json_number (out, m->r[k]);
                g_string_append (out, ",\"p\":");
                cs_format_json_number (out, m->p[k]);
                g_string_append (out, ",\"q\":");
                cs_format_json_number (out, m->q[k]);
                g_string_append_printf (out, ",\"n\":%u}", m->n[k]);
              }
          g_string_append (out, "]}\n");
        }
      else
        heat_data_csv (self, out);
    }
  else
    {
      if (g_strcmp0 (mode, "pair") == 0)
        update_pair (self);
      else
        update_survival (self);
      if (json)
        g_string_append_len (out, self->stats_json->str, self->stats_json->len);
      else
        g_string_append_len (out, self->stats_csv->str, self->stats_csv->len);
    }
  if (out->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("There are no statistics on this page yet: choose two variables"));
      return FALSE;
    }
  return g_file_set_contents (path, out->str, out->len, error);
}

/* ------------------------------------------------------------ coalescing */

static gboolean
recompute_idle (gpointer data)
{
  CsExploreView *self = data;

  self->recompute_id = 0;
  if (self->dirty && self->store != NULL)
    recompute_all (self);
  return G_SOURCE_REMOVE;
}

/* The selection changed: work for the old rows is stale, so a running heat
 * map is cancelled. Shown, the view recomputes once in an idle after the
 * current burst of changes (the cohort builder emits at most once a frame;
 * the idle runs after the frame is drawn). Hidden (another page of the
 * window), it only remembers to recompute when it is mapped again. */
static void
schedule_recompute (CsExploreView *self)
{
  self->dirty = TRUE;
  cancel_heat (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) && self->recompute_id == 0)
    self->recompute_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, recompute_idle, self, NULL);
}

static void
cs_explore_view_map (GtkWidget *widget)
{
  CsExploreView *self = CS_EXPLORE_VIEW (widget);

  GTK_WIDGET_CLASS (cs_explore_view_parent_class)->map (widget);
  if (self->dirty && self->recompute_id == 0)
    self->recompute_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, recompute_idle, self, NULL);
}

static void
cs_explore_view_unmap (GtkWidget *widget)
{
  CsExploreView *self = CS_EXPLORE_VIEW (widget);

  /* a pending recomputation waits until the view is shown again */
  g_clear_handle_id (&self->recompute_id, g_source_remove);
  GTK_WIDGET_CLASS (cs_explore_view_parent_class)->unmap (widget);
}

/* ------------------------------------------------------------ public API */

void
cs_explore_view_set_store (CsExploreView *self,
                           CsStore       *store)
{
  g_return_if_fail (CS_IS_EXPLORE_VIEW (self));

  cancel_heat (self);
  cs_chart_widget_clear (self->pair_chart);
  cs_chart_widget_clear (self->km_chart);
  if (self->heat != NULL)
    {
      cs_chart_widget_clear (self->heat_chart);
      heat_data_unref (self->heat);
      self->heat = NULL;
    }
  g_set_object (&self->store, store);
  g_clear_pointer (&self->selection, cs_bitset_free);
  update_rows (self);
  fill_variables (self);

  self->updating++;
  if (store != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (rollups); i++)
      if (rollups[i] == cs_store_get_rollup (store))
        gtk_drop_down_set_selected (self->rollup_dropdown, i);
  self->updating--;

  gtk_stack_set_visible_child_name (self->outer_stack, store != NULL ? "main" : "empty");
  recompute_all (self);
  gtk_stack_set_visible_child_name (self->mode_stack, self->heat_task != NULL ? "heatmap" : "pair");
}

void
cs_explore_view_set_selection (CsExploreView  *self,
                               const CsBitset *rows)
{
  g_return_if_fail (CS_IS_EXPLORE_VIEW (self));

  if (rows == NULL && self->selection == NULL)
    return;
  if (rows != NULL && self->selection != NULL && cs_bitset_equal (rows, self->selection))
    return;
  g_clear_pointer (&self->selection, cs_bitset_free);
  if (rows != NULL)
    self->selection = cs_bitset_copy (rows);
  if (self->store != NULL)
    {
      g_autoptr(GArray) new_rows = cs_analysis_rows (cs_store_get_n_patients (self->store), self->selection);

      /* another bitset for the same patients (every patient, say) */
      if (new_rows->len == self->rows->len &&
          memcmp (new_rows->data, self->rows->data, sizeof (guint) * new_rows->len) == 0)
        return;
    }
  /* the rows are cheap and current at once (show_pair() and the exports
   * use them); the charts, the statistics and the heat map follow later */
  update_rows (self);
  if (self->store != NULL)
    schedule_recompute (self);
}

guint
cs_explore_view_get_n_recomputes (CsExploreView *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), 0);

  return self->n_recomputes;
}

gboolean
cs_explore_view_get_dirty (CsExploreView *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), FALSE);

  return self->dirty;
}

gboolean
cs_explore_view_get_busy (CsExploreView *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), FALSE);

  return self->heat_task != NULL || self->recompute_id != 0;
}

CsChartWidget *
cs_explore_view_get_heatmap (CsExploreView *self)
{
  return self->heat_chart;
}

CsChartWidget *
cs_explore_view_get_pair_chart (CsExploreView *self)
{
  return self->pair_chart;
}

CsChartWidget *
cs_explore_view_get_km_chart (CsExploreView *self)
{
  return self->km_chart;
}

const char *
cs_explore_view_get_mode (CsExploreView *self)
{
  return gtk_stack_get_visible_child_name (self->mode_stack);
}

void
cs_explore_view_set_mode (CsExploreView *self,
                          const char    *mode)
{
  gtk_stack_set_visible_child_name (self->mode_stack, mode);
}

gboolean
cs_explore_view_show_pair (CsExploreView *self,
                           const char    *x_key,
                           const char    *y_key)
{
  gboolean ok;

  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), FALSE);

  self->updating++;
  ok = select_var (self->x_dropdown, self->x_vars, x_key) && select_var (self->y_dropdown, self->y_vars, y_key);
  gtk_drop_down_set_selected (self->kind_dropdown, KIND_AUTO);
  gtk_drop_down_set_selected (self->method_dropdown, METHOD_AUTO);
  self->updating--;
  if (!ok)
    return FALSE;
  update_pair (self);
  gtk_stack_set_visible_child_name (self->mode_stack, "pair");
  return TRUE;
}

gboolean
cs_explore_view_show_survival (CsExploreView *self,
                               const char    *time_key,
                               const char    *group_key,
                               const char    *split)
{
  gboolean ok;

  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), FALSE);

  self->updating++;
  ok = select_var (self->time_dropdown, self->time_vars, time_key) &&
       select_var (self->group_dropdown, self->group_vars, group_key);
  if (split == NULL || g_str_equal (split, "median"))
    gtk_drop_down_set_selected (self->split_dropdown, SPLIT_MEDIAN);
  else if (g_str_equal (split, "tertiles"))
    gtk_drop_down_set_selected (self->split_dropdown, SPLIT_TERTILES);
  else
    {
      gtk_drop_down_set_selected (self->split_dropdown, SPLIT_CUT);
      gtk_editable_set_text (GTK_EDITABLE (self->cut_entry), split);
    }
  self->updating--;
  if (!ok)
    return FALSE;
  update_survival (self);
  gtk_stack_set_visible_child_name (self->mode_stack, "survival");
  return TRUE;
}

const char *
cs_explore_view_get_heat_row_key (CsExploreView *self,
                                  guint          row)
{
  if (self->heat == NULL || row >= self->heat->row_keys->len)
    return NULL;
  return g_ptr_array_index (self->heat->row_keys, row);
}

const char *
cs_explore_view_get_heat_col_key (CsExploreView *self,
                                  guint          col)
{
  if (self->heat == NULL || col >= self->heat->col_keys->len)
    return NULL;
  return g_ptr_array_index (self->heat->col_keys, col);
}

gboolean
cs_explore_view_get_pair_result (CsExploreView *self,
                                 CsStatsResult *result)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), FALSE);

  if (!self->have_result)
    return FALSE;
  *result = self->result;
  return TRUE;
}

const char *
cs_explore_view_get_stats_text (CsExploreView *self)
{
  return self->stats_text != NULL ? self->stats_text : "";
}

const char *
cs_explore_view_get_survival_text (CsExploreView *self)
{
  return self->survival_text != NULL ? self->survival_text : "";
}

char *
cs_explore_view_dup_brush_filter (CsExploreView *self)
{
  return g_strdup (self->brush_filter);
}

/* ---------------------------------------------------------------- object */

static void
cs_explore_view_dispose (GObject *object)
{
  CsExploreView *self = CS_EXPLORE_VIEW (object);

  cancel_heat (self);
  g_clear_handle_id (&self->recompute_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_EXPLORE_VIEW);
  if (self->heat != NULL)
    {
      heat_data_unref (self->heat);
      self->heat = NULL;
    }
  g_clear_object (&self->store);
  g_clear_pointer (&self->selection, cs_bitset_free);
  g_clear_pointer (&self->rows, g_array_unref);

  G_OBJECT_CLASS (cs_explore_view_parent_class)->dispose (object);
}

static void
cs_explore_view_finalize (GObject *object)
{
  CsExploreView *self = CS_EXPLORE_VIEW (object);

  g_ptr_array_unref (self->x_vars);
  g_ptr_array_unref (self->y_vars);
  g_ptr_array_unref (self->time_vars);
  g_ptr_array_unref (self->group_vars);
  g_free (self->stats_text);
  g_free (self->survival_text);
  g_free (self->brush_filter);
  g_string_free (self->data_csv, TRUE);
  g_string_free (self->stats_json, TRUE);
  g_string_free (self->stats_csv, TRUE);

  G_OBJECT_CLASS (cs_explore_view_parent_class)->finalize (object);
}

static void
cs_explore_view_class_init (CsExploreViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_explore_view_dispose;
  object_class->finalize = cs_explore_view_finalize;
  widget_class->map = cs_explore_view_map;
  widget_class->unmap = cs_explore_view_unmap;

  /* gboolean filter-requested (const char *expression): a handler that
   * applies the filter returns TRUE; unhandled, the view copies it. */
  signals[SIGNAL_FILTER_REQUESTED] =
    g_signal_new ("filter-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  g_signal_accumulator_true_handled, NULL, NULL, G_TYPE_BOOLEAN, 1, G_TYPE_STRING);

  g_type_ensure (CS_TYPE_CHART_WIDGET);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/cohortscope/Cohortscope/cs-explore-view.ui");
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, outer_stack);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, mode_stack);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, cohort_label);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, rollup_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, order_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, heat_status);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, heat_stack);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, heat_spinner);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, heat_cancel);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, heat_chart);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, x_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, y_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, method_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, filter_button);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, stats_label);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, pair_chart);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, time_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, group_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, split_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, cut_entry);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, survival_label);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, km_chart);

  gtk_widget_class_install_action (widget_class, "explore.export-chart", "s", export_chart_action);
  gtk_widget_class_install_action (widget_class, "explore.export-size", "s", export_size_action);
  gtk_widget_class_install_action (widget_class, "explore.export-data", NULL, export_data_action);
  gtk_widget_class_install_action (widget_class, "explore.export-stats", "s", export_stats_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cs_explore_view_init (CsExploreView *self)
{
  static const char * const kinds[] = { N_("Automatic"), N_("Scatter"), N_("Box"), N_("Violin"),
                                        N_("Histogram (X)"), N_("Bar (X)"), NULL };
  static const char * const methods[] = { N_("Automatic"), N_("Pearson"), N_("Spearman"),
                                          N_("Mann–Whitney U"), N_("Kruskal–Wallis"), N_("χ²"), NULL };
  static const char * const splits[] = { N_("At the median"), N_("At the tertiles"), N_("At a typed cut"), NULL };
  static const char * const orders[] = { N_("By strength"), N_("Clustered"), NULL };
  static const char * const rollup_names[] = { N_("Latest"), N_("Largest lesion"), N_("Maximum"),
                                               N_("Mean"), N_("Sum"), NULL };
  const char *tr[8];
  GtkDropDown *search_dropdowns[4];

  gtk_widget_init_template (GTK_WIDGET (self));

  self->x_vars = g_ptr_array_new ();
  self->y_vars = g_ptr_array_new ();
  self->time_vars = g_ptr_array_new ();
  self->group_vars = g_ptr_array_new ();
  self->data_csv = g_string_new (NULL);
  self->stats_json = g_string_new (NULL);
  self->stats_csv = g_string_new (NULL);
  self->export_width = 1200;
  self->export_height = 800;
  self->rows = g_array_new (FALSE, FALSE, sizeof (guint));

#define TRANSLATE(list) G_STMT_START { \
    guint i_; \
    for (i_ = 0; (list)[i_] != NULL && i_ < G_N_ELEMENTS (tr) - 1; i_++) \
      tr[i_] = _((list)[i_]); \
    tr[i_] = NULL; \
  } G_STMT_END
  TRANSLATE (kinds);
  set_string_model (self->kind_dropdown, tr);
  TRANSLATE (methods);
  set_string_model (self->method_dropdown, tr);
  TRANSLATE (splits);
  set_string_model (self->split_dropdown, tr);
  TRANSLATE (orders);
  set_string_model (self->order_dropdown, tr);
  TRANSLATE (rollup_names);
  set_string_model (self->rollup_dropdown, tr);
#undef TRANSLATE

  search_dropdowns[0] = self->x_dropdown;
  search_dropdowns[1] = self->y_dropdown;
  search_dropdowns[2] = self->time_dropdown;
  search_dropdowns[3] = self->group_dropdown;
  for (guint i = 0; i < G_N_ELEMENTS (search_dropdowns); i++)
    gtk_drop_down_set_expression (search_dropdowns[i],
                                  gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string"));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->x_dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL, _("X variable"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->y_dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Y variable"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->kind_dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Chart kind"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->method_dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Statistical test"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->time_dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Time to event"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->group_dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Group by"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->split_dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Split"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->rollup_dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Lesion roll-up"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->order_dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Row order"), -1);

  g_signal_connect_swapped (self->x_dropdown, "notify::selected", G_CALLBACK (on_pair_control_changed), self);
  g_signal_connect_swapped (self->y_dropdown, "notify::selected", G_CALLBACK (on_pair_control_changed), self);
  g_signal_connect_swapped (self->kind_dropdown, "notify::selected", G_CALLBACK (on_pair_control_changed), self);
  g_signal_connect_swapped (self->method_dropdown, "notify::selected", G_CALLBACK (on_pair_control_changed), self);
  g_signal_connect_swapped (self->time_dropdown, "notify::selected", G_CALLBACK (on_survival_control_changed), self);
  g_signal_connect_swapped (self->group_dropdown, "notify::selected", G_CALLBACK (on_survival_control_changed), self);
  g_signal_connect_swapped (self->split_dropdown, "notify::selected", G_CALLBACK (on_survival_control_changed), self);
  g_signal_connect_swapped (self->cut_entry, "activate", G_CALLBACK (on_survival_control_changed), self);
  g_signal_connect_swapped (self->order_dropdown, "notify::selected", G_CALLBACK (on_order_changed), self);
  g_signal_connect_swapped (self->rollup_dropdown, "notify::selected", G_CALLBACK (on_rollup_changed), self);
  g_signal_connect_swapped (self->heat_cancel, "clicked", G_CALLBACK (on_heat_cancel_clicked), self);
  g_signal_connect_swapped (self->filter_button, "clicked", G_CALLBACK (on_filter_clicked), self);
  g_signal_connect (self->heat_chart, "cell-activated", G_CALLBACK (on_cell_activated), self);
  g_signal_connect (self->pair_chart, "rows-selected", G_CALLBACK (on_rows_selected), self);

  gtk_stack_set_visible_child_name (self->outer_stack, "empty");
}

GtkWidget *
cs_explore_view_new (void)
{
  return g_object_new (CS_TYPE_EXPLORE_VIEW, NULL);
}
