/* cs-explore-heatmap.c
 *
 * The map's arrays live in a HeatData handed to the CsChartWidget, so the
 * chart never points into the store: a roll-up change cannot race a
 * drawing, nor the worker, which reads its own copies of the columns.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "cs-analysis.h"
#include "cs-csv.h"
#include "cs-explore-common.h"
#include "cs-explore-heatmap.h"
#include "cs-json.h"

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

struct _CsExploreHeatmap
{
  GtkBox         parent_instance;

  /* Template */
  GtkDropDown   *order_dropdown;
  GtkLabel      *status_label;
  GtkStack      *stack;
  GtkSpinner    *spinner;
  CsChartWidget *chart;
  GtkScrollbar  *row_scrollbar;

  GTask         *task;      /* the running computation */
  HeatData      *heat;      /* shown (a reference) */
};

G_DEFINE_FINAL_TYPE (CsExploreHeatmap, cs_explore_heatmap, GTK_TYPE_BOX)

enum
{
  SIGNAL_PAIR_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Held (for reading) while a worker copies the store's columns, and (for
 * writing) while a lesion roll-up rewrites the Radiomics columns in place.
 * Shared by every heat map: a roll-up is rare and short. */
static GRWLock columns_lock;

/* ----------------------------------------------------------------- data */

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

/* --------------------------------------------------------------- worker */

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
      g_ptr_array_add (job->heat->col_labels, g_strdup (cs_explore_var_name (var)));
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

gboolean
cs_explore_heatmap_set_store_rollup (CsStore  *store,
                                     CsRollup  rollup)
{
  gboolean changed;

  g_return_val_if_fail (CS_IS_STORE (store), FALSE);

  g_rw_lock_writer_lock (&columns_lock);
  changed = cs_store_set_rollup (store, rollup);
  g_rw_lock_writer_unlock (&columns_lock);

  return changed;
}

/* ----------------------------------------------------------------- page */

static void
show_heat (CsExploreHeatmap *self)
{
  CsChartHeatmapModel model = { 0 };
  HeatData *heat = self->heat;

  /* the template is gone */
  if (self->chart == NULL)
    return;

  if (heat == NULL)
    {
      cs_chart_widget_clear (self->chart);
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
  cs_chart_widget_set_model (self->chart, CS_CHART_HEATMAP, &model,
                             g_rc_box_acquire (heat), heat_data_unref);
  {
    g_autofree char *test = g_strdup_printf (_("Spearman ρ of %u features × %u clinical variables; "
                                               "marked cells: q < 0.05 (Benjamini–Hochberg)"),
                                             model.n_rows, model.n_cols);

    cs_chart_widget_set_caption (self->chart, test, NULL, "heatmap-radiomics-vs-clinical");
  }
}

static void
on_heat_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CsExploreHeatmap) self = user_data;
  GTask *task = G_TASK (result);
  HeatJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  CsCorrMatrix *matrix = g_task_propagate_pointer (task, &error);
  g_autofree char *text = NULL;
  guint n_sig = 0;

  if (self->task != task)
    {
      g_clear_pointer (&matrix, cs_corr_matrix_free);
      return;
    }
  g_clear_object (&self->task);
  gtk_spinner_stop (self->spinner);

  if (matrix == NULL)
    {
      gtk_label_set_text (self->status_label, error->message);
      gtk_stack_set_visible_child_name (self->stack, "none");
      return;
    }

  job->heat->matrix = matrix;
  if (self->heat != NULL)
    heat_data_unref (self->heat);
  self->heat = g_rc_box_acquire (job->heat);
  for (gsize i = 0; i < (gsize) matrix->n_rows * matrix->n_cols; i++)
    if (matrix->q[i] < 0.05)
      n_sig++;
  text = g_strdup_printf (_("%u features × %u clinical variables over %zu patients; %u cells with q < 0.05 (Benjamini–Hochberg). Click a cell to open its chart."),
                          matrix->n_rows, matrix->n_cols, job->n_obs, n_sig);
  gtk_label_set_text (self->status_label, text);
  show_heat (self);
  gtk_stack_set_visible_child_name (self->stack, "chart");
}

void
cs_explore_heatmap_cancel (CsExploreHeatmap *self)
{
  g_return_if_fail (CS_IS_EXPLORE_HEATMAP (self));

  if (self->task != NULL)
    {
      HeatJob *job = g_task_get_task_data (self->task);

      g_atomic_int_set (&job->cancel, 1);
      g_clear_object (&self->task);
      gtk_spinner_stop (self->spinner);
    }
}

static void
clear_heat (CsExploreHeatmap *self)
{
  if (self->heat != NULL)
    {
      cs_chart_widget_clear (self->chart);
      heat_data_unref (self->heat);
      self->heat = NULL;
    }
}

/* The features (numeric Radiomics variables) and the clinical columns
 * they are correlated with */
static void
choose_variables (CsStore   *store,
                  GPtrArray *features,
                  GPtrArray *clinical)
{
  guint n_vars = cs_store_get_n_variables (store);

  for (guint i = 0; i < n_vars; i++)
    {
      CsVariable *var = cs_store_get_variable (store, i);

      if (g_strcmp0 (var->group, "Radiomics") == 0)
        {
          if (var->type == CS_VARIABLE_NUMERIC && var->n > 0)
            g_ptr_array_add (features, var);
        }
      /* Survival-typed columns (time + event) are not correlated, but their
       * plain numeric time (survival_time) is: the planted relationships of
       * the demo, and most radiomics questions, are about outcome. */
      else if ((var->type == CS_VARIABLE_NUMERIC || var->type == CS_VARIABLE_BOOLEAN
                || (var->type == CS_VARIABLE_CATEGORICAL && cs_analysis_is_correlatable (var)))
               && var->n >= 3)
        g_ptr_array_add (clinical, var);
    }
}

/* The rows' labels: the store's, unique among its variables ("GLRLM Gray
 * Level Non-Uniformity" next to "GLSZM Gray Level Non-Uniformity") */
static void
label_rows (HeatData  *heat,
            GPtrArray *features)
{
  for (guint i = 0; i < features->len; i++)
    {
      CsVariable *var = g_ptr_array_index (features, i);

      g_ptr_array_add (heat->row_labels, g_strdup (cs_explore_var_name (var)));
      g_ptr_array_add (heat->row_keys, g_strdup (var->key));
    }
}

void
cs_explore_heatmap_start (CsExploreHeatmap *self,
                          CsStore          *store,
                          GArray           *rows)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) feats = g_ptr_array_new ();
  g_autoptr(GPtrArray) clins = g_ptr_array_new ();
  HeatJob *job;

  g_return_if_fail (CS_IS_EXPLORE_HEATMAP (self));
  g_return_if_fail (store == NULL || rows != NULL);

  cs_explore_heatmap_cancel (self);
  clear_heat (self);
  if (store == NULL)
    return;

  choose_variables (store, feats, clins);
  if (feats->len == 0 || clins->len == 0)
    {
      gtk_label_set_text (self->status_label, "");
      gtk_stack_set_visible_child_name (self->stack, "none");
      return;
    }

  job = g_new0 (HeatJob, 1);
  job->store = g_object_ref (store);
  job->rows = g_array_ref (rows);
  job->n_obs = rows->len;
  job->feature_vars = g_ptr_array_ref (feats);
  job->clinical_vars = g_ptr_array_ref (clins);
  job->features = g_new0 (double *, feats->len);
  job->clinical = g_new0 (double *, clins->len);
  job->heat = g_rc_box_new0 (HeatData);
  job->heat->row_keys = g_ptr_array_new_with_free_func (g_free);
  job->heat->row_labels = g_ptr_array_new_with_free_func (g_free);
  job->heat->col_keys = g_ptr_array_new_with_free_func (g_free);
  job->heat->col_labels = g_ptr_array_new_with_free_func (g_free);
  label_rows (job->heat, feats);

  /* the columns are copied on the worker (heat_copy_columns): a drag over
   * 100,000 patients does not copy megabytes on the main thread */
  task = g_task_new (NULL, NULL, on_heat_done, g_object_ref (self));
  g_task_set_task_data (task, job, heat_job_free);
  g_task_set_name (task, "cs-explore-heatmap");
  self->task = g_object_ref (task);
  gtk_spinner_start (self->spinner);
  gtk_label_set_text (self->status_label, "");
  gtk_stack_set_visible_child_name (self->stack, "computing");
  g_task_run_in_thread (task, heat_thread);
}

static void
on_cancel_clicked (CsExploreHeatmap *self)
{
  cs_explore_heatmap_cancel (self);
  gtk_label_set_text (self->status_label, _("The heat map was cancelled. Change the cohort or the lesion roll-up to compute it again."));
  gtk_stack_set_visible_child_name (self->stack, "none");
}

static void
on_cell_activated (CsChartWidget    *chart,
                   guint             row,
                   guint             col,
                   CsExploreHeatmap *self)
{
  const char *row_key = cs_explore_heatmap_get_row_key (self, row);
  const char *col_key = cs_explore_heatmap_get_col_key (self, col);

  if (row_key != NULL && col_key != NULL)
    g_signal_emit (self, signals[SIGNAL_PAIR_ACTIVATED], 0, row_key, col_key);
}

gboolean
cs_explore_heatmap_get_busy (CsExploreHeatmap *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_HEATMAP (self), FALSE);

  return self->task != NULL;
}

CsChartWidget *
cs_explore_heatmap_get_chart (CsExploreHeatmap *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_HEATMAP (self), NULL);

  return self->chart;
}

static const char *
key_at (GPtrArray *keys,
        guint      index)
{
  return index < keys->len ? g_ptr_array_index (keys, index) : NULL;
}

const char *
cs_explore_heatmap_get_row_key (CsExploreHeatmap *self,
                                guint             row)
{
  g_return_val_if_fail (CS_IS_EXPLORE_HEATMAP (self), NULL);

  return self->heat != NULL ? key_at (self->heat->row_keys, row) : NULL;
}

const char *
cs_explore_heatmap_get_col_key (CsExploreHeatmap *self,
                                guint             col)
{
  g_return_val_if_fail (CS_IS_EXPLORE_HEATMAP (self), NULL);

  return self->heat != NULL ? key_at (self->heat->col_keys, col) : NULL;
}

gboolean
cs_explore_heatmap_write (CsExploreHeatmap  *self,
                          gboolean           json,
                          GString           *out,
                          GError           **error)
{
  CsCorrMatrix *m;

  g_return_val_if_fail (CS_IS_EXPLORE_HEATMAP (self), FALSE);

  if (self->heat == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The heat map has not been computed"));
      return FALSE;
    }

  m = self->heat->matrix;
  if (json)
    g_string_append (out, "{\"method\":\"spearman\",\"adjust\":\"BH\",\"cells\":[");
  else
    g_string_append (out, "feature,clinical,rho,p,q,n\n");
  for (guint i = 0; i < m->n_rows; i++)
    for (guint j = 0; j < m->n_cols; j++)
      {
        gsize k = (gsize) i * m->n_cols + j;
        const char *feature = g_ptr_array_index (self->heat->row_keys, i);
        const char *clinical = g_ptr_array_index (self->heat->col_keys, j);

        if (json)
          {
            if (k > 0)
              g_string_append_c (out, ',');
            g_string_append (out, "{\"feature\":");
            cs_json_append_escaped (out, feature, -1);
            g_string_append (out, ",\"clinical\":");
            cs_json_append_escaped (out, clinical, -1);
            g_string_append (out, ",\"rho\":");
            cs_format_json_number (out, m->r[k]);
            g_string_append (out, ",\"p\":");
            cs_format_json_number (out, m->p[k]);
            g_string_append (out, ",\"q\":");
            cs_format_json_number (out, m->q[k]);
            g_string_append_printf (out, ",\"n\":%u}", m->n[k]);
          }
        else
          {
            cs_csv_append_field (out, feature, ',');
            g_string_append_c (out, ',');
            cs_csv_append_field (out, clinical, ',');
            g_string_append_c (out, ',');
            cs_explore_csv_number (out, m->r[k]);
            g_string_append_c (out, ',');
            cs_explore_csv_number (out, m->p[k]);
            g_string_append_c (out, ',');
            cs_explore_csv_number (out, m->q[k]);
            g_string_append_printf (out, ",%u\n", m->n[k]);
          }
      }
  if (json)
    g_string_append (out, "]}\n");
  return TRUE;
}

/* ---------------------------------------------------------------- object */

static void
cs_explore_heatmap_dispose (GObject *object)
{
  CsExploreHeatmap *self = CS_EXPLORE_HEATMAP (object);

  if (self->task != NULL)
    {
      HeatJob *job = g_task_get_task_data (self->task);

      g_atomic_int_set (&job->cancel, 1);
      g_clear_object (&self->task);
    }
  if (self->heat != NULL)
    {
      heat_data_unref (self->heat);
      self->heat = NULL;
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_EXPLORE_HEATMAP);

  G_OBJECT_CLASS (cs_explore_heatmap_parent_class)->dispose (object);
}

static void
cs_explore_heatmap_class_init (CsExploreHeatmapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_explore_heatmap_dispose;

  /* pair-activated (const char *feature_key, const char *clinical_key) */
  signals[SIGNAL_PAIR_ACTIVATED] =
    g_signal_new ("pair-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  g_type_ensure (CS_TYPE_CHART_WIDGET);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/cohortscope/Cohortscope/cs-explore-heatmap.ui");
  gtk_widget_class_bind_template_child (widget_class, CsExploreHeatmap, order_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsExploreHeatmap, status_label);
  gtk_widget_class_bind_template_child (widget_class, CsExploreHeatmap, stack);
  gtk_widget_class_bind_template_child (widget_class, CsExploreHeatmap, spinner);
  gtk_widget_class_bind_template_child (widget_class, CsExploreHeatmap, chart);
  gtk_widget_class_bind_template_child (widget_class, CsExploreHeatmap, row_scrollbar);
  gtk_widget_class_bind_template_callback (widget_class, show_heat);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cell_activated);
}

static void
cs_explore_heatmap_init (CsExploreHeatmap *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* the bar's slider fills it while every row is in view */
  gtk_scrollbar_set_adjustment (self->row_scrollbar, cs_chart_widget_get_heat_adjustment (self->chart));
}
