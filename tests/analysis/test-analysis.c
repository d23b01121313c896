/* test-analysis.c: rows, groups, survival splits and pair tests (cs-analysis.h)
 * on hand-made columns
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "analysis-test-util.h"
#include "cs-analysis.h"

/* ------------------------------------------------------------ fixtures */

static GArray *
all_rows (guint n)
{
  return cs_analysis_rows (n, NULL);
}

static void
assert_groups (const CsGroups *g,
               const gint32   *expected,
               guint           n)
{
  g_assert_cmpuint (g->n, ==, n);
  for (guint i = 0; i < n; i++)
    {
      if (g->group[i] != expected[i])
        g_test_message ("row %u: group %d, expected %d", i, g->group[i], expected[i]);
      g_assert_cmpint (g->group[i], ==, expected[i]);
    }
}

/* ---------------------------------------------------------------- rows */

static void
test_rows_bitset (void)
{
  g_autoptr(CsBitset) sel = cs_bitset_new (10);
  g_autoptr(CsBitset) other = cs_bitset_new (7);
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GArray) all = NULL;
  g_autoptr(GArray) none = NULL;
  const double v[10] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, NAN };
  g_autoptr(CsVariable) var = test_numeric_var ("v", v, 10);
  g_autofree double *col = NULL;

  cs_bitset_set (sel, 1);
  cs_bitset_set (sel, 4);
  cs_bitset_set (sel, 9);
  rows = cs_analysis_rows (10, sel);
  g_assert_cmpuint (rows->len, ==, 3);
  g_assert_cmpuint (g_array_index (rows, guint, 0), ==, 1);
  g_assert_cmpuint (g_array_index (rows, guint, 1), ==, 4);
  g_assert_cmpuint (g_array_index (rows, guint, 2), ==, 9);

  col = cs_analysis_column (var, rows);
  g_assert_cmpfloat (col[0], ==, 1);
  g_assert_cmpfloat (col[1], ==, 4);
  g_assert_true (isnan (col[2]));

  /* no selection, or a bitset of another store: every row */
  all = cs_analysis_rows (10, NULL);
  g_assert_cmpuint (all->len, ==, 10);
  g_clear_pointer (&all, g_array_unref);
  all = cs_analysis_rows (10, other);
  g_assert_cmpuint (all->len, ==, 10);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpuint (g_array_index (all, guint, i), ==, i);

  /* an empty selection is empty, not everything */
  cs_bitset_fill (sel, FALSE);
  none = cs_analysis_rows (10, sel);
  g_assert_cmpuint (none->len, ==, 0);
}

/* -------------------------------------------------------------- groups */

static void
test_groups_categorical (void)
{
  const char * const levels[] = { "I=Stage I", "II", "III=Stage III", "IV=Stage IV", NULL };
  /* level III never occurs; -1 is missing */
  const gint32 cat[8] = { 3, 0, -1, 1, 3, 0, -1, 1 };
  g_autoptr(CsVariable) var = test_categorical_var ("stage", levels, cat, 8);
  g_autoptr(GArray) rows = all_rows (8);
  g_autoptr(CsGroups) codes = cs_groups_new_from_variable (var, rows, CS_ANALYSIS_DEFAULT);
  g_autoptr(CsGroups) displays = cs_groups_new_from_variable (var, rows, CS_ANALYSIS_DISPLAY_LABELS);
  const gint32 expected[8] = { 2, 0, -1, 1, 2, 0, -1, 1 };
  double counts[3];

  g_assert_cmpuint (codes->n_groups, ==, 3);
  g_assert_cmpstr (codes->labels[0], ==, "I");
  g_assert_cmpstr (codes->labels[1], ==, "II");
  g_assert_cmpstr (codes->labels[2], ==, "IV");
  g_assert_null (codes->labels[3]);
  assert_groups (codes, expected, 8);

  /* display text where a level has one, else the code */
  g_assert_cmpstr (displays->labels[0], ==, "Stage I");
  g_assert_cmpstr (displays->labels[1], ==, "II");
  g_assert_cmpstr (displays->labels[2], ==, "Stage IV");
  assert_groups (displays, expected, 8);

  cs_groups_count (codes, NULL, counts);
  g_assert_cmpfloat (counts[0], ==, 2);
  g_assert_cmpfloat (counts[1], ==, 2);
  g_assert_cmpfloat (counts[2], ==, 2);
  {
    const guint8 mask[8] = { 1, 1, 1, 0, 0, 0, 0, 0 };

    cs_groups_count (codes, mask, counts);
    g_assert_cmpfloat (counts[0], ==, 1);
    g_assert_cmpfloat (counts[1], ==, 0);
    g_assert_cmpfloat (counts[2], ==, 1);
  }
}

static void
test_groups_selection_and_missing (void)
{
  const char * const levels[] = { "a", "b", "c", NULL };
  const gint32 cat[6] = { 0, 1, 2, 1, -1, 0 };
  g_autoptr(CsVariable) var = test_categorical_var ("g", levels, cat, 6);
  g_autoptr(CsBitset) sel = cs_bitset_new (6);
  g_autoptr(GArray) rows = NULL;
  g_autoptr(CsGroups) g = NULL;
  g_autoptr(GArray) empty = NULL;
  g_autoptr(CsGroups) none = NULL;

  /* rows 1, 3, 4: only "b" occurs among them, and a missing value */
  cs_bitset_set (sel, 1);
  cs_bitset_set (sel, 3);
  cs_bitset_set (sel, 4);
  rows = cs_analysis_rows (6, sel);
  g = cs_groups_new_from_variable (var, rows, CS_ANALYSIS_DEFAULT);
  g_assert_cmpuint (g->n_groups, ==, 1);
  g_assert_cmpstr (g->labels[0], ==, "b");
  {
    const gint32 expected[3] = { 0, 0, -1 };

    assert_groups (g, expected, 3);
  }

  /* no rows: no groups */
  cs_bitset_fill (sel, FALSE);
  empty = cs_analysis_rows (6, sel);
  none = cs_groups_new_from_variable (var, empty, CS_ANALYSIS_DEFAULT);
  g_assert_cmpuint (none->n_groups, ==, 0);
  g_assert_null (none->labels[0]);
}

static void
test_groups_boolean_numeric (void)
{
  const double b[5] = { 1, NAN, 1, 1, 1 };
  const double x[7] = { 2.5, NAN, -1, 2.5, 10, -1, 0.1 };
  g_autoptr(CsVariable) bv = test_boolean_var ("flag", b, 5);
  g_autoptr(CsVariable) xv = test_numeric_var ("x", x, 7);
  g_autoptr(GArray) rows5 = all_rows (5);
  g_autoptr(GArray) rows7 = all_rows (7);
  g_autoptr(CsGroups) bg = cs_groups_new_from_variable (bv, rows5, CS_ANALYSIS_DEFAULT);
  g_autoptr(CsGroups) xg = cs_groups_new_from_variable (xv, rows7, CS_ANALYSIS_DEFAULT);

  /* false never occurs */
  g_assert_cmpuint (bg->n_groups, ==, 1);
  g_assert_cmpstr (bg->labels[0], ==, "true");
  {
    const gint32 expected[5] = { 0, -1, 0, 0, 0 };

    assert_groups (bg, expected, 5);
  }

  /* distinct values ascending, printed as `table` does */
  g_assert_cmpuint (xg->n_groups, ==, 4);
  g_assert_cmpstr (xg->labels[0], ==, "-1");
  g_assert_cmpstr (xg->labels[1], ==, "0.1");
  g_assert_cmpstr (xg->labels[2], ==, "2.5");
  g_assert_cmpstr (xg->labels[3], ==, "10");
  {
    const gint32 expected[7] = { 2, -1, 0, 2, 3, 0, 1 };

    assert_groups (xg, expected, 7);
  }
}

static void
test_groups_restrict_collect (void)
{
  const char * const levels[] = { "a", "b", "c", NULL };
  const gint32 cat[6] = { 0, 1, 2, 1, 2, 0 };
  const double v[6] = { 1, NAN, 3, NAN, 5, 6 };
  g_autoptr(CsVariable) var = test_categorical_var ("g", levels, cat, 6);
  g_autoptr(GArray) rows = all_rows (6);
  g_autoptr(CsGroups) g = cs_groups_new_from_variable (var, rows, CS_ANALYSIS_DEFAULT);
  double **per_group = NULL;
  g_autofree guint *counts = NULL;

  g_assert_cmpuint (g->n_groups, ==, 3);
  /* "b" has no value left: dropped, "c" becomes group 1 */
  cs_groups_restrict (g, v);
  g_assert_cmpuint (g->n_groups, ==, 2);
  g_assert_cmpstr (g->labels[0], ==, "a");
  g_assert_cmpstr (g->labels[1], ==, "c");
  g_assert_null (g->labels[2]);
  {
    const gint32 expected[6] = { 0, -1, 1, -1, 1, 0 };

    assert_groups (g, expected, 6);
  }

  cs_groups_collect (g, v, &per_group, &counts);
  g_assert_cmpuint (counts[0], ==, 2);
  g_assert_cmpuint (counts[1], ==, 2);
  g_assert_cmpfloat (per_group[0][0], ==, 1);
  g_assert_cmpfloat (per_group[0][1], ==, 6);
  g_assert_cmpfloat (per_group[1][0], ==, 3);
  g_assert_cmpfloat (per_group[1][1], ==, 5);
  cs_groups_free_values (per_group, g->n_groups);
}

/* -------------------------------------------------------------- splits */

static void
test_split_parse (void)
{
  const char *bad[] = { "", "Median", "1x", "inf", "nan", "1e999", "3 ", NULL };
  g_autoptr(GError) error = NULL;
  CsSplit split;

  g_assert_true (cs_split_parse ("median", &split, &error));
  g_assert_cmpint (split.rule, ==, CS_SPLIT_MEDIAN);
  g_assert_true (cs_split_parse ("tertiles", &split, &error));
  g_assert_cmpint (split.rule, ==, CS_SPLIT_TERTILES);
  g_assert_true (cs_split_parse ("-2.5e1", &split, &error));
  g_assert_cmpint (split.rule, ==, CS_SPLIT_CUT);
  g_assert_cmpfloat (split.cut, ==, -25);
  g_assert_no_error (error);

  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_assert_false (cs_split_parse (bad[i], &split, &error));
      g_assert_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_SPLIT);
      g_clear_error (&error);
    }
  g_assert_false (cs_split_parse (NULL, &split, &error));
  g_assert_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_SPLIT);
}

static void
test_split_median_ties (void)
{
  /* median 3 (odd n); the two 3s are tied at the cut and go to the lower group */
  const double x[6] = { 5, 3, 1, 3, NAN, 4 };
  CsSplit split = { CS_SPLIT_MEDIAN, NAN };
  double cuts[2];
  g_autoptr(CsGroups) g = NULL;

  g_assert_cmpuint (cs_split_cuts (&split, x, NULL, 6, cuts), ==, 1);
  g_assert_cmpfloat (cuts[0], ==, 3);
  g = cs_groups_new_from_cuts (x, 6, cuts, 1, CS_ANALYSIS_DEFAULT);
  g_assert_cmpuint (g->n_groups, ==, 2);
  g_assert_cmpstr (g->labels[0], ==, "<= 3");
  g_assert_cmpstr (g->labels[1], ==, "> 3");
  {
    const gint32 expected[6] = { 1, 0, 0, 0, -1, 1 };

    assert_groups (g, expected, 6);
  }

  /* even n: the mean of the middle two (R type 7), printed shortest */
  {
    const double y[4] = { 0.1, 0.2, 0.4, 1 };

    g_assert_cmpuint (cs_split_cuts (&split, y, NULL, 4, cuts), ==, 1);
    g_assert_cmpfloat_with_epsilon (cuts[0], 0.3, 1e-12);
  }
}

static void
test_split_tertiles (void)
{
  /* 1..7: type-7 tertiles at 3 and 5 */
  const double x[8] = { 7, 1, 2, 3, 4, 5, 6, NAN };
  CsSplit split = { CS_SPLIT_TERTILES, NAN };
  double cuts[2];
  g_autoptr(CsGroups) g = NULL;
  g_autoptr(CsGroups) u = NULL;

  g_assert_cmpuint (cs_split_cuts (&split, x, NULL, 8, cuts), ==, 2);
  g_assert_cmpfloat (cuts[0], ==, 3);
  g_assert_cmpfloat (cuts[1], ==, 5);
  g = cs_groups_new_from_cuts (x, 8, cuts, 2, CS_ANALYSIS_DEFAULT);
  g_assert_cmpstr (g->labels[0], ==, "<= 3");
  g_assert_cmpstr (g->labels[1], ==, "(3, 5]");
  g_assert_cmpstr (g->labels[2], ==, "> 5");
  {
    const gint32 expected[8] = { 2, 0, 0, 0, 1, 1, 2, -1 };

    assert_groups (g, expected, 8);
  }
  u = cs_groups_new_from_cuts (x, 8, cuts, 2, CS_ANALYSIS_UNICODE_LABELS);
  g_assert_cmpstr (u->labels[0], ==, "≤ 3");

  /* 1..4: interpolated, 1 + 3·(1/3) = 2 and 1 + 3·(2/3) = 3 */
  {
    const double y[4] = { 4, 3, 2, 1 };

    cs_split_cuts (&split, y, NULL, 4, cuts);
    g_assert_cmpfloat_with_epsilon (cuts[0], 2, 1e-12);
    g_assert_cmpfloat_with_epsilon (cuts[1], 3, 1e-12);
  }
}

static void
test_split_all_equal_and_cut (void)
{
  const double x[5] = { 2, 2, 2, NAN, 2 };
  CsSplit tertiles = { CS_SPLIT_TERTILES, NAN };
  CsSplit median = { CS_SPLIT_MEDIAN, NAN };
  CsSplit cut = { CS_SPLIT_CUT, 2 };
  double cuts[2];
  g_autoptr(CsGroups) g = NULL;
  g_autoptr(CsGroups) m = NULL;

  /* every value equal: both tertiles at the value, everybody in the first group */
  g_assert_cmpuint (cs_split_cuts (&tertiles, x, NULL, 5, cuts), ==, 2);
  g_assert_cmpfloat (cuts[0], ==, 2);
  g_assert_cmpfloat (cuts[1], ==, 2);
  g = cs_groups_new_from_cuts (x, 5, cuts, 2, CS_ANALYSIS_DEFAULT);
  g_assert_cmpuint (g->n_groups, ==, 3);
  g_assert_cmpstr (g->labels[1], ==, "(2, 2]");
  {
    const gint32 expected[5] = { 0, 0, 0, -1, 0 };

    assert_groups (g, expected, 5);
  }
  g_assert_cmpuint (cs_split_cuts (&median, x, NULL, 5, cuts), ==, 1);
  m = cs_groups_new_from_cuts (x, 5, cuts, 1, CS_ANALYSIS_DEFAULT);
  g_assert_cmpuint (m->group[0], ==, 0);

  /* a typed cut does not look at the values */
  g_assert_cmpuint (cs_split_cuts (&cut, x, NULL, 0, cuts), ==, 1);
  g_assert_cmpfloat (cuts[0], ==, 2);

  /* only the rows that are used (survival time present) count for quantiles */
  {
    const double y[4] = { 1, 2, 100, 200 };
    const double use[4] = { 5, 5, NAN, NAN };

    cs_split_cuts (&median, y, use, 4, cuts);
    g_assert_cmpfloat (cuts[0], ==, 1.5);
    /* none used: no cut */
    {
      const double nothing[4] = { NAN, NAN, NAN, NAN };

      g_assert_cmpuint (cs_split_cuts (&median, y, nothing, 4, cuts), ==, 0);
      g_assert_cmpuint (cs_split_cuts (&tertiles, nothing, NULL, 4, cuts), ==, 0);
    }
  }
}

/* ------------------------------------------------------------ survival */

static void
test_survival_input (void)
{
  const double time[8] = { 10, 20, NAN, 40, 50, 60, 70, 80 };
  const guint8 event[8] = { 1, 0, 1, 1, 0, 1, 1, 0 };
  const double age[8] = { 50, 60, 70, 80, NAN, 40, 60, 65 };
  const char * const levels[] = { "f", "m", NULL };
  const gint32 sex[8] = { 0, 1, 0, -1, 1, 0, 1, 1 };
  g_autoptr(CsVariable) os = test_survival_var ("os", time, event, 8);
  g_autoptr(CsVariable) av = test_numeric_var ("age", age, 8);
  g_autoptr(CsVariable) sv = test_categorical_var ("sex", levels, sex, 8);
  g_autoptr(CsBitset) sel = cs_bitset_new_full (8);
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  CsSurvivalInput *in = NULL;

  cs_bitset_clear (sel, 7);
  rows = cs_analysis_rows (8, sel);

  /* no grouping */
  g_assert_true (cs_survival_input_build (NULL, rows, os, NULL, NULL, NULL, "all", CS_ANALYSIS_STRICT, &in, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (in->n, ==, 7);
  g_assert_cmpuint (in->groups->n_groups, ==, 1);
  g_assert_cmpstr (in->groups->labels[0], ==, "all");
  g_assert_null (in->x);
  g_assert_true (isnan (in->time[2]));
  g_assert_cmpuint (in->event[0], ==, 1);
  g_clear_pointer (&in, cs_survival_input_free);

  /* by a categorical variable: a missing group leaves the row out */
  g_assert_true (cs_survival_input_build (NULL, rows, os, NULL, sv, NULL, "all", CS_ANALYSIS_DEFAULT, &in, &error));
  g_assert_cmpuint (in->groups->n_groups, ==, 2);
  g_assert_null (in->x);
  g_assert_true (isnan (in->time[3]));
  g_assert_cmpfloat (in->time[4], ==, 50);
  g_clear_pointer (&in, cs_survival_input_free);

  /* split at the median of age over the rows with a time: rows 0, 1, 3, 5, 6
   * (row 2 has no time, row 4 no age) → 50 60 80 40 60 → median 60 */
  g_assert_true (cs_survival_input_build (NULL, rows, os, NULL, av, "median", "all", CS_ANALYSIS_UNICODE_LABELS, &in, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (in->n_cuts, ==, 1);
  g_assert_cmpfloat (in->cuts[0], ==, 60);
  g_assert_cmpstr (in->groups->labels[0], ==, "≤ 60");
  g_assert_nonnull (in->x);
  g_assert_cmpint (in->groups->group[1], ==, 0);    /* 60, tied at the cut: lower group */
  g_assert_cmpint (in->groups->group[3], ==, 1);
  g_assert_cmpint (in->groups->group[4], ==, -1);
  g_assert_true (isnan (in->time[4]));
  g_clear_pointer (&in, cs_survival_input_free);

  /* a typed cut, and errors */
  g_assert_true (cs_survival_input_build (NULL, rows, os, NULL, av, "65", "all", CS_ANALYSIS_DEFAULT, &in, &error));
  g_assert_cmpstr (in->groups->labels[1], ==, "> 65");
  g_clear_pointer (&in, cs_survival_input_free);
  g_assert_false (cs_survival_input_build (NULL, rows, os, NULL, av, "half", "all", CS_ANALYSIS_DEFAULT, &in, &error));
  g_assert_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_SPLIT);
  g_clear_error (&error);
  g_clear_pointer (&in, cs_survival_input_free);
  {
    g_autoptr(CsBitset) one = cs_bitset_new (8);
    g_autoptr(GArray) only_missing = NULL;

    cs_bitset_set (one, 4);   /* a time but no age */
    cs_bitset_set (one, 2);   /* an age but no time */
    only_missing = cs_analysis_rows (8, one);
    g_assert_false (cs_survival_input_build (NULL, only_missing, os, NULL, av, "tertiles", "all",
                                             CS_ANALYSIS_DEFAULT, &in, &error));
    g_assert_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_NO_VALUES);
    g_clear_error (&error);
    g_clear_pointer (&in, cs_survival_input_free);
  }
}

static void
test_survival_input_events (void)
{
  const double time[4] = { 10, -5, 30, 40 };
  const double ev[4] = { 1, 0, 2, NAN };
  g_autoptr(CsVariable) tv = test_numeric_var ("t", time, 4);
  g_autoptr(CsVariable) evar = test_numeric_var ("e", ev, 4);
  g_autoptr(GArray) rows = all_rows (4);
  g_autoptr(GError) error = NULL;
  CsSurvivalInput *in = NULL;

  /* strict: the first problem is an error naming the row */
  g_assert_false (cs_survival_input_build (NULL, rows, tv, evar, NULL, NULL, "all", CS_ANALYSIS_STRICT, &in, &error));
  g_assert_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_NEGATIVE_TIME);
  g_assert_cmpuint (in->bad_row, ==, 1);
  g_clear_error (&error);
  g_clear_pointer (&in, cs_survival_input_free);
  {
    g_autoptr(CsBitset) sel = cs_bitset_new_full (4);
    g_autoptr(GArray) some = NULL;

    cs_bitset_clear (sel, 1);
    some = cs_analysis_rows (4, sel);
    g_assert_false (cs_survival_input_build (NULL, some, tv, evar, NULL, NULL, "all", CS_ANALYSIS_STRICT, &in, &error));
    g_assert_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_EVENT);
    g_assert_cmpuint (in->bad_row, ==, 2);
    g_assert_cmpfloat (in->bad_value, ==, 2);
    g_clear_error (&error);
    g_clear_pointer (&in, cs_survival_input_free);
  }

  /* lenient: such rows are left out; a missing event too */
  g_assert_true (cs_survival_input_build (NULL, rows, tv, evar, NULL, NULL, "all", CS_ANALYSIS_DEFAULT, &in, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (in->time[0], ==, 10);
  g_assert_true (isnan (in->time[1]));
  g_assert_true (isnan (in->time[2]));
  g_assert_true (isnan (in->time[3]));
  g_clear_pointer (&in, cs_survival_input_free);

  /* a plain numeric time without an event variable has no event status */
  g_assert_true (cs_survival_input_build (NULL, rows, tv, NULL, NULL, NULL, "all", CS_ANALYSIS_DEFAULT, &in, &error));
  for (guint i = 0; i < 4; i++)
    g_assert_true (isnan (in->time[i]));
  g_clear_pointer (&in, cs_survival_input_free);
}

/* ---------------------------------------------------------- pair tests */

static void
test_pair_tests (void)
{
  const double a[8] = { 1, 2, 3, 4, 5, 6, NAN, 8 };
  const double b[8] = { 2, 1, 4, 3, 6, 5, 7, NAN };
  const char * const levels[] = { "x", "y", "z", NULL };
  const gint32 cat[8] = { 0, 0, 0, 1, 1, 1, 2, 2 };   /* z only where a is missing or set */
  const gint32 cat2[8] = { 0, 1, 0, 1, 0, 1, 0, -1 };
  g_autoptr(CsVariable) av = test_numeric_var ("a", a, 8);
  g_autoptr(CsVariable) bv = test_numeric_var ("b", b, 8);
  g_autoptr(CsVariable) cv = test_categorical_var ("c", levels, cat, 8);
  g_autoptr(CsVariable) dv = test_categorical_var ("d", levels, cat2, 8);
  g_autoptr(GArray) rows = all_rows (8);
  g_autoptr(GError) error = NULL;
  const CsVariable *num, *grp;

  cs_analysis_pair_roles (cv, av, &num, &grp);
  g_assert_true (num == av && grp == cv);
  cs_analysis_pair_roles (av, bv, &num, &grp);
  g_assert_null (num);
  g_assert_cmpint (cs_analysis_default_method (av, bv), ==, CS_STATS_METHOD_SPEARMAN);
  g_assert_cmpint (cs_analysis_default_method (cv, av), ==, CS_STATS_METHOD_MANNWHITNEY);
  g_assert_cmpint (cs_analysis_default_method (cv, dv), ==, CS_STATS_METHOD_CHI2);

  /* Spearman over the complete pairs */
  {
    g_auto(CsAnalysisTest) t = { 0 };
    CsStatsResult expected;
    const double ca[6] = { 1, 2, 3, 4, 5, 6 }, cb[6] = { 2, 1, 4, 3, 6, 5 };

    g_assert_true (cs_analysis_run_test (rows, av, bv, CS_STATS_METHOD_SPEARMAN, FALSE, 0, &t, &error));
    cs_stats_spearman (ca, cb, 6, &expected);
    g_assert_cmpuint (t.result.n, ==, 6);
    g_assert_cmpfloat (t.result.statistic, ==, expected.statistic);
  }

  /* Mann–Whitney: z only has a row with a value (row 7: 8): three groups →
   * Kruskal–Wallis when not asked for, an error when asked for */
  {
    g_auto(CsAnalysisTest) t = { 0 };

    g_assert_true (cs_analysis_run_test (rows, cv, av, CS_STATS_METHOD_MANNWHITNEY, FALSE, 0, &t, &error));
    g_assert_cmpint (t.result.method, ==, CS_STATS_METHOD_KRUSKAL);
    g_assert_true (t.num == av && t.grp == cv);
    g_assert_cmpuint (t.groups->n_groups, ==, 3);
  }
  {
    g_auto(CsAnalysisTest) t = { 0 };

    g_assert_false (cs_analysis_run_test (rows, cv, av, CS_STATS_METHOD_MANNWHITNEY, TRUE, 0, &t, &error));
    g_assert_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_GROUPS);
    g_assert_cmpuint (t.groups->n_groups, ==, 3);
    g_clear_error (&error);
  }
  /* with b, z's rows (6: 7, 7: missing) leave one value: still three groups;
   * restricted to rows 0–5 only x and y remain → Mann–Whitney */
  {
    g_auto(CsAnalysisTest) t = { 0 };
    g_autoptr(CsBitset) sel = cs_bitset_new (8);
    g_autoptr(GArray) some = NULL;

    for (guint i = 0; i < 6; i++)
      cs_bitset_set (sel, i);
    some = cs_analysis_rows (8, sel);
    g_assert_true (cs_analysis_run_test (some, bv, cv, CS_STATS_METHOD_MANNWHITNEY, TRUE, 0, &t, &error));
    g_assert_cmpint (t.result.method, ==, CS_STATS_METHOD_MANNWHITNEY);
    g_assert_cmpuint (t.groups->n_groups, ==, 2);
    g_assert_cmpuint (t.result.n, ==, 6);
  }

  /* types that do not fit */
  {
    g_auto(CsAnalysisTest) t = { 0 };

    g_assert_false (cs_analysis_run_test (rows, av, cv, CS_STATS_METHOD_PEARSON, TRUE, 0, &t, &error));
    g_assert_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_TYPES);
    g_clear_error (&error);
    g_assert_false (cs_analysis_run_test (rows, av, bv, CS_STATS_METHOD_KRUSKAL, TRUE, 0, &t, &error));
    g_assert_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_TYPES);
    g_clear_error (&error);
    g_assert_false (cs_analysis_run_test (rows, av, cv, CS_STATS_METHOD_CHI2, TRUE, 0, &t, &error));
    g_assert_error (error, CS_ANALYSIS_ERROR, CS_ANALYSIS_ERROR_TYPES);
    g_clear_error (&error);
  }

  /* χ² of two categorical variables over the rows with both */
  {
    g_auto(CsAnalysisTest) t = { 0 };

    g_assert_true (cs_analysis_run_test (rows, cv, dv, CS_STATS_METHOD_CHI2, TRUE, 0, &t, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (t.result.n, ==, 7);
    g_assert_cmpuint (t.x_groups->n_groups, ==, 3);
    g_assert_cmpuint (t.y_groups->n_groups, ==, 2);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/analysis/rows/bitset", test_rows_bitset);
  g_test_add_func ("/analysis/groups/categorical", test_groups_categorical);
  g_test_add_func ("/analysis/groups/selection-missing", test_groups_selection_and_missing);
  g_test_add_func ("/analysis/groups/boolean-numeric", test_groups_boolean_numeric);
  g_test_add_func ("/analysis/groups/restrict-collect", test_groups_restrict_collect);
  g_test_add_func ("/analysis/split/parse", test_split_parse);
  g_test_add_func ("/analysis/split/median-ties", test_split_median_ties);
  g_test_add_func ("/analysis/split/tertiles", test_split_tertiles);
  g_test_add_func ("/analysis/split/all-equal-and-cut", test_split_all_equal_and_cut);
  g_test_add_func ("/analysis/survival/input", test_survival_input);
  g_test_add_func ("/analysis/survival/events", test_survival_input_events);
  g_test_add_func ("/analysis/tests/pair", test_pair_tests);

  return g_test_run ();
}
