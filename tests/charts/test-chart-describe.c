/* test-chart-describe.c: cs_chart_describe() says in words what each chart
 * kind shows (the accessible description of the GUI's charts), on fixed
 * chart data whose counts, medians and strongest cells are known by hand.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cs-chart.h"

static void
test_scatter (void)
{
  static const double x[] = { 1, 2, 3, 4, NAN, 6 };
  static const double y[] = { 2, 4, 6, 8, 10, NAN };
  static const guint8 selected[] = { 1, 0, 1, 1, 1, 1 };
  CsChartScatterModel m = {
    .x = x, .y = y, .n = G_N_ELEMENTS (x),
    .x_label = "Age (years)", .y_label = "Volume (mm³)",
  };
  g_autofree char *plain = NULL, *cohort = NULL;

  /* the points with a NAN are not drawn, so not counted: 4 of 6 */
  plain = cs_chart_describe (CS_CHART_SCATTER, &m, "Spearman ρ = 1, n = 4, p < 0.001");
  g_assert_cmpstr (plain, ==, "Scatter plot of Volume (mm³) against Age (years), 4 patients; "
                              "Spearman ρ = 1, n = 4, p < 0.001.");

  m.selected = selected;
  m.regression = TRUE;
  m.title = "Volume by age";
  cohort = cs_chart_describe (CS_CHART_SCATTER, &m, NULL);
  g_assert_cmpstr (cohort, ==, "Volume by age: scatter plot of Volume (mm³) against Age (years), 4 patients, "
                               "3 in the cohort; regression line with slope 2.00.");
}

static void
test_box (void)
{
  static const double a[] = { 1, 2, 3, 4, 100 };
  static const double b[] = { 10, 20, NAN, 30, 40 };
  static const double c[] = { NAN };
  static const double * const values[] = { a, b, c };
  static const guint n_values[] = { 5, 5, 1 };
  static const char * const labels[] = { "T1", "T2", "T3" };
  CsChartBoxModel m = {
    .n_groups = 3, .group_labels = labels, .values = values, .n_values = n_values,
    .x_label = "T stage", .y_label = "Volume (mm³)",
  };
  g_autofree char *text = cs_chart_describe (CS_CHART_BOX, &m, "Kruskal–Wallis H = 6.5, df = 1, p = 0.011");

  /* medians: 3 of 1..4,100; 25 of 10,20,30,40 (R type 7) */
  g_assert_cmpstr (text, ==, "Box plot of Volume (mm³) by T stage: 3 groups, T1 (n = 5, median 3.00), "
                             "T2 (n = 4, median 25.0) and T3 (no values); "
                             "Kruskal–Wallis H = 6.5, df = 1, p = 0.011.");
}

static void
test_histogram (void)
{
  static const double values[] = { 1, 2, 2, 3, 3, 3, 4, NAN };
  CsChartHistogramModel m = {
    .values = values, .n = G_N_ELEMENTS (values), .rule = CS_CHART_BINS_FIXED, .n_bins = 4,
    .x_label = "Grade",
  };
  static const double all[] = { 10, 30, 20 };
  static const double sel[] = { 5, 0, 20 };
  CsChartHistogramModel counts = {
    .counts_all = all, .counts_selected = sel, .n_bins = 3, .bin_start = 40, .bin_width = 10,
    .x_label = "Age (years)", .compact = TRUE,
  };
  g_autofree char *text = cs_chart_describe (CS_CHART_HISTOGRAM, &m, NULL);
  g_autofree char *text_counts = cs_chart_describe (CS_CHART_HISTOGRAM, &counts, NULL);
  double start, width;
  guint n_bins;

  g_assert_true (cs_chart_histogram_bins (values, m.n, CS_CHART_BINS_FIXED, 4, &start, &width, &n_bins));
  g_assert_cmpuint (n_bins, ==, 4);
  /* 7 finite values in 4 bins; 3 (three times) is the fullest bin; median 3 */
  g_assert_nonnull (strstr (text, "Histogram of Grade: 7 patients, from "));
  g_assert_nonnull (strstr (text, " in 4 bins; most in "));
  g_assert_nonnull (strstr (text, " (3); median 3.00."));

  g_assert_cmpstr (text_counts, ==, "Histogram of Age (years): 25 of 60 patients in the cohort, from 40.0 to 70.0 "
                                    "in 3 bins; most in 50.0 to 60.0 (30).");
}

static void
test_bar (void)
{
  static const char * const labels[] = { "female", "male", "unknown" };
  static const double all[] = { 60, 40, 3 };
  static const double sel[] = { 12, 40, 0 };
  static const guint8 highlighted[] = { 0, 1, 0 };
  CsChartBarModel m = {
    .n_categories = 3, .labels = labels, .counts_all = all, .x_label = "Sex",
  };
  g_autofree char *whole = cs_chart_describe (CS_CHART_BAR, &m, NULL);
  g_autofree char *cohort = NULL;

  g_assert_cmpstr (whole, ==, "Bar chart of Sex: 3 categories, patients: female 60, male 40 and unknown 3.");
  m.counts_selected = sel;
  m.highlighted = highlighted;
  cohort = cs_chart_describe (CS_CHART_BAR, &m, NULL);
  g_assert_cmpstr (cohort, ==, "Bar chart of Sex: 3 categories, patients in the cohort: female 12 of 60, "
                               "male 40 of 40 (filtered on) and unknown 0 of 3.");
}

static void
test_bar_many (void)
{
  const char *labels[20];
  double all[20];
  g_autofree char *text = NULL;
  CsChartBarModel m = { .n_categories = 20, .labels = labels, .counts_all = all };
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < 20; i++)
    {
      char *label = g_strdup_printf ("c%u", i);

      g_ptr_array_add (keep, label);
      labels[i] = label;
      all[i] = i;
    }
  text = cs_chart_describe (CS_CHART_BAR, &m, NULL);
  /* 12 named, the other 8 counted */
  g_assert_nonnull (strstr (text, "c10 10, c11 11 and 8 more."));
  g_assert_null (strstr (text, "c12"));
}

static void
test_km (void)
{
  /* four groups; medians 14.2, 19.8 and 25.1, the last never drops to one half */
  static const double t1[] = { 5, 14.2, 30 }, s1[] = { 0.8, 0.5, 0.2 };
  static const double t2[] = { 10, 19.8 }, s2[] = { 0.7, 0.4 };
  static const double t3[] = { 25.1 }, s3[] = { 0.0 };
  static const double t4[] = { 31 }, s4[] = { 0.9 };
  CsChartKmGroup groups[] = {
    { .label = "I", .n = 30, .n_steps = 3, .time = t1, .survival = s1 },
    { .label = "II", .n = 25, .n_steps = 2, .time = t2, .survival = s2 },
    { .label = "III", .n = 10, .n_steps = 1, .time = t3, .survival = s3 },
    { .label = "IV", .n = 8, .n_steps = 1, .time = t4, .survival = s4 },
  };
  CsChartKmModel m = {
    .n_groups = 4, .groups = groups, .title = "Survival by stage group",
    .x_label = "Time (months)", .subtitle = "Log-rank p = 0.003",
  };
  g_autofree char *text = cs_chart_describe (CS_CHART_KM, &m, NULL);
  g_autofree char *other = NULL;

  g_assert_cmpstr (text, ==, "Survival by stage group: Kaplan–Meier curves of 4 groups; median survival in months: "
                             "I (n = 30) 14.2, II (n = 25) 19.8, III (n = 10) 25.1 and IV (n = 8) not reached; "
                             "Log-rank p = 0.003.");
  /* the caller's statistics win over the subtitle; no unit in the label */
  m.x_label = "Time";
  m.title = NULL;
  m.n_groups = 1;
  other = cs_chart_describe (CS_CHART_KM, &m, "Log-rank test undefined (one group)");
  g_assert_cmpstr (other, ==, "Kaplan–Meier curve of 1 group; median survival: I (n = 30) 14.2; "
                              "Log-rank test undefined (one group).");
}

static void
test_heatmap (void)
{
  static const double r[] = {
    0.10, -0.84, NAN,
    0.50, 0.20, 0.61,
  };
  static const double q[] = {
    0.6, 0.0031, NAN,
    0.04, 0.3, 0.01,
  };
  static const char * const rows[] = { "Volume", "Sphericity" };
  static const char * const cols[] = { "Age", "Grade", "Stage" };
  CsChartHeatmapModel m = {
    .n_rows = 2, .n_cols = 3, .r = r, .q = q, .row_labels = rows, .col_labels = cols,
    .effect_label = "ρ", .title = "Radiomics × clinical",
  };
  g_autofree char *text = cs_chart_describe (CS_CHART_HEATMAP, &m, NULL);
  g_autofree char *cell = cs_chart_heatmap_describe_cell (&m, 0, 1);
  g_autofree char *undefined = cs_chart_heatmap_describe_cell (&m, 0, 2);
  g_autofree char *no_q = NULL;

  g_assert_cmpstr (text, ==, "Radiomics × clinical: heat map of ρ between 2 rows and 3 columns; 3 cells with q < 0.05; "
                             "strongest: Volume × Grade: ρ = −0.84, q = 0.0031; Sphericity × Stage: ρ = 0.61, "
                             "q = 0.010; Sphericity × Age: ρ = 0.50, q = 0.040.");
  g_assert_cmpstr (cell, ==, "Volume × Grade: ρ = −0.84, q = 0.0031");
  g_assert_nonnull (strstr (undefined, "ρ undefined"));
  m.q = NULL;
  g_clear_pointer (&cell, g_free);
  cell = cs_chart_heatmap_describe_cell (&m, 1, 0);
  g_assert_cmpstr (cell, ==, "Sphericity × Age: ρ = 0.50");
  no_q = cs_chart_describe (CS_CHART_HEATMAP, &m, NULL);
  g_assert_null (strstr (no_q, "q < 0.05"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/charts/describe/scatter", test_scatter);
  g_test_add_func ("/charts/describe/box", test_box);
  g_test_add_func ("/charts/describe/histogram", test_histogram);
  g_test_add_func ("/charts/describe/bar", test_bar);
  g_test_add_func ("/charts/describe/bar-many", test_bar_many);
  g_test_add_func ("/charts/describe/km", test_km);
  g_test_add_func ("/charts/describe/heatmap", test_heatmap);

  return g_test_run ();
}
