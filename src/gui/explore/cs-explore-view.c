/* cs-explore-view.c
 *
 * The store, the rows of the cohort, the lesion roll-up, and when the pages
 * recompute. The pages (cs-explore-heatmap.c, cs-explore-pair.c,
 * cs-explore-survival.c, cs-explore-model.c) keep their own copies of what they draw, so that
 * a roll-up, which rewrites the store's Radiomics columns in place, cannot
 * race a drawing or the heat map worker.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cs-analysis.h"
#include "cs-explore-view-private.h"
#include "cs-filter.h"
#include "cs-gui-util.h"

G_DEFINE_FINAL_TYPE (CsExploreView, cs_explore_view, GTK_TYPE_WIDGET)

enum
{
  SIGNAL_FILTER_REQUESTED,
  SIGNAL_PATIENT_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The items of the Lesions drop-down (cs-explore-view.ui) */
static const CsRollup rollups[] = {
  CS_ROLLUP_LATEST, CS_ROLLUP_LARGEST_LESION, CS_ROLLUP_MAX, CS_ROLLUP_MEAN, CS_ROLLUP_SUM,
};

/* ------------------------------------------------------------ selection */

static void update_caption (CsExploreView *self);

/* Only the shown page takes the focus: Tab never stops in a hidden one */
static void
update_page_focus (CsExploreView *self)
{
  GtkWidget *shown = gtk_stack_get_visible_child (self->mode_stack);

  for (GtkWidget *page = gtk_widget_get_first_child (GTK_WIDGET (self->mode_stack)); page != NULL;
       page = gtk_widget_get_next_sibling (page))
    gtk_widget_set_can_focus (page, page == shown);
}

/* The rows of the selection, to the view and its pages (cheap: the pages
 * recompute later) */
static void
update_rows (CsExploreView *self)
{
  guint n = self->store != NULL ? cs_store_get_n_patients (self->store) : 0;
  g_autofree char *text = NULL;

  g_clear_pointer (&self->rows, g_array_unref);
  self->rows = cs_analysis_rows (n, self->selection);
  cs_explore_pair_set_rows (self->pair, self->rows);
  cs_explore_survival_set_rows (self->survival, self->rows);
  if (self->rows->len == n)
    text = g_strdup_printf (ngettext ("%u patient", "%u patients", n), n);
  else
    /* Translators: the Explore view's cohort size, "120 of 400 patients (filtered)" */
    text = g_strdup_printf (_("%u of %u patients (filtered)"), self->rows->len, n);
  gtk_label_set_text (self->cohort_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->cohort_label), text);
  /* a model fitted here names its training cohort so */
  cs_explore_model_set_rows (self->model, self->rows, self->rows->len == n ? _("all patients") : text);
  update_caption (self);
}

static void
recompute_all (CsExploreView *self)
{
  self->dirty = FALSE;
  g_clear_handle_id (&self->recompute_id, g_source_remove);
  self->n_recomputes++;
  cs_explore_heatmap_start (self->heatmap, self->store, self->rows);
  cs_explore_pair_update (self->pair);
  cs_explore_survival_update (self->survival);
  cs_explore_model_update (self->model);
}

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
  cs_explore_heatmap_cancel (self->heatmap);
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

/* --------------------------------------------------------------- roll-up */

static void
on_rollup_changed (CsExploreView *self)
{
  guint pos = gtk_drop_down_get_selected (self->rollup_dropdown);

  if (self->updating > 0 || self->store == NULL || pos >= G_N_ELEMENTS (rollups))
    return;
  /* The worker only reads its own copies, so the store may change now. */
  cs_explore_heatmap_cancel (self->heatmap);
  if (cs_explore_heatmap_set_store_rollup (self->store, rollups[pos]))
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

/* ----------------------------------------------------------------- pages */

static void
on_pair_activated (CsExploreHeatmap *heatmap,
                   const char       *x_key,
                   const char       *y_key,
                   CsExploreView    *self)
{
  cs_explore_view_show_pair (self, x_key, y_key);
}

static gboolean
on_filter_requested (CsExplorePair *pair,
                     const char    *expression,
                     CsExploreView *self)
{
  gboolean handled = FALSE;

  g_signal_emit (self, signals[SIGNAL_FILTER_REQUESTED], 0, expression, &handled);
  return handled;
}

static void
on_patient_requested (CsExploreView *self,
                      guint          row,
                      gboolean       images)
{
  g_signal_emit (self, signals[SIGNAL_PATIENT_REQUESTED], 0, row, images);
}

gboolean
cs_explore_view_request_filter (CsExploreView *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), FALSE);

  return cs_explore_pair_request_filter (self->pair);
}

const char *
cs_explore_view_get_mode (CsExploreView *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), NULL);

  return gtk_stack_get_visible_child_name (self->mode_stack);
}

void
cs_explore_view_set_mode (CsExploreView *self,
                          const char    *mode)
{
  g_return_if_fail (CS_IS_EXPLORE_VIEW (self));

  gtk_stack_set_visible_child_name (self->mode_stack, mode);
}

gboolean
cs_explore_view_show_pair (CsExploreView *self,
                           const char    *x_key,
                           const char    *y_key)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), FALSE);

  if (!cs_explore_pair_show (self->pair, x_key, y_key))
    return FALSE;
  gtk_stack_set_visible_child_name (self->mode_stack, "pair");
  return TRUE;
}

gboolean
cs_explore_view_show_model (CsExploreView      *self,
                            const char         *time_key,
                            const char * const *covariates,
                            const char         *references,
                            const char         *strata_key)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), FALSE);

  if (!cs_explore_model_show (self->model, time_key, covariates, references, strata_key))
    return FALSE;
  gtk_stack_set_visible_child_name (self->mode_stack, "model");
  return TRUE;
}

gboolean
cs_explore_view_show_survival (CsExploreView *self,
                               const char    *time_key,
                               const char    *group_key,
                               const char    *split)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), FALSE);

  if (!cs_explore_survival_show (self->survival, time_key, group_key, split))
    return FALSE;
  gtk_stack_set_visible_child_name (self->mode_stack, "survival");
  return TRUE;
}

/* A derived variable (a signature score) joined the store: every page
 * lists it, keeping what it shows (the model is not fitted again); the
 * heat map gets a column for it. */
static void
on_variable_added (CsStore       *store,
                   guint          index,
                   CsExploreView *self)
{
  cs_explore_pair_refresh_variables (self->pair);
  cs_explore_survival_refresh_variables (self->survival);
  cs_explore_model_refresh_variables (self->model);
  if (self->dirty)
    schedule_recompute (self);
  else
    cs_explore_heatmap_start (self->heatmap, self->store, self->rows);
}

/* ------------------------------------------------------------ public API */

void
cs_explore_view_set_context (CsExploreView *self,
                             const char    *filter_text,
                             const char    *source_label)
{
  g_return_if_fail (CS_IS_EXPLORE_VIEW (self));

  g_free (self->filter_text);
  self->filter_text = g_strdup (filter_text != NULL ? filter_text : "");
  g_free (self->source_label);
  self->source_label = g_strdup (source_label);
  update_caption (self);
}

char *
cs_explore_view_dup_cohort_text (CsExploreView *self)
{
  g_autofree char *words = NULL;
  guint total;

  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), NULL);

  total = self->store != NULL ? cs_store_get_n_patients (self->store) : 0;
  /* the filter in words ("Clinical stage group IIIA or IIIB, Age 55–75 years"); its expression if it does not parse */
  if (self->filter_text != NULL && *self->filter_text != '\0')
    {
      g_autoptr(CsFilter) filter = cs_filter_parse (self->filter_text, NULL, NULL);

      if (filter != NULL)
        words = cs_filter_describe (filter, self->store);
    }
  return cs_chart_caption_cohort (self->rows != NULL ? self->rows->len : total, total,
                                  words != NULL ? words : self->filter_text);
}

const char *
cs_explore_view_get_filter_text (CsExploreView *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), NULL);

  return self->filter_text;
}

/* The line under the charts: the current page's test and the cohort, as an
 * export's caption has them (docs/CHARTS.md, "On screen") */
static void
update_caption (CsExploreView *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *cohort = NULL;
  const char *mode = gtk_stack_get_visible_child_name (self->mode_stack);
  CsChartWidget *chart = NULL;
  const char *test;

  if (self->caption_label == NULL)
    return;
  if (g_strcmp0 (mode, "pair") == 0)
    chart = cs_explore_pair_get_chart (self->pair);
  else if (g_strcmp0 (mode, "survival") == 0)
    chart = cs_explore_survival_get_chart (self->survival);
  else if (g_strcmp0 (mode, "model") == 0)
    chart = cs_explore_model_get_chart (self->model);
  else
    chart = cs_explore_heatmap_get_chart (self->heatmap);
  test = chart != NULL ? cs_chart_widget_get_caption_test (chart) : NULL;
  if (test != NULL && *test != '\0')
    g_string_append (text, test);
  if (self->store != NULL)
    {
      cohort = cs_explore_view_dup_cohort_text (self);
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append (text, cohort);
    }
  gtk_label_set_text (self->caption_label, text->str);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->caption_label), text->str);
  gtk_widget_set_visible (GTK_WIDGET (self->caption_label), text->len > 0);
}

void
cs_explore_view_set_store (CsExploreView *self,
                           CsStore       *store)
{
  g_return_if_fail (CS_IS_EXPLORE_VIEW (self));

  cs_explore_heatmap_start (self->heatmap, NULL, NULL);
  if (self->store != NULL)
    g_clear_signal_handler (&self->variable_added_id, self->store);
  g_set_object (&self->store, store);
  if (store != NULL)
    self->variable_added_id = g_signal_connect (store, "variable-added", G_CALLBACK (on_variable_added), self);
  g_clear_pointer (&self->selection, cs_bitset_free);
  cs_explore_pair_set_store (self->pair, store);
  cs_explore_survival_set_store (self->survival, store);
  cs_explore_model_set_store (self->model, store);
  update_rows (self);

  self->updating++;
  if (store != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (rollups); i++)
      if (rollups[i] == cs_store_get_rollup (store))
        gtk_drop_down_set_selected (self->rollup_dropdown, i);
  self->updating--;

  gtk_stack_set_visible_child_name (self->outer_stack, store != NULL ? "main" : "empty");
  recompute_all (self);
  gtk_stack_set_visible_child_name (self->mode_stack,
                                    cs_explore_heatmap_get_busy (self->heatmap) ? "heatmap" : "pair");
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

/* ------------------------------------------------------------ test hooks */

gboolean
_cs_explore_view_get_busy (CsExploreView *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), FALSE);

  return cs_explore_heatmap_get_busy (self->heatmap) || self->recompute_id != 0;
}

guint
_cs_explore_view_get_n_recomputes (CsExploreView *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), 0);

  return self->n_recomputes;
}

gboolean
_cs_explore_view_get_dirty (CsExploreView *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), FALSE);

  return self->dirty;
}

CsChartWidget *
_cs_explore_view_get_heatmap (CsExploreView *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), NULL);

  return cs_explore_heatmap_get_chart (self->heatmap);
}

CsChartWidget *
_cs_explore_view_get_pair_chart (CsExploreView *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), NULL);

  return cs_explore_pair_get_chart (self->pair);
}

CsChartWidget *
_cs_explore_view_get_km_chart (CsExploreView *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), NULL);

  return cs_explore_survival_get_chart (self->survival);
}

const char *
_cs_explore_view_get_heat_row_key (CsExploreView *self,
                                   guint          row)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), NULL);

  return cs_explore_heatmap_get_row_key (self->heatmap, row);
}

const char *
_cs_explore_view_get_heat_col_key (CsExploreView *self,
                                   guint          col)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), NULL);

  return cs_explore_heatmap_get_col_key (self->heatmap, col);
}

gboolean
_cs_explore_view_get_pair_result (CsExploreView *self,
                                  CsStatsResult *result)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), FALSE);

  return cs_explore_pair_get_result (self->pair, result);
}

const char *
_cs_explore_view_get_stats_text (CsExploreView *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), NULL);

  return cs_explore_pair_get_stats_text (self->pair);
}

const char *
_cs_explore_view_get_survival_text (CsExploreView *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), NULL);

  return cs_explore_survival_get_text (self->survival);
}

CsExploreModel *
_cs_explore_view_get_model (CsExploreView *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), NULL);

  return self->model;
}

const char *
_cs_explore_view_get_caption_text (CsExploreView *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->caption_label)) ? gtk_label_get_text (self->caption_label) : "";
}

char *
_cs_explore_view_dup_brush_filter (CsExploreView *self)
{
  g_return_val_if_fail (CS_IS_EXPLORE_VIEW (self), NULL);

  return cs_explore_pair_dup_brush_filter (self->pair);
}

/* ---------------------------------------------------------------- object */

static void
cs_explore_view_dispose (GObject *object)
{
  CsExploreView *self = CS_EXPLORE_VIEW (object);

  g_clear_handle_id (&self->recompute_id, g_source_remove);
  if (self->store != NULL)
    g_clear_signal_handler (&self->variable_added_id, self->store);
  if (self->mode_stack != NULL)
    g_signal_handlers_disconnect_by_data (self->mode_stack, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CS_TYPE_EXPLORE_VIEW);
  g_clear_object (&self->store);
  g_clear_pointer (&self->selection, cs_bitset_free);
  g_clear_pointer (&self->rows, g_array_unref);
  g_clear_pointer (&self->filter_text, g_free);
  g_clear_pointer (&self->source_label, g_free);

  G_OBJECT_CLASS (cs_explore_view_parent_class)->dispose (object);
}

static void
cs_explore_view_class_init (CsExploreViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cs_explore_view_dispose;
  widget_class->map = cs_explore_view_map;
  widget_class->unmap = cs_explore_view_unmap;

  /* gboolean filter-requested (const char *expression): a handler that
   * applies the filter returns TRUE; unhandled, the view copies it. */
  signals[SIGNAL_FILTER_REQUESTED] =
    g_signal_new ("filter-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  g_signal_accumulator_true_handled, NULL, NULL, G_TYPE_BOOLEAN, 1, G_TYPE_STRING);
  /* patient-requested (guint row, gboolean images): a chart point's menu
   * asked for the patient of store row row (images: its studies). */
  signals[SIGNAL_PATIENT_REQUESTED] =
    g_signal_new ("patient-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_BOOLEAN);

  g_type_ensure (CS_TYPE_EXPLORE_HEATMAP);
  g_type_ensure (CS_TYPE_EXPLORE_PAIR);
  g_type_ensure (CS_TYPE_EXPLORE_SURVIVAL);
  g_type_ensure (CS_TYPE_EXPLORE_MODEL);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/cohortscope/Cohortscope/cs-explore-view.ui");
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, outer_stack);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, mode_stack);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, cohort_label);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, caption_label);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, rollup_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, heatmap);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, pair);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, survival);
  gtk_widget_class_bind_template_child (widget_class, CsExploreView, model);
  gtk_widget_class_bind_template_callback (widget_class, on_rollup_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_pair_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_requested);

  _cs_explore_view_class_actions_init (widget_class);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
cs_explore_view_init (CsExploreView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->export_width = 1200;
  self->export_height = 800;
  self->rows = g_array_new (FALSE, FALSE, sizeof (guint));
  cs_explore_pair_set_rows (self->pair, self->rows);
  cs_explore_survival_set_rows (self->survival, self->rows);
  cs_explore_model_set_rows (self->model, self->rows, NULL);
  g_signal_connect_object (cs_explore_pair_get_chart (self->pair), "patient-requested",
                           G_CALLBACK (on_patient_requested), self, G_CONNECT_SWAPPED);
  /* the line under the charts follows the page and its test */
  g_signal_connect_swapped (self->mode_stack, "notify::visible-child", G_CALLBACK (update_caption), self);
  g_signal_connect_swapped (self->mode_stack, "notify::visible-child", G_CALLBACK (update_page_focus), self);
  update_page_focus (self);
  cs_gui_drop_downs_focus_search (GTK_WIDGET (self));
  g_signal_connect_object (cs_explore_pair_get_chart (self->pair), "caption-changed",
                           G_CALLBACK (update_caption), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (cs_explore_survival_get_chart (self->survival), "caption-changed",
                           G_CALLBACK (update_caption), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (cs_explore_model_get_chart (self->model), "caption-changed",
                           G_CALLBACK (update_caption), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (cs_explore_heatmap_get_chart (self->heatmap), "caption-changed",
                           G_CALLBACK (update_caption), self, G_CONNECT_SWAPPED);
  gtk_stack_set_visible_child_name (self->outer_stack, "empty");
}

GtkWidget *
cs_explore_view_new (void)
{
  return g_object_new (CS_TYPE_EXPLORE_VIEW, NULL);
}
