/* test-explore.c: the Explore view under Xvfb
 *
 * Loads the demo cohort, waits for the heat map computed off the main
 * thread, "clicks" a cell at its centre through the chart's hit testing,
 * and checks that the scatter opens and the stats panel shows ρ and p equal
 * to cs_stats_spearman() on the same columns. Then the box plot, the brush
 * → filter text, tooltips, survival, a cohort selection and the exports.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cs-demo.h"
#include "cs-cohort-builder.h"
#include "cs-explore-view-private.h"
#include "cs-window.h"
#include "gui-test-util.h"

static CsStore *store;
static GtkWindow *window;
static CsExploreView *view;
static char *tmp_dir;

static void
iterate (guint n)
{
  for (guint i = 0; i < n; i++)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
view_idle (gpointer explore)
{
  return !_cs_explore_view_get_busy (explore);
}

static gboolean
view_clean (gpointer explore)
{
  return !_cs_explore_view_get_dirty (explore);
}

static void
wait_for_heatmap (void)
{
  test_wait_until (view_idle, view);
}

static gboolean
chart_laid_out (gpointer chart)
{
  return gtk_widget_get_mapped (chart) && gtk_widget_get_width (chart) > 0 &&
         cs_chart_widget_get_layout (chart, NULL);
}

/* Lets GTK allocate and draw the visible chart. */
static void
wait_for_layout (CsChartWidget *chart)
{
  test_wait_until (chart_laid_out, chart);
}

static gboolean
close_rel (double a,
           double b,
           double tol)
{
  if (isnan (a) || isnan (b))
    return isnan (a) && isnan (b);
  return fabs (a - b) <= tol * MAX (1.0, fabs (b));
}

static void
spearman_on_store (const char    *x_key,
                   const char    *y_key,
                   const CsBitset *rows,
                   CsStatsResult *res)
{
  CsVariable *x = cs_store_lookup_variable (store, x_key);
  CsVariable *y = cs_store_lookup_variable (store, y_key);
  guint n = cs_store_get_n_patients (store), m = 0;
  g_autofree double *a = g_new (double, n);
  g_autofree double *b = g_new (double, n);

  g_assert_nonnull (x);
  g_assert_nonnull (y);
  for (guint i = 0; i < n; i++)
    {
      if (rows != NULL && !cs_bitset_get (rows, i))
        continue;
      a[m] = x->num[i];
      b[m] = y->num[i];
      m++;
    }
  cs_stats_spearman (a, b, m, res);
}

static guint heat_col_numeric;

static void
test_heatmap_click (void)
{
  CsChartWidget *heat = _cs_explore_view_get_heatmap (view);
  CsChartWidget *pair = _cs_explore_view_get_pair_chart (view);
  const CsChartHeatmapModel *hm;
  CsStatsResult shown, expected;
  double cx, cy;
  guint row, col;
  g_autofree char *rho_text = NULL;
  g_autofree char *p_text = NULL;
  gboolean found = FALSE;

  cs_explore_view_set_store (view, store);
  g_assert_cmpstr (cs_explore_view_get_mode (view), ==, "heatmap");
  g_assert_true (_cs_explore_view_get_busy (view));
  wait_for_heatmap ();

  g_assert_true (cs_chart_widget_has_model (heat));
  g_assert_cmpint (cs_chart_widget_get_kind (heat), ==, CS_CHART_HEATMAP);
  hm = cs_chart_widget_get_model (heat);
  g_assert_cmpuint (hm->n_rows, >=, 50);
  g_assert_cmpuint (hm->n_cols, >=, 3);
  g_assert_nonnull (hm->q);
  wait_for_layout (heat);

  /* outcome is a column: the demo's planted JointEntropy–survival relation
   * must be visible on the landing page */
  {
    gboolean has_survival_time = FALSE;

    for (guint c = 0; c < hm->n_cols; c++)
      has_survival_time |= g_strcmp0 (_cs_explore_view_get_heat_col_key (view, c), "survival_time") == 0;
    g_assert_true (has_survival_time);
  }

  /* a numeric clinical column (a scatter, not a box) */
  for (col = 0; col < hm->n_cols && !found; col++)
    {
      CsVariable *var = cs_store_lookup_variable (store, _cs_explore_view_get_heat_col_key (view, col));

      if (var->type == CS_VARIABLE_NUMERIC)
        {
          heat_col_numeric = col;
          found = TRUE;
        }
    }
  g_assert_true (found);
  col = heat_col_numeric;
  row = hm->row_order[0];    /* the top row on screen */

  g_assert_true (cs_chart_widget_get_cell_center (heat, row, col, &cx, &cy));
  {
    g_autofree char *tip = cs_chart_widget_describe_at (heat, cx, cy);

    g_assert_nonnull (tip);
    g_assert_nonnull (strstr (tip, hm->row_labels[row]));
    g_assert_nonnull (strstr (tip, "q = "));
  }
  /* the "click" goes through the chart's hit testing */
  g_assert_true (cs_chart_widget_click (heat, cx, cy));

  g_assert_cmpstr (cs_explore_view_get_mode (view), ==, "pair");
  g_assert_cmpint (cs_chart_widget_get_kind (pair), ==, CS_CHART_SCATTER);

  spearman_on_store (_cs_explore_view_get_heat_row_key (view, row),
                     _cs_explore_view_get_heat_col_key (view, col), NULL, &expected);
  g_assert_true (isfinite (expected.r));
  g_assert_true (_cs_explore_view_get_pair_result (view, &shown));
  g_assert_cmpint (shown.method, ==, CS_STATS_METHOD_SPEARMAN);
  g_assert_cmpuint (shown.n, ==, expected.n);
  g_assert_true (close_rel (shown.statistic, expected.r, 1e-12));
  g_assert_true (close_rel (shown.p_value, expected.p_value, 1e-12));
  /* the heat map cell is the same coefficient */
  g_assert_true (close_rel (hm->r[(gsize) row * hm->n_cols + col], expected.r, 1e-9));

  rho_text = g_strdup_printf ("ρ = %.4g\n", expected.r);
  p_text = g_strdup_printf ("p = %.4g\n", expected.p_value);
  g_assert_nonnull (strstr (_cs_explore_view_get_stats_text (view), rho_text));
  g_assert_nonnull (strstr (_cs_explore_view_get_stats_text (view), p_text));
  g_assert_nonnull (strstr (_cs_explore_view_get_stats_text (view), "not corrected for multiple testing"));
}

static void
test_activate_cell_action (void)
{
  CsChartWidget *heat = _cs_explore_view_get_heatmap (view);
  CsStatsResult shown, expected;

  cs_explore_view_set_mode (view, "heatmap");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (heat), "chart.activate-cell", "(uu)", 1, heat_col_numeric));
  g_assert_cmpstr (cs_explore_view_get_mode (view), ==, "pair");
  spearman_on_store (_cs_explore_view_get_heat_row_key (view, 1),
                     _cs_explore_view_get_heat_col_key (view, heat_col_numeric), NULL, &expected);
  g_assert_true (_cs_explore_view_get_pair_result (view, &shown));
  g_assert_true (close_rel (shown.statistic, expected.r, 1e-12));
}

static GArray *brushed;

static void
on_rows_selected (CsChartWidget *chart,
                  GArray        *rows,
                  gpointer       data)
{
  g_clear_pointer (&brushed, g_array_unref);
  brushed = g_array_ref (rows);
}

static void
test_scatter_tooltip_and_brush (void)
{
  CsChartWidget *pair = _cs_explore_view_get_pair_chart (view);
  const CsChartScatterModel *m;
  CsChartLayout layout;
  CsVariable *x, *y;
  g_autofree char *filter = NULL;
  double x0, x1, y0, y1;
  guint expected = 0, inside, point = G_MAXUINT;

  g_assert_true (cs_explore_view_show_pair (view, "original_shape_voxelvolume", "age_at_diagnosis"));
  wait_for_layout (pair);
  g_assert_cmpint (cs_chart_widget_get_kind (pair), ==, CS_CHART_SCATTER);
  m = cs_chart_widget_get_model (pair);
  g_assert_true (cs_chart_widget_get_layout (pair, &layout));

  /* hover a point of a patient with an ImagingStudy: its id and UID */
  for (guint i = 0; i < m->n && point == G_MAXUINT; i++)
    {
      GPtrArray *uids = cs_store_get_patient_study_uids (store, i);

      if (!isnan (m->x[i]) && !isnan (m->y[i]) && uids != NULL && uids->len > 0)
        point = i;
    }
  g_assert_cmpuint (point, <, m->n);
  {
    double px = cs_chart_layout_x_to_px (&layout, m->x[point]);
    double py = cs_chart_layout_y_to_px (&layout, m->y[point]);
    g_autofree char *tip = cs_chart_widget_describe_at (pair, px, py);
    int hit = cs_chart_scatter_hit (m, &layout, px, py, 8);
    GPtrArray *uids;

    /* the hit may be another point on the same pixel: check whichever it is */
    g_assert_cmpint (hit, >=, 0);
    g_assert_nonnull (tip);
    g_assert_nonnull (strstr (tip, cs_store_get_patient_id (store, hit)));
    uids = cs_store_get_patient_study_uids (store, hit);
    if (uids != NULL && uids->len > 0)
      g_assert_nonnull (strstr (tip, g_ptr_array_index (uids, 0)));
    else
      g_assert_nonnull (strstr (tip, "No ImagingStudy"));
  }

  /* brush the middle of the data */
  x = cs_store_lookup_variable (store, "original_shape_voxelvolume");
  y = cs_store_lookup_variable (store, "age_at_diagnosis");
  x0 = layout.x_min + 0.2 * (layout.x_max - layout.x_min);
  x1 = layout.x_min + 0.6 * (layout.x_max - layout.x_min);
  y0 = layout.y_min + 0.2 * (layout.y_max - layout.y_min);
  y1 = layout.y_min + 0.8 * (layout.y_max - layout.y_min);
  for (guint i = 0; i < cs_store_get_n_patients (store); i++)
    if (x->num[i] >= x0 && x->num[i] <= x1 && y->num[i] >= y0 && y->num[i] <= y1)
      expected++;
  g_assert_cmpuint (expected, >, 0);
  g_signal_connect (pair, "rows-selected", G_CALLBACK (on_rows_selected), NULL);
  inside = cs_chart_widget_brush_data (pair, x1, x0, y1, y0);
  g_assert_cmpuint (inside, ==, expected);
  g_assert_nonnull (brushed);
  g_assert_cmpuint (brushed->len, ==, expected);
  for (guint k = 0; k < brushed->len; k++)
    {
      guint row = g_array_index (brushed, guint, k);

      g_assert_true (x->num[row] >= x0 && x->num[row] <= x1);
    }
  filter = _cs_explore_view_dup_brush_filter (view);
  g_assert_nonnull (filter);
  g_assert_true (g_str_has_prefix (filter, "original_shape_voxelvolume >= "));
  g_assert_nonnull (strstr (filter, " and age_at_diagnosis <= "));

  /* a click clears it */
  g_assert_true (cs_chart_widget_click (pair, 1, 1));
  g_assert_cmpuint (brushed->len, ==, 0);
  g_clear_pointer (&filter, g_free);
  filter = _cs_explore_view_dup_brush_filter (view);
  g_assert_null (filter);
  g_signal_handlers_disconnect_by_func (pair, on_rows_selected, NULL);
  g_clear_pointer (&brushed, g_array_unref);
}

static void
test_box_and_undefined (void)
{
  CsChartWidget *pair = _cs_explore_view_get_pair_chart (view);
  CsStatsResult shown;

  g_assert_true (cs_explore_view_show_pair (view, "original_shape_voxelvolume", "t_stage"));
  g_assert_cmpint (cs_chart_widget_get_kind (pair), ==, CS_CHART_BOX);
  g_assert_true (_cs_explore_view_get_pair_result (view, &shown));
  g_assert_cmpint (shown.method, ==, CS_STATS_METHOD_KRUSKAL);
  g_assert_nonnull (strstr (_cs_explore_view_get_stats_text (view), "Kruskal"));

  g_assert_true (cs_explore_view_show_pair (view, "gender", "deceased"));
  g_assert_cmpint (cs_chart_widget_get_kind (pair), ==, CS_CHART_BAR);
  g_assert_true (_cs_explore_view_get_pair_result (view, &shown));
  g_assert_cmpint (shown.method, ==, CS_STATS_METHOD_CHI2);

  /* no Y: a histogram and no test */
  g_assert_true (cs_explore_view_show_pair (view, "age_at_diagnosis", NULL));
  g_assert_cmpint (cs_chart_widget_get_kind (pair), ==, CS_CHART_HISTOGRAM);
  g_assert_false (_cs_explore_view_get_pair_result (view, &shown));
}

static void
test_survival (void)
{
  CsChartWidget *km = _cs_explore_view_get_km_chart (view);
  CsVariable *os = cs_store_lookup_variable (store, "os");
  CsVariable *g = cs_store_lookup_variable (store, "gender");
  const CsChartKmModel *m;
  guint n = cs_store_get_n_patients (store);
  g_autofree guint8 *event = g_new (guint8, n);
  g_autoptr(CsLogrank) lr = NULL;
  g_autofree char *p_text = NULL;

  g_assert_true (cs_explore_view_show_survival (view, "os", "gender", NULL));
  g_assert_cmpstr (cs_explore_view_get_mode (view), ==, "survival");
  g_assert_cmpint (cs_chart_widget_get_kind (km), ==, CS_CHART_KM);
  m = cs_chart_widget_get_model (km);
  g_assert_cmpuint (m->n_groups, ==, 2);

  for (guint i = 0; i < n; i++)
    event[i] = os->event[i];
  lr = cs_stats_logrank (os->num, event, g->cat, n);
  p_text = g_strdup_printf ("p = %.4g\n", lr->p_value);
  g_assert_nonnull (strstr (_cs_explore_view_get_survival_text (view), "Log-rank"));
  g_assert_nonnull (strstr (_cs_explore_view_get_survival_text (view), p_text));

  /* split a feature at its tertiles and at a typed cut */
  g_assert_true (cs_explore_view_show_survival (view, "os", "original_shape_voxelvolume", "tertiles"));
  m = cs_chart_widget_get_model (km);
  g_assert_cmpuint (m->n_groups, ==, 3);
  g_assert_true (cs_explore_view_show_survival (view, "os", "age_at_diagnosis", "65"));
  m = cs_chart_widget_get_model (km);
  g_assert_cmpuint (m->n_groups, ==, 2);
  g_assert_cmpstr (m->groups[0].label, ==, "≤ 65");
}

static void
test_exports (void)
{
  CsChartWidget *pair = _cs_explore_view_get_pair_chart (view);
  const char *formats[] = { "png", "svg", "pdf" };
  g_autoptr(GError) error = NULL;
  g_autofree char *csv_path = g_build_filename (tmp_dir, "data.csv", NULL);
  g_autofree char *json_path = g_build_filename (tmp_dir, "stats.json", NULL);
  g_autofree char *contents = NULL;

  g_assert_true (cs_explore_view_show_pair (view, "original_shape_voxelvolume", "age_at_diagnosis"));
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *name = g_strdup_printf ("chart.%s", formats[i]);
      g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
      GStatBuf st;

      g_assert_true (cs_chart_widget_export (pair, path, 800, 600, &error));
      g_assert_no_error (error);
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpint (st.st_size, >, 1000);
    }

  g_assert_true (cs_explore_view_write_data_csv (view, csv_path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "patient_id,original_shape_voxelvolume,age_at_diagnosis\n"));
  g_clear_pointer (&contents, g_free);

  g_assert_true (cs_explore_view_write_stats (view, json_path, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (json_path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "{\"method\":\"spearman\""));
  g_assert_nonnull (strstr (contents, "\"exploratory\":true"));
}

/* A survival page without a chart (a typed cut, but no number) has nothing
 * to export: not the rows and statistics of the pair chart exported just
 * before (they used to be written instead). */
static void
test_exports_without_chart (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *csv_path = g_build_filename (tmp_dir, "stale.csv", NULL);
  g_autofree char *json_path = g_build_filename (tmp_dir, "stale.json", NULL);

  g_assert_true (cs_explore_view_show_pair (view, "original_shape_voxelvolume", "age_at_diagnosis"));
  g_assert_true (cs_explore_view_write_data_csv (view, csv_path, &error));
  g_assert_no_error (error);
  g_assert_true (cs_explore_view_write_stats (view, json_path, TRUE, &error));
  g_assert_no_error (error);

  g_assert_true (cs_explore_view_show_survival (view, "os", "age_at_diagnosis", ""));
  g_assert_false (cs_chart_widget_has_model (_cs_explore_view_get_km_chart (view)));
  g_assert_nonnull (strstr (_cs_explore_view_get_survival_text (view), "Type a number"));
  g_assert_false (cs_explore_view_write_data_csv (view, csv_path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (cs_explore_view_write_stats (view, json_path, TRUE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (cs_explore_view_write_stats (view, csv_path, FALSE, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_selection (void)
{
  g_autoptr(CsBitset) rows = cs_bitset_new (cs_store_get_n_patients (store));
  CsStatsResult shown, expected;

  for (guint i = 0; i < cs_store_get_n_patients (store); i += 2)
    cs_bitset_set (rows, i);
  cs_explore_view_set_selection (view, rows);
  g_assert_true (_cs_explore_view_get_busy (view));
  wait_for_heatmap ();
  g_assert_true (cs_explore_view_show_pair (view, "original_shape_voxelvolume", "age_at_diagnosis"));
  spearman_on_store ("original_shape_voxelvolume", "age_at_diagnosis", rows, &expected);
  g_assert_true (_cs_explore_view_get_pair_result (view, &shown));
  g_assert_cmpuint (shown.n, ==, expected.n);
  g_assert_cmpuint (shown.n, <=, 200);
  g_assert_true (close_rel (shown.statistic, expected.r, 1e-12));
  g_assert_true (close_rel (shown.p_value, expected.p_value, 1e-12));

  cs_explore_view_set_selection (view, NULL);
  wait_for_heatmap ();
}

/* Selection changes are coalesced: a burst while the view is shown gives
 * one recomputation (in an idle, with the last rows); while it is hidden
 * none at all until it is shown again. No timings: counts only. */
static void
test_coalescing (void)
{
  guint n = cs_store_get_n_patients (store);
  g_autoptr(CsBitset) last = NULL;
  CsStatsResult shown, expected;
  guint before;

  wait_for_heatmap ();
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (view)));
  before = _cs_explore_view_get_n_recomputes (view);

  /* 40 changes in a row, as a drag over the cohort builder could emit */
  for (guint k = 0; k < 40; k++)
    {
      g_autoptr(CsBitset) rows = cs_bitset_new (n);

      for (guint i = 0; i < n; i++)
        if (i % (k + 2) != 0)
          cs_bitset_set (rows, i);
      cs_explore_view_set_selection (view, rows);
      g_clear_pointer (&last, cs_bitset_free);
      last = cs_bitset_copy (rows);
    }
  g_assert_cmpuint (_cs_explore_view_get_n_recomputes (view), ==, before);
  g_assert_true (_cs_explore_view_get_dirty (view));
  g_assert_true (_cs_explore_view_get_busy (view));
  wait_for_heatmap ();
  g_assert_cmpuint (_cs_explore_view_get_n_recomputes (view), ==, before + 1);
  g_assert_false (_cs_explore_view_get_dirty (view));
  g_assert_true (cs_chart_widget_has_model (_cs_explore_view_get_heatmap (view)));

  /* the statistics follow the last selection */
  g_assert_true (cs_explore_view_show_pair (view, "original_shape_voxelvolume", "age_at_diagnosis"));
  spearman_on_store ("original_shape_voxelvolume", "age_at_diagnosis", last, &expected);
  g_assert_true (_cs_explore_view_get_pair_result (view, &shown));
  g_assert_cmpuint (shown.n, ==, expected.n);
  g_assert_true (close_rel (shown.statistic, expected.r, 1e-12));

  /* hidden: nothing is computed, however long the main loop runs */
  gtk_widget_set_visible (GTK_WIDGET (view), FALSE);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (view)));
  before = _cs_explore_view_get_n_recomputes (view);
  for (guint k = 0; k < 40; k++)
    {
      g_autoptr(CsBitset) rows = cs_bitset_new (n);

      for (guint i = 0; i < n; i++)
        if (i % (k + 3) == 0)
          cs_bitset_set (rows, i);
      cs_explore_view_set_selection (view, rows);
      iterate (5);
    }
  iterate (200);
  g_assert_cmpuint (_cs_explore_view_get_n_recomputes (view), ==, before);
  g_assert_true (_cs_explore_view_get_dirty (view));
  g_assert_false (_cs_explore_view_get_busy (view));

  /* shown again: one recomputation */
  gtk_widget_set_visible (GTK_WIDGET (view), TRUE);
  test_wait_until (view_clean, view);
  wait_for_heatmap ();
  g_assert_cmpuint (_cs_explore_view_get_n_recomputes (view), ==, before + 1);
  g_assert_false (_cs_explore_view_get_dirty (view));

  /* the same patients through another bitset change nothing */
  cs_explore_view_set_selection (view, NULL);
  wait_for_heatmap ();
  before = _cs_explore_view_get_n_recomputes (view);
  {
    g_autoptr(CsBitset) all = cs_bitset_new_full (n);

    cs_explore_view_set_selection (view, all);
  }
  g_assert_false (_cs_explore_view_get_dirty (view));
  iterate (20);
  g_assert_cmpuint (_cs_explore_view_get_n_recomputes (view), ==, before);
}

static void
test_rollup (void)
{
  CsVariable *vol = cs_store_lookup_variable (store, "original_shape_voxelvolume");
  guint n = cs_store_get_n_patients (store), changed = 0;
  g_autofree double *before = g_memdup2 (vol->num, sizeof (double) * n);
  CsStatsResult shown, expected;

  g_assert_true (cs_explore_view_set_rollup (view, CS_ROLLUP_SUM));
  g_assert_cmpint (cs_store_get_rollup (store), ==, CS_ROLLUP_SUM);
  g_assert_true (_cs_explore_view_get_busy (view));
  wait_for_heatmap ();
  for (guint i = 0; i < n; i++)
    if (!isnan (before[i]) && vol->num[i] != before[i])
      changed++;
  g_test_message ("%u patients changed their volume with the sum roll-up", changed);
  g_assert_cmpuint (changed, >, 0);

  g_assert_true (cs_explore_view_show_pair (view, "original_shape_voxelvolume", "age_at_diagnosis"));
  spearman_on_store ("original_shape_voxelvolume", "age_at_diagnosis", NULL, &expected);
  g_assert_true (_cs_explore_view_get_pair_result (view, &shown));
  g_assert_true (close_rel (shown.statistic, expected.r, 1e-12));

  g_assert_true (cs_explore_view_set_rollup (view, CS_ROLLUP_LATEST));
  wait_for_heatmap ();
  for (guint i = 0; i < n; i++)
    g_assert_true ((isnan (before[i]) && isnan (vol->num[i])) || before[i] == vol->num[i]);
}

/* The hook in the main window: the view gets the store, the cohort filter's
 * rows, and a brush becomes a clause of the cohort filter. */
static void
test_window (void)
{
  g_autofree char *demo = g_build_filename (tmp_dir, "demo.json", NULL);
  const char *paths[] = { demo, NULL };
  CsWindow *win = cs_window_new (NULL);
  CsExploreView *wview;
  CsCohortBuilder *builder;
  CsChartWidget *pair;
  CsStatsResult shown;
  g_autofree char *filter = NULL;
  guint n_selected, n_recomputes;

  g_object_ref_sink (win);
  gtk_window_present (GTK_WINDOW (win));
  cs_window_open_paths (win, paths, "demo");
  test_wait_until (test_window_loaded, win);
  g_assert_nonnull (cs_window_get_store (win));

  wview = CS_EXPLORE_VIEW (test_find_of_type (GTK_WIDGET (win), CS_TYPE_EXPLORE_VIEW));
  builder = CS_COHORT_BUILDER (test_find_of_type (GTK_WIDGET (win), CS_TYPE_COHORT_BUILDER));
  g_assert_nonnull (wview);
  g_assert_nonnull (builder);
  view = wview;
  wait_for_heatmap ();
  g_assert_true (cs_chart_widget_has_model (_cs_explore_view_get_heatmap (wview)));

  g_assert_true (cs_explore_view_show_pair (wview, "original_shape_voxelvolume", "age_at_diagnosis"));
  pair = _cs_explore_view_get_pair_chart (wview);
  n_selected = cs_chart_widget_brush_data (pair, 0, 1e9, 60, 70);
  g_assert_cmpuint (n_selected, >, 0);
  filter = _cs_explore_view_dup_brush_filter (wview);
  g_assert_nonnull (filter);
  n_recomputes = _cs_explore_view_get_n_recomputes (wview);
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (wview)));   /* the Cohort page is shown */
  g_assert_true (cs_explore_view_request_filter (wview));
  g_assert_nonnull (strstr (cs_filter_state_get_text (cs_cohort_builder_get_filter_state (builder)),
                            "age_at_diagnosis"));
  cs_cohort_builder_flush (builder);
  iterate (20);
  g_assert_nonnull (cs_cohort_builder_get_selection (builder));
  g_assert_cmpuint (cs_bitset_count (cs_cohort_builder_get_selection (builder)), ==, n_selected);

  /* hidden, Explore only took the rows; it recomputes once when shown */
  g_assert_cmpuint (_cs_explore_view_get_n_recomputes (wview), ==, n_recomputes);
  g_assert_true (_cs_explore_view_get_dirty (wview));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (win), "win.show-view", "s", "explore"));
  test_wait_until (view_clean, wview);
  wait_for_heatmap ();
  g_assert_cmpuint (_cs_explore_view_get_n_recomputes (wview), ==, n_recomputes + 1);

  /* Explore now uses only the filtered rows */
  g_assert_true (cs_explore_view_show_pair (wview, "original_shape_voxelvolume", "age_at_diagnosis"));
  g_assert_true (_cs_explore_view_get_pair_result (wview, &shown));
  g_assert_cmpuint (shown.n, ==, n_selected);

  gtk_window_destroy (GTK_WINDOW (win));
  g_object_unref (win);
  view = NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *demo = NULL;
  int ret;

  tmp_dir = test_gui_init (&argc, &argv, "cohortscope-explore-XXXXXX");
  if (tmp_dir == NULL)
    return 0;
  demo = g_build_filename (tmp_dir, "demo.json", NULL);
  g_assert_true (cs_demo_write_file (demo, CS_DEMO_DEFAULT_PATIENTS, CS_DEMO_DEFAULT_SEED, NULL, &error));
  g_assert_no_error (error);
  store = cs_store_new ();
  g_assert_true (cs_store_load_path (store, demo, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  cs_store_finish (store);

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1200, 800);
  view = CS_EXPLORE_VIEW (cs_explore_view_new ());
  gtk_window_set_child (window, GTK_WIDGET (view));
  gtk_window_present (window);

  g_test_add_func ("/gui/explore/heatmap-click", test_heatmap_click);
  g_test_add_func ("/gui/explore/activate-cell", test_activate_cell_action);
  g_test_add_func ("/gui/explore/scatter-brush", test_scatter_tooltip_and_brush);
  g_test_add_func ("/gui/explore/box", test_box_and_undefined);
  g_test_add_func ("/gui/explore/survival", test_survival);
  g_test_add_func ("/gui/explore/exports", test_exports);
  g_test_add_func ("/gui/explore/exports-without-chart", test_exports_without_chart);
  g_test_add_func ("/gui/explore/selection", test_selection);
  g_test_add_func ("/gui/explore/coalescing", test_coalescing);
  g_test_add_func ("/gui/explore/rollup", test_rollup);
  g_test_add_func ("/gui/explore/window", test_window);

  ret = g_test_run ();

  gtk_window_destroy (window);
  g_clear_object (&store);
  test_gui_cleanup (g_steal_pointer (&tmp_dir));
  return ret;
}
