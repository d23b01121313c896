/* test-explore.c: the Explore view under Xvfb
 *
 * Loads the demo cohort, waits for the heat map computed off the main
 * thread, "clicks" a cell at its centre through the chart's hit testing,
 * and checks that the scatter opens and the stats panel shows ρ and p equal
 * to cs_stats_spearman() on the same columns. Then the box plot, the brush
 * → filter text, tooltips, survival, a cohort selection and the exports.
 * The Model page: a Cox fit off the main thread equal to the core's, its
 * forest plot, its warnings in words, and its score saved as a variable
 * that the other pages and the cohort builder's picker list.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cs-gui-util.h"
#include "cs-ucum-display.h"
#include "cs-demo.h"
#include "cs-cohort-builder-private.h"
#include "cs-variable-item.h"
#include "cs-variable-picker.h"
#include "cs-explore-view-private.h"
#include "cs-patient-detail.h"
#include "cs-window.h"
#include "gui-test-util.h"

static CsStore *store;
static GtkWindow *window;
static CsExploreView *view;
static char *tmp_dir;

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

/* Lets GTK allocate and draw the visible chart. */
static void
wait_for_layout (CsChartWidget *chart)
{
  test_wait_until (test_chart_laid_out, chart);
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
  /* the effect size with its symbol, never the JSON name */
  g_assert_cmpstr (shown.effect_name, ==, "epsilon_squared");
  g_assert_nonnull (strstr (_cs_explore_view_get_stats_text (view), "(ε²) = "));
  g_assert_null (strstr (_cs_explore_view_get_stats_text (view), "epsilon"));

  g_assert_true (cs_explore_view_show_pair (view, "gender", "deceased"));
  g_assert_cmpint (cs_chart_widget_get_kind (pair), ==, CS_CHART_BAR);
  g_assert_true (_cs_explore_view_get_pair_result (view, &shown));
  g_assert_cmpint (shown.method, ==, CS_STATS_METHOD_CHI2);
  g_assert_nonnull (strstr (_cs_explore_view_get_stats_text (view), "(Cramér’s V) = "));
  g_assert_null (strstr (_cs_explore_view_get_stats_text (view), "cramers_v"));

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
  /* the legend names the variable */
  g_assert_true (g_str_has_suffix (m->groups[0].label, " ≤ 65"));
  g_assert_true (g_str_has_prefix (m->groups[0].label, cs_store_lookup_variable (store, "age_at_diagnosis")->label));
  /* medians with their unit */
  g_assert_nonnull (strstr (_cs_explore_view_get_survival_text (view), " months"));
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

  /* the caption: the side panel's test, the variables, the cohort and the
   * source, kept as text in the SVG; a file name saying what it shows */
  {
    g_autofree char *svg_path = g_build_filename (tmp_dir, "captioned.svg", NULL);
    g_autofree char *svg = NULL;
    CsStatsResult result;
    g_autofree char *summary = NULL;
    g_autofree char *escaped = NULL;

    g_assert_true (_cs_explore_view_get_pair_result (view, &result));
    summary = cs_stats_result_summary (&result, CS_STATS_P_THRESHOLD);
    escaped = g_markup_escape_text (summary, -1);
    g_assert_true (g_str_has_prefix (summary, "Spearman ρ = "));
    g_assert_cmpstr (((const CsChartScatterModel *) cs_chart_widget_get_model (pair))->test, ==, summary);
    g_assert_cmpstr (cs_chart_widget_get_file_stem (pair), ==,
                     "scatter-age-at-diagnosis-vs-original-shape-voxelvolume");
    cs_explore_view_set_context (view, "age_at_diagnosis >= 40", "Demo cohort");
    g_assert_true (cs_chart_widget_export_captioned (pair, svg_path, 800, 600, "9 of 10 patients: age_at_diagnosis >= 40",
                                                     "age_at_diagnosis >= 40", "Demo cohort", &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (svg_path, &svg, NULL, NULL));
    g_assert_nonnull (strstr (svg, escaped));
    g_assert_nonnull (strstr (svg, "x: "));
    g_assert_nonnull (strstr (svg, "key original_shape_voxelvolume"));
    g_assert_nonnull (strstr (svg, "9 of 10 patients: age_at_diagnosis &gt;= 40 · Source: Demo cohort"));
    /* the expression stays in the metadata */
    g_assert_nonnull (strstr (svg, "\nFilter: age_at_diagnosis &gt;= 40</desc>"));
    {
      g_autofree char *cohort = cs_explore_view_dup_cohort_text (view);
      CsVariable *age = cs_store_lookup_variable (store, "age_at_diagnosis");
      g_autofree char *words = g_strdup_printf ("patients: %s ≥ 40 years", age->label);

      /* the cohort in words, under the chart on screen and in exports */
      g_assert_nonnull (strstr (cohort, words));
      g_assert_nonnull (strstr (_cs_explore_view_get_caption_text (view), words));
      g_assert_true (g_str_has_prefix (_cs_explore_view_get_caption_text (view), summary));
    }
    cs_explore_view_set_context (view, NULL, NULL);
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
      test_iterate (5);
    }
  test_iterate (200);
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
  test_iterate (20);
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
static int
cmp_double (const void *a,
            const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static gboolean
model_idle (gpointer model)
{
  return !cs_explore_model_get_busy (model);
}

/* The core's fit of the same model, on all patients */
static CsCoxFit *
core_fit (const char * const *keys,
          CsCoxInput        **input_out)
{
  g_autoptr(GArray) rows = cs_analysis_rows (cs_store_get_n_patients (store), NULL);
  g_autoptr(GPtrArray) covs = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; keys[i] != NULL; i++)
    g_ptr_array_add (covs, cs_store_lookup_variable (store, keys[i]));
  g_assert_true (cs_cox_input_build (store, rows, cs_store_lookup_variable (store, "os"), NULL,
                                     (const CsVariable *const *) covs->pdata, covs->len, NULL, NULL, 0,
                                     CS_ANALYSIS_DISPLAY_LABELS, input_out, &error));
  g_assert_no_error (error);
  return cs_stats_cox_fit (&(*input_out)->data, NULL);
}

static void
test_model (void)
{
  static const char *const keys[] = { "age_at_diagnosis", "stage_group", "original_firstorder_entropy", NULL };
  CsExploreModel *model = _cs_explore_view_get_model (view);
  CsChartWidget *chart = cs_explore_model_get_chart (model);
  const CsChartForestModel *m;
  g_autoptr(CsCoxInput) input = NULL;
  g_autoptr(CsCoxFit) fit = core_fit (keys, &input);
  g_autoptr(GString) stats = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *c_text = NULL;
  guint n_estimates = 0;
  CsVariable *score;

  cs_explore_view_set_selection (view, NULL);
  test_wait_until (view_clean, view);
  g_assert_true (cs_explore_view_show_model (view, "os", keys, NULL, NULL));
  g_assert_cmpstr (cs_explore_view_get_mode (view), ==, "model");
  /* the fit runs in a thread: nothing is shown until it is done */
  g_assert_true (cs_explore_model_get_busy (model));
  test_wait_until (model_idle, model);
  g_assert_cmpint (cs_chart_widget_get_kind (chart), ==, CS_CHART_FOREST);
  m = cs_chart_widget_get_model (chart);
  /* a row per term, and a heading and a reference row for stage */
  g_assert_cmpuint (m->n_rows, ==, fit->p + 2);
  for (guint r = 0; r < m->n_rows; r++)
    if (m->rows[r].kind == CS_CHART_FOREST_TERM)
      {
        g_assert_true (close_rel (m->rows[r].hr, fit->hr[n_estimates], 1e-12));
        g_assert_true (close_rel (m->rows[r].lower, fit->hr_lower[n_estimates], 1e-12));
        n_estimates++;
      }
  g_assert_cmpuint (n_estimates, ==, fit->p);
  c_text = g_strdup_printf ("Concordance: %.3f", fit->concordance);
  g_assert_nonnull (strstr (cs_explore_model_get_text (model), c_text));
  g_assert_nonnull (strstr (cs_explore_model_get_text (model), "Likelihood-ratio test"));
  g_assert_nonnull (strstr (cs_explore_model_get_text (model), "Proportional hazards (cox.zph)"));
  g_assert_null (strstr (cs_explore_model_get_text (model), "Warning"));
  /* the medians follow the "Time in" setting; the hazard ratios do not change */
  {
    g_autoptr(GSettings) settings = cs_gui_settings_new ();
    g_autofree char *before = NULL;
    double survival, follow_up;
    g_autofree char *expected = NULL;

    g_assert_nonnull (settings);
    g_settings_set_string (settings, "time-unit", "months");
    cs_cox_input_medians (input, cs_time_scale_factor ("d", CS_TIME_SCALE_MONTHS), &survival, &follow_up);
    expected = g_strdup_printf ("Median survival %.1f months, median follow-up %.1f months", survival, follow_up);
    g_assert_nonnull (strstr (cs_explore_model_get_text (model), expected));
    before = g_strdup (cs_explore_model_get_text (model));
    g_settings_set_string (settings, "time-unit", "years");
    g_clear_pointer (&expected, g_free);
    cs_cox_input_medians (input, cs_time_scale_factor ("d", CS_TIME_SCALE_YEARS), &survival, &follow_up);
    expected = g_strdup_printf ("Median survival %.1f years, median follow-up %.1f years", survival, follow_up);
    g_assert_nonnull (strstr (cs_explore_model_get_text (model), expected));
    g_assert_cmpstr (cs_explore_model_get_text (model), !=, before);
    g_settings_set_string (settings, "time-unit", "months");
  }
  wait_for_layout (chart);
  test_maybe_screenshot (window, "explore-model");

  /* Validate on…: on the patients it was fitted on, the validation
   * concordance is the training one; on half of them, that half's patients */
  {
    g_autoptr(GArray) all = cs_analysis_rows (cs_store_get_n_patients (store), NULL);
    g_autoptr(GArray) half = g_array_new (FALSE, FALSE, sizeof (guint));
    g_autofree char *same = NULL, *part = NULL, *expect = NULL;

    same = cs_explore_model_validate (model, store, all, "all again", &error);
    g_assert_no_error (error);
    expect = g_strdup_printf ("Validation (all again): concordance %.3f", fit->concordance);
    g_assert_nonnull (strstr (same, expect));
    g_assert_nonnull (strstr (same, "Training ("));
    for (guint i = 0; i < all->len; i += 2)
      g_array_append_val (half, g_array_index (all, guint, i));
    part = cs_explore_model_validate (model, store, half, "even rows", &error);
    g_assert_no_error (error);
    g_clear_pointer (&expect, g_free);
    expect = g_strdup_printf ("Validation (even rows): concordance");
    g_assert_nonnull (strstr (part, expect));
    /* at most the half's patients are counted, never the training n */
    {
      const char *v = strstr (part, "Validation (even rows)");
      const char *pat = strstr (v, "), ");
      guint n_valid = 0;

      g_assert_nonnull (pat);
      g_assert_cmpint (sscanf (pat, "), %u patients", &n_valid), ==, 1);
      g_assert_cmpuint (n_valid, >, 0);
      g_assert_cmpuint (n_valid, <=, half->len);
      g_assert_cmpuint (n_valid, <, fit->n);
    }
  }

  /* the statistics export is the coefficient table; the forest plot
   * exports like every chart */
  cs_explore_model_write_stats (model, FALSE, stats);
  g_assert_true (g_str_has_prefix (stats->str, "term,coef,se,hr,lower,upper,p_value,n\nage_at_diagnosis,"));
  {
    static const char *const formats[] = { "png", "svg", "pdf" };
    g_autofree char *json_path = g_build_filename (tmp_dir, "model.json", NULL);
    g_autofree char *json = NULL;

    g_assert_true (cs_explore_view_write_stats (view, json_path, TRUE, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (json_path, &json, NULL, NULL));
    g_assert_true (g_str_has_prefix (json, "{\"method\":\"cox\",\"n\":"));
    for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
      {
        g_autofree char *path = g_strdup_printf ("%s/forest.%s", tmp_dir, formats[i]);
        GStatBuf st;

        g_assert_true (cs_chart_widget_export (chart, path, 800, 600, &error));
        g_assert_no_error (error);
        g_assert_cmpint (g_stat (path, &st), ==, 0);
        g_assert_cmpint (st.st_size, >, 1000);
      }
  }

  /* a covariate with no estimate is said in words */
  g_assert_true (cs_explore_view_show_model (view, "os", (const char *const[]) { "deceased", NULL }, NULL, NULL));
  test_wait_until (model_idle, model);
  g_assert_nonnull (strstr (cs_explore_model_get_text (model), "separates the patients"));

  /* a reference that is not a level of the covariate: no model, and why */
  g_assert_true (cs_explore_view_show_model (view, "os", keys, "stage_group=9Z", NULL));
  g_assert_false (cs_explore_model_get_busy (model));
  g_assert_false (cs_chart_widget_has_model (chart));
  g_assert_nonnull (strstr (cs_explore_model_get_text (model), "9Z"));
  g_assert_null (cs_explore_model_save_score (model, "nothing", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* no covariate: no model */
  g_assert_true (cs_explore_view_show_model (view, "os", (const char *const[]) { NULL }, NULL, NULL));
  g_assert_nonnull (strstr (cs_explore_model_get_text (model), "Choose at least one covariate"));
  g_assert_false (cs_explore_view_show_model (view, "os", (const char *const[]) { "no_such_var", NULL }, NULL, NULL));

  /* the score becomes a variable every page lists */
  g_assert_true (cs_explore_view_show_model (view, "os", keys, "stage_group=I", NULL));
  test_wait_until (model_idle, model);
  score = cs_explore_model_save_score (model, "signature", &error);
  g_assert_no_error (error);
  g_assert_nonnull (score);
  g_assert_true (cs_store_lookup_variable (store, "signature") == score);
  g_assert_true (cs_variable_is_derived (score));
  g_assert_cmpuint (score->n, ==, fit->n);
  /* its name is taken now */
  g_assert_null (cs_explore_model_save_score (model, "signature", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  /* the model page kept what it showed */
  g_assert_true (cs_chart_widget_has_model (chart));
  g_assert_true (cs_explore_view_show_pair (view, "signature", "age_at_diagnosis"));
  g_assert_true (cs_explore_view_show_survival (view, "os", "signature", "median"));
  g_assert_cmpuint (((const CsChartKmModel *) cs_chart_widget_get_model (_cs_explore_view_get_km_chart (view)))->n_groups, ==, 2);
  g_assert_true (cs_explore_view_show_model (view, "os", (const char *const[]) { "signature", NULL }, NULL, NULL));
  test_wait_until (model_idle, model);
  g_assert_true (cs_chart_widget_has_model (chart));
  test_wait_until (view_idle, view);
}

/* A model whose effect changes over time is warned about in words: a
 * covariate that raises the hazard early and lowers it late */
static void
test_model_ph_warning (void)
{
  CsExploreModel *model = _cs_explore_view_get_model (view);
  CsVariable *os = cs_store_lookup_variable (store, "os");
  guint n = cs_store_get_n_patients (store);
  g_autofree double *values = g_new (double, n);
  g_autoptr(GError) error = NULL;
  g_autofree double *sorted = g_new (double, n);
  guint m = 0;
  double median;

  for (guint i = 0; i < n; i++)
    if (!isnan (os->num[i]))
      sorted[m++] = os->num[i];
  g_assert_cmpuint (m, >, 10);
  qsort (sorted, m, sizeof (double), cmp_double);
  median = sorted[m / 2];
  /* early events (and early censoring) have the value 1, late ones 0:
   * the hazard ratio of x is far from constant over time */
  for (guint i = 0; i < n; i++)
    values[i] = isnan (os->num[i]) ? NAN : (os->num[i] < median ? (os->event[i] ? 1.0 : 0.0) : (os->event[i] ? 0.0 : 1.0));
  g_assert_nonnull (cs_store_add_derived_variable (store, "early_effect", NULL, NULL, values, &error));
  g_assert_no_error (error);
  g_assert_true (cs_explore_view_show_model (view, "os", (const char *const[]) { "early_effect", NULL }, NULL, NULL));
  test_wait_until (model_idle, model);
  g_assert_nonnull (strstr (cs_explore_model_get_text (model), "Warning: the effect of “early_effect” seems to change over time"));
}

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
  test_iterate (20);
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

  /* a scatter point's menu opens its patient with the images list */
  {
    const guint row = 7;
    GListModel *toplevels = gtk_window_get_toplevels ();
    guint n_before = g_list_model_get_n_items (toplevels);
    GtkWindow *detail = NULL;
    g_autofree char *title = NULL;

    g_assert_true (cs_explore_view_show_pair (wview, "original_shape_voxelvolume", "age_at_diagnosis"));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (_cs_explore_view_get_pair_chart (wview)),
                                               "chart.open-images", "u", row));
    g_assert_cmpuint (g_list_model_get_n_items (toplevels), ==, n_before + 1);
    for (guint i = 0; i < g_list_model_get_n_items (toplevels) && detail == NULL; i++)
      {
        g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

        if (CS_IS_PATIENT_DETAIL (w))
          detail = w;
      }
    g_assert_nonnull (detail);
    title = g_strdup_printf ("Patient %s", cs_store_get_patient_id (cs_window_get_store (win), row));
    g_assert_cmpstr (gtk_window_get_title (detail), ==, title);
    gtk_window_destroy (detail);
  }

  /* a score saved on the Model page is a variable the cohort builder offers */
  {
    GtkMenuButton *menu = GTK_MENU_BUTTON (test_find_of_type (GTK_WIDGET (builder), GTK_TYPE_MENU_BUTTON));
    GListModel *picked = cs_variable_picker_get_model (CS_VARIABLE_PICKER (gtk_menu_button_get_popover (menu)));
    CsExploreModel *model = _cs_explore_view_get_model (wview);
    guint n_before = g_list_model_get_n_items (picked);
    g_autoptr(CsVariableItem) last = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_true (cs_explore_view_show_model (wview, "os", (const char *const[]) { "age_at_diagnosis", NULL },
                                               NULL, NULL));
    test_wait_until (model_idle, model);
    g_assert_nonnull (cs_explore_model_save_score (model, "age_score", &error));
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (picked), ==, n_before + 1);
    last = g_list_model_get_item (picked, n_before);
    g_assert_cmpstr (cs_variable_item_get_variable (last)->key, ==, "age_score");

    /* a saved cohort carries the model: applied, it offers its score;
     * saved again under its name, it keeps the model */
    {
      g_autoptr(CsCoxModel) cox = cs_explore_model_dup_model (model, "age_model", &error);
      g_autofree char *json = NULL;
      CsSavedCohort *training;
      const CsSavedCohort *again;

      g_assert_no_error (error);
      json = cs_cox_model_to_json (cox);
      training = cs_cohort_builder_dup_current (builder, "Training");
      g_assert_true (cs_saved_cohort_set_model (training, json));
      _cs_cohort_builder_add_saved (builder, training);
      _cs_cohort_builder_apply_saved (builder, training);
      g_assert_cmpint (cs_cohort_builder_add_model_scores (builder, &error), ==, 1);
      g_assert_no_error (error);
      g_assert_nonnull (cs_store_lookup_variable (cs_window_get_store (win), "age_model"));
      /* the score of the same model on the same patients */
      for (guint i = 0; i < cs_store_get_n_patients (cs_window_get_store (win)); i++)
        g_assert_true (close_rel (cs_store_lookup_variable (cs_window_get_store (win), "age_model")->num[i],
                                  cs_store_lookup_variable (cs_window_get_store (win), "age_score")->num[i], 1e-12));
      again = cs_cohort_builder_save_current (builder, "Training", NULL);
      g_assert_nonnull (again->models);
      g_assert_cmpuint (again->models->len, ==, 1);
    }
  }

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
  g_test_add_func ("/gui/explore/model", test_model);
  g_test_add_func ("/gui/explore/model-ph-warning", test_model_ph_warning);
  g_test_add_func ("/gui/explore/window", test_window);

  ret = g_test_run ();

  gtk_window_destroy (window);
  g_clear_object (&store);
  test_gui_cleanup (g_steal_pointer (&tmp_dir));
  return ret;
}
