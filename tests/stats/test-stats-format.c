/* test-stats-format.c: results as people read them (cs-stats-format.c)
 *
 * p rounded for reading in both styles, statistics and effect sizes with
 * their symbols, and the one-line summaries chart captions carry.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "cs-stats.h"

static void
check_p (double        p,
         CsStatsPStyle style,
         const char   *expected)
{
  g_autofree char *text = cs_stats_format_p (p, style);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_p_values (void)
{
  check_p (0.54, CS_STATS_P_EXACT, "p = 0.54");
  check_p (0.0321, CS_STATS_P_EXACT, "p = 0.032");
  check_p (0.05, CS_STATS_P_EXACT, "p = 0.050");
  check_p (0.0999, CS_STATS_P_EXACT, "p = 0.10");
  check_p (0.00123, CS_STATS_P_EXACT, "p = 0.0012");
  check_p (0.001, CS_STATS_P_THRESHOLD, "p = 0.0010");
  check_p (0.995, CS_STATS_P_EXACT, "p > 0.99");
  check_p (1.0, CS_STATS_P_THRESHOLD, "p > 0.99");
  check_p (2.2e-28, CS_STATS_P_EXACT, "p = 2.2 × 10⁻²⁸");
  check_p (9.96e-5, CS_STATS_P_EXACT, "p = 1.0 × 10⁻⁴");
  check_p (2.2e-28, CS_STATS_P_THRESHOLD, "p < 0.001");
  check_p (0.000999, CS_STATS_P_THRESHOLD, "p < 0.001");
  check_p (0.0, CS_STATS_P_EXACT, "p < 10⁻³⁰⁷");
  check_p (NAN, CS_STATS_P_EXACT, "p undefined");
  check_p (1.5, CS_STATS_P_EXACT, "p undefined");
}

static void
check_value (double      value,
             int         digits,
             const char *expected)
{
  g_autofree char *text = cs_stats_format_value (value, digits);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_values (void)
{
  check_value (0.8385, 2, "0.84");
  check_value (-0.031, 2, "−0.031");
  check_value (1234.0, 2, "1234");
  check_value (12.345, 3, "12.3");
  check_value (2.4e6, 2, "2.4 × 10⁶");
  check_value (-0.0001, 1, "−1 × 10⁻⁴");
  check_value (-0.0004, 1, "−4 × 10⁻⁴");
  check_value (0.00123, 2, "0.0012");
  check_value (0.0, 3, "0.00");
  check_value (-0.001, 1, "−0.001");
  check_value (NAN, 3, "undefined");
  check_value (-INFINITY, 3, "−∞");
}

static void
test_symbols (void)
{
  g_assert_cmpstr (cs_stats_effect_label ("epsilon_squared"), ==, "ε²");
  g_assert_cmpstr (cs_stats_effect_label ("rho"), ==, "ρ");
  g_assert_cmpstr (cs_stats_effect_label ("cramers_v"), ==, "Cramér’s V");
  g_assert_cmpstr (cs_stats_effect_label ("rank_biserial"), ==, "rank-biserial r");
  g_assert_cmpstr (cs_stats_effect_label ("r"), ==, "r");
  g_assert_null (cs_stats_effect_label (NULL));
  g_assert_cmpstr (cs_stats_statistic_label (CS_STATS_METHOD_SPEARMAN), ==, "Spearman ρ");
  g_assert_cmpstr (cs_stats_statistic_symbol (CS_STATS_METHOD_CHI2), ==, "χ²");
  g_assert_cmpstr (cs_stats_method_title (CS_STATS_METHOD_KRUSKAL), ==, "Kruskal–Wallis H test");
}

static void
test_summaries (void)
{
  CsStatsResult r;
  g_autofree char *spearman = NULL;
  g_autofree char *kruskal = NULL;
  g_autofree char *mwu = NULL;
  g_autofree char *undefined = NULL;
  g_autofree char *logrank = NULL;
  g_autofree char *logrank_none = NULL;
  double observed[2] = { 10, 20 }, expected[2] = { 15, 15 };
  CsLogrank lr = { 2, 380, 12.345, 1, 0.00044, observed, expected, 2 };

  cs_stats_result_init (&r, CS_STATS_METHOD_SPEARMAN);
  r.n = 97;
  r.statistic = r.effect = 0.83851;
  r.p_value = 3.1e-26;
  spearman = cs_stats_result_summary (&r, CS_STATS_P_THRESHOLD);
  g_assert_cmpstr (spearman, ==, "Spearman ρ = 0.84, n = 97, p < 0.001");

  cs_stats_result_init (&r, CS_STATS_METHOD_KRUSKAL);
  r.n = 380;
  r.statistic = 12.3456;
  r.df = 3;
  r.p_value = 0.00629;
  r.effect = 0.03257;
  kruskal = cs_stats_result_summary (&r, CS_STATS_P_EXACT);
  g_assert_cmpstr (kruskal, ==, "Kruskal–Wallis H = 12.3, df = 3, n = 380, p = 0.0063; ε² = 0.033");

  cs_stats_result_init (&r, CS_STATS_METHOD_MANNWHITNEY);
  r.n = 40;
  r.statistic = 150.5;
  r.p_value = 0.2;
  r.effect = -0.245;
  mwu = cs_stats_result_summary (&r, CS_STATS_P_EXACT);
  g_assert_cmpstr (mwu, ==, "Mann–Whitney U = 150.5, n = 40, p = 0.20; rank-biserial r = −0.24");

  cs_stats_result_init (&r, CS_STATS_METHOD_PEARSON);
  r.n = 2;
  undefined = cs_stats_result_summary (&r, CS_STATS_P_EXACT);
  g_assert_cmpstr (undefined, ==, "Pearson r undefined (n = 2)");

  logrank = cs_stats_logrank_summary (&lr, CS_STATS_P_EXACT);
  g_assert_cmpstr (logrank, ==, "Log-rank χ² = 12.3, df = 1, n = 380, p = 4.4 × 10⁻⁴");
  lr.chi2 = NAN;
  logrank_none = cs_stats_logrank_summary (&lr, CS_STATS_P_EXACT);
  g_assert_cmpstr (logrank_none, ==, "Log-rank test undefined (fewer than two groups with events)");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stats/format/p", test_p_values);
  g_test_add_func ("/stats/format/values", test_values);
  g_test_add_func ("/stats/format/symbols", test_symbols);
  g_test_add_func ("/stats/format/summaries", test_summaries);

  return g_test_run ();
}
