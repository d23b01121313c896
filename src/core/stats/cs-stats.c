/* cs-stats.c: association tests and Benjamini–Hochberg
 *
 * Each test follows the reference named in cs-stats.h; the formulas are in
 * docs/STATISTICS.md.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cs-stats-private.h"

/* qnorm(0.975) */
#define Z_975 1.959963984540054

G_DEFINE_QUARK (cs-stats-error-quark, cs_stats_error)

static const char *method_names[] = {
  [CS_STATS_METHOD_PEARSON] = "pearson",
  [CS_STATS_METHOD_SPEARMAN] = "spearman",
  [CS_STATS_METHOD_MANNWHITNEY] = "mannwhitney",
  [CS_STATS_METHOD_KRUSKAL] = "kruskal",
  [CS_STATS_METHOD_CHI2] = "chi2",
};

const char *
cs_stats_method_to_string (CsStatsMethod method)
{
  if ((guint) method < G_N_ELEMENTS (method_names))
    return method_names[method];
  return "unknown";
}

gboolean
cs_stats_method_from_string (const char    *str,
                             CsStatsMethod *method)
{
  g_return_val_if_fail (method != NULL, FALSE);

  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (method_names); i++)
    {
      if (g_ascii_strcasecmp (str, method_names[i]) == 0)
        {
          *method = (CsStatsMethod) i;
          return TRUE;
        }
    }

  return FALSE;
}

void
cs_stats_result_init (CsStatsResult *result,
                      CsStatsMethod  method)
{
  static const char *effect_names[] = {
    [CS_STATS_METHOD_PEARSON] = "r",
    [CS_STATS_METHOD_SPEARMAN] = "rho",
    [CS_STATS_METHOD_MANNWHITNEY] = "rank_biserial",
    [CS_STATS_METHOD_KRUSKAL] = "epsilon_squared",
    [CS_STATS_METHOD_CHI2] = "cramers_v",
  };

  g_return_if_fail (result != NULL);

  result->method = method;
  result->n = 0;
  result->n_groups = 0;
  result->n_cols = 0;
  result->statistic = NAN;
  result->p_value = NAN;
  result->df = NAN;
  result->r = NAN;
  result->ci_low = NAN;
  result->ci_high = NAN;
  result->effect = NAN;
  result->effect_name = (guint) method < G_N_ELEMENTS (effect_names) ? effect_names[method] : NULL;
}

/* ---- Ranks ------------------------------------------------------------- */

static inline gboolean
item_less (const CsSortItem *a,
           const CsSortItem *b)
{
  return a->value < b->value || (a->value == b->value && a->row < b->row);
}

static inline void
item_swap (CsSortItem *a,
           CsSortItem *b)
{
  CsSortItem t = *a;

  *a = *b;
  *b = t;
}

void
cs_stats_sort_items (CsSortItem *items,
                     gsize       n)
{
  /* iterative quicksort, median of three, insertion sort below 16;
   * recursing into the smaller part bounds the stack by log2(n) */
  gsize lo_stack[64], hi_stack[64];
  guint depth = 0;
  gsize lo = 0, hi = n;

  for (;;)
    {
      while (hi - lo > 16)
        {
          gsize mid = lo + (hi - lo) / 2;
          gsize i, j;
          CsSortItem pivot;

          if (item_less (&items[mid], &items[lo]))
            item_swap (&items[mid], &items[lo]);
          if (item_less (&items[hi - 1], &items[lo]))
            item_swap (&items[hi - 1], &items[lo]);
          if (item_less (&items[hi - 1], &items[mid]))
            item_swap (&items[hi - 1], &items[mid]);
          pivot = items[mid];

          i = lo;
          j = hi - 1;
          for (;;)
            {
              while (item_less (&items[i], &pivot))
                i++;
              while (item_less (&pivot, &items[j]))
                j--;
              if (i >= j)
                break;
              item_swap (&items[i], &items[j]);
              i++;
              j--;
            }
          /* [lo, j] ≤ pivot ≤ [j + 1, hi) */
          if (j + 1 - lo < hi - (j + 1))
            {
              lo_stack[depth] = j + 1;
              hi_stack[depth] = hi;
              depth++;
              hi = j + 1;
            }
          else
            {
              lo_stack[depth] = lo;
              hi_stack[depth] = j + 1;
              depth++;
              lo = j + 1;
            }
        }

      for (gsize i = lo + 1; i < hi; i++)
        {
          CsSortItem v = items[i];
          gsize k = i;

          while (k > lo && item_less (&v, &items[k - 1]))
            {
              items[k] = items[k - 1];
              k--;
            }
          items[k] = v;
        }

      if (depth == 0)
        break;
      depth--;
      lo = lo_stack[depth];
      hi = hi_stack[depth];
    }
}

double
cs_stats_rank (const double *x,
               gsize         n,
               double       *ranks)
{
  g_autofree CsSortItem *items = NULL;
  gsize m = 0;
  double tie_term = 0;

  g_return_val_if_fail (n <= G_MAXUINT32, NAN);

  items = g_new (CsSortItem, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    {
      if (isnan (x[i]))
        ranks[i] = NAN;
      else
        {
          items[m].value = x[i];
          items[m].row = (guint32) i;
          m++;
        }
    }

  cs_stats_sort_items (items, m);

  for (gsize i = 0; i < m;)
    {
      gsize j = i + 1;
      double avg;

      while (j < m && items[j].value == items[i].value)
        j++;
      /* positions i..j-1 (0-based) share the rank ((i+1) + j) / 2 */
      avg = 0.5 * (double) (i + 1 + j);
      for (gsize k = i; k < j; k++)
        ranks[items[k].row] = avg;
      if (j - i > 1)
        {
          double t = (double) (j - i);

          tie_term += t * t * t - t;
        }
      i = j;
    }

  return tie_term;
}

/* ---- Pearson and Spearman ---------------------------------------------- */

static void
fisher_ci (double  r,
           guint   n,
           double *low,
           double *high)
{
  double zr, se;

  if (n < 4 || isnan (r))
    {
      *low = *high = NAN;
      return;
    }

  zr = atanh (r);
  se = 1.0 / sqrt ((double) n - 3.0);
  *low = tanh (zr - Z_975 * se);
  *high = tanh (zr + Z_975 * se);
}

/* r of two complete columns as scipy.stats.pearsonr (centred, normalised
 * dot product clipped to [-1, 1]); NAN when either column is constant. */
double
cs_stats_pearson_r_complete (const double *x,
                             const double *y,
                             gsize         n)
{
  double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
  gboolean x_const = TRUE, y_const = TRUE;
  double r;

  for (gsize i = 0; i < n; i++)
    {
      mx += x[i];
      my += y[i];
      if (x[i] != x[0])
        x_const = FALSE;
      if (y[i] != y[0])
        y_const = FALSE;
    }
  if (x_const || y_const)
    return NAN;

  mx /= (double) n;
  my /= (double) n;

  for (gsize i = 0; i < n; i++)
    {
      double dx = x[i] - mx;
      double dy = y[i] - my;

      sxx += dx * dx;
      syy += dy * dy;
      sxy += dx * dy;
    }

  r = sxy / (sqrt (sxx) * sqrt (syy));
  return CLAMP (r, -1.0, 1.0);
}

/* Copies the complete pairs of x and y into cx, cy; returns their count. */
static gsize
complete_pairs (const double *x,
                const double *y,
                gsize         n,
                double       *cx,
                double       *cy)
{
  gsize m = 0;

  for (gsize i = 0; i < n; i++)
    {
      if (isnan (x[i]) || isnan (y[i]))
        continue;
      cx[m] = x[i];
      cy[m] = y[i];
      m++;
    }

  return m;
}

/* Pearson's two-sided p for r over n pairs, as scipy: 2 · sf of a
 * Beta(n/2 − 1, n/2 − 1) on [−1, 1] at |r|. */
double
cs_stats_pearson_p_value (double r,
                          gsize  n)
{
  double ab = (double) n / 2.0 - 1.0;
  double p;

  if (isnan (r) || n < 3)
    return NAN;
  if (fabs (r) >= 1.0)
    return 0.0;

  p = 2.0 * _cs_stats_beta_inc (ab, ab, 0.5 * (1.0 - fabs (r)));
  return CLAMP (p, 0.0, 1.0);
}

/* Spearman's p as scipy: t = ρ √(dof / ((ρ + 1)(1 − ρ))), p = 2 sf_t(|t|). */
double
cs_stats_spearman_p_value (double rho,
                           gsize  n)
{
  double dof = (double) n - 2.0;
  double denom, t;

  if (isnan (rho) || n < 3)
    return NAN;

  denom = (rho + 1.0) * (1.0 - rho);
  if (denom <= 0)
    return 0.0;
  t = rho * sqrt (MAX (dof / denom, 0.0));

  return CLAMP (2.0 * _cs_stats_t_sf (fabs (t), dof), 0.0, 1.0);
}

void
cs_stats_pearson (const double  *x,
                  const double  *y,
                  gsize          n,
                  CsStatsResult *result)
{
  g_autofree double *cx = NULL;
  g_autofree double *cy = NULL;
  gsize m;

  cs_stats_result_init (result, CS_STATS_METHOD_PEARSON);

  cx = g_new (double, MAX (n, 1));
  cy = g_new (double, MAX (n, 1));
  m = complete_pairs (x, y, n, cx, cy);
  result->n = m;
  if (m < 3)
    return;

  result->df = (double) m - 2.0;
  result->r = cs_stats_pearson_r_complete (cx, cy, m);
  if (isnan (result->r))
    return;

  result->statistic = result->r;
  result->effect = result->r;
  result->p_value = cs_stats_pearson_p_value (result->r, m);
  fisher_ci (result->r, m, &result->ci_low, &result->ci_high);
}

void
cs_stats_spearman (const double  *x,
                   const double  *y,
                   gsize          n,
                   CsStatsResult *result)
{
  g_autofree double *cx = NULL;
  g_autofree double *cy = NULL;
  g_autofree double *rx = NULL;
  g_autofree double *ry = NULL;
  gsize m;

  cs_stats_result_init (result, CS_STATS_METHOD_SPEARMAN);

  cx = g_new (double, MAX (n, 1));
  cy = g_new (double, MAX (n, 1));
  m = complete_pairs (x, y, n, cx, cy);
  result->n = m;
  if (m < 3)
    return;

  rx = g_new (double, m);
  ry = g_new (double, m);
  cs_stats_rank (cx, m, rx);
  cs_stats_rank (cy, m, ry);

  result->df = (double) m - 2.0;
  result->r = cs_stats_pearson_r_complete (rx, ry, m);
  if (isnan (result->r))
    return;

  result->statistic = result->r;
  result->effect = result->r;
  result->p_value = cs_stats_spearman_p_value (result->r, m);
  fisher_ci (result->r, m, &result->ci_low, &result->ci_high);
}

/* ---- Mann–Whitney and Kruskal–Wallis ------------------------------------ */

void
cs_stats_mann_whitney (const double  *x,
                       gsize          n_x,
                       const double  *y,
                       gsize          n_y,
                       CsStatsResult *result)
{
  g_autofree double *all = NULL;
  g_autofree double *ranks = NULL;
  gsize n1 = 0, n2 = 0, n;
  double tie_term, r1 = 0, u1, u2, u, mu, s, z, p;

  cs_stats_result_init (result, CS_STATS_METHOD_MANNWHITNEY);

  all = g_new (double, MAX (n_x + n_y, 1));
  for (gsize i = 0; i < n_x; i++)
    if (!isnan (x[i]))
      all[n1++] = x[i];
  for (gsize i = 0; i < n_y; i++)
    if (!isnan (y[i]))
      all[n1 + n2++] = y[i];

  n = n1 + n2;
  result->n = n;
  result->n_groups = (n1 > 0) + (n2 > 0);
  if (n1 == 0 || n2 == 0 || n < 3)
    return;

  ranks = g_new (double, n);
  tie_term = cs_stats_rank (all, n, ranks);
  for (gsize i = 0; i < n1; i++)
    r1 += ranks[i];

  u1 = r1 - (double) n1 * ((double) n1 + 1.0) / 2.0;
  u2 = (double) n1 * (double) n2 - u1;
  u = MAX (u1, u2);
  mu = (double) n1 * (double) n2 / 2.0;
  s = sqrt ((double) n1 * (double) n2 / 12.0
            * (((double) n + 1.0) - tie_term / ((double) n * ((double) n - 1.0))));

  result->statistic = u1;
  result->effect = 2.0 * u1 / ((double) n1 * (double) n2) - 1.0;

  /* All values tied: no information, undefined (scipy would say p = 1). */
  if (!(s > 0))
    return;

  z = (u - mu - 0.5) / s;
  p = 2.0 * _cs_stats_normal_sf (z);
  result->p_value = CLAMP (p, 0.0, 1.0);
}

/* Compacts group levels: returns the number of distinct groups present
 * among rows with a value, fills dense[] with 0..k-1 (or -1). Dense indices
 * follow ascending level order. */
static guint
dense_groups (const double *values,
              const gint32 *group,
              gsize         n,
              gint32       *dense)
{
  gint32 max_level = -1;
  g_autofree gint32 *map = NULL;
  guint k = 0;

  for (gsize i = 0; i < n; i++)
    if (group[i] > max_level && (values == NULL || !isnan (values[i])))
      max_level = group[i];
  if (max_level < 0)
    {
      for (gsize i = 0; i < n; i++)
        dense[i] = -1;
      return 0;
    }

  map = g_new (gint32, (gsize) max_level + 1);
  for (gint32 l = 0; l <= max_level; l++)
    map[l] = -1;
  for (gsize i = 0; i < n; i++)
    if (group[i] >= 0 && (values == NULL || !isnan (values[i])))
      map[group[i]] = 0;
  for (gint32 l = 0; l <= max_level; l++)
    if (map[l] == 0)
      map[l] = (gint32) k++;

  for (gsize i = 0; i < n; i++)
    {
      if (group[i] < 0 || group[i] > max_level || (values != NULL && isnan (values[i])))
        dense[i] = -1;
      else
        dense[i] = map[group[i]];
    }

  return k;
}

void
cs_stats_kruskal (const double  *values,
                  const gint32  *group,
                  gsize          n,
                  CsStatsResult *result)
{
  g_autofree gint32 *dense = NULL;
  g_autofree double *v = NULL;
  g_autofree gint32 *g = NULL;
  g_autofree double *ranks = NULL;
  g_autofree double *rank_sum = NULL;
  g_autofree gsize *count = NULL;
  gsize m = 0;
  guint k;
  double tie_term, ties, ssbn = 0, h, nn;

  cs_stats_result_init (result, CS_STATS_METHOD_KRUSKAL);

  dense = g_new (gint32, MAX (n, 1));
  k = dense_groups (values, group, n, dense);

  v = g_new (double, MAX (n, 1));
  g = g_new (gint32, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    {
      if (dense[i] < 0)
        continue;
      v[m] = values[i];
      g[m] = dense[i];
      m++;
    }

  result->n = m;
  result->n_groups = k;
  if (k < 2 || m < 3)
    return;

  ranks = g_new (double, m);
  tie_term = cs_stats_rank (v, m, ranks);
  nn = (double) m;
  ties = 1.0 - tie_term / (nn * nn * nn - nn);
  if (!(ties > 0))
    return;

  rank_sum = g_new0 (double, k);
  count = g_new0 (gsize, k);
  for (gsize i = 0; i < m; i++)
    {
      rank_sum[g[i]] += ranks[i];
      count[g[i]]++;
    }
  for (guint j = 0; j < k; j++)
    ssbn += rank_sum[j] * rank_sum[j] / (double) count[j];

  h = 12.0 / (nn * (nn + 1.0)) * ssbn - 3.0 * (nn + 1.0);
  h /= ties;

  result->statistic = h;
  result->df = (double) k - 1.0;
  result->p_value = _cs_stats_chi2_sf (h, result->df);
  result->effect = h / (nn - 1.0);
}

void
cs_stats_two_groups (const double  *values,
                     const gint32  *group,
                     gsize          n,
                     CsStatsResult *result)
{
  g_autofree gint32 *dense = NULL;
  g_autofree double *a = NULL;
  g_autofree double *b = NULL;
  gsize na = 0, nb = 0;
  guint k;

  dense = g_new (gint32, MAX (n, 1));
  k = dense_groups (values, group, n, dense);
  if (k > 2)
    {
      cs_stats_kruskal (values, group, n, result);
      return;
    }

  a = g_new (double, MAX (n, 1));
  b = g_new (double, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    {
      if (dense[i] == 0)
        a[na++] = values[i];
      else if (dense[i] == 1)
        b[nb++] = values[i];
    }

  cs_stats_mann_whitney (a, na, b, nb, result);
}

/* ---- χ² ------------------------------------------------------------------ */

void
cs_stats_chi2_table (const double  *table,
                     guint          n_rows,
                     guint          n_cols,
                     gboolean       yates,
                     CsStatsResult *result)
{
  g_autofree double *row_sum = NULL;
  g_autofree double *col_sum = NULL;
  guint r = 0, c = 0;
  double total = 0, chi2 = 0, chi2_raw = 0, df;

  cs_stats_result_init (result, CS_STATS_METHOD_CHI2);

  row_sum = g_new0 (double, MAX (n_rows, 1));
  col_sum = g_new0 (double, MAX (n_cols, 1));
  for (guint i = 0; i < n_rows; i++)
    for (guint j = 0; j < n_cols; j++)
      {
        double v = table[(gsize) i * n_cols + j];

        row_sum[i] += v;
        col_sum[j] += v;
        total += v;
      }
  for (guint i = 0; i < n_rows; i++)
    r += row_sum[i] > 0;
  for (guint j = 0; j < n_cols; j++)
    c += col_sum[j] > 0;

  result->n = (guint) total;
  result->n_groups = r;
  result->n_cols = c;
  if (r < 2 || c < 2 || total < 3)
    return;

  df = (double) (r - 1) * (double) (c - 1);
  for (guint i = 0; i < n_rows; i++)
    {
      if (row_sum[i] <= 0)
        continue;
      for (guint j = 0; j < n_cols; j++)
        {
          double obs = table[(gsize) i * n_cols + j];
          double expected, diff;

          if (col_sum[j] <= 0)
            continue;
          expected = row_sum[i] * col_sum[j] / total;
          diff = obs - expected;
          chi2_raw += diff * diff / expected;
          if (yates && df == 1.0)
            {
              /* scipy moves each count towards its expectation by at most 0.5 */
              double mag = MIN (0.5, fabs (diff));

              obs += diff < 0 ? mag : -mag;
              diff = obs - expected;
            }
          chi2 += diff * diff / expected;
        }
    }

  result->statistic = chi2;
  result->df = df;
  result->p_value = _cs_stats_chi2_sf (chi2, df);
  result->effect = sqrt (chi2_raw / (total * (double) (MIN (r, c) - 1)));
}

void
cs_stats_chi2 (const gint32  *a,
               const gint32  *b,
               gsize          n,
               CsStatsResult *result)
{
  g_autofree double *table = NULL;
  gint32 ma = -1, mb = -1;

  for (gsize i = 0; i < n; i++)
    {
      if (a[i] < 0 || b[i] < 0)
        continue;
      ma = MAX (ma, a[i]);
      mb = MAX (mb, b[i]);
    }
  if (ma < 0)
    {
      cs_stats_chi2_table (NULL, 0, 0, TRUE, result);
      return;
    }

  table = g_new0 (double, (gsize) (ma + 1) * (gsize) (mb + 1));
  for (gsize i = 0; i < n; i++)
    {
      if (a[i] < 0 || b[i] < 0)
        continue;
      table[(gsize) a[i] * (gsize) (mb + 1) + (gsize) b[i]] += 1.0;
    }

  cs_stats_chi2_table (table, (guint) ma + 1, (guint) mb + 1, TRUE, result);
}

/* ---- Benjamini–Hochberg -------------------------------------------------- */

typedef struct
{
  double p;
  gsize  index;
} PItem;

static int
p_item_compare_desc (const void *a,
                     const void *b)
{
  const PItem *ia = a;
  const PItem *ib = b;

  if (ia->p > ib->p)
    return -1;
  if (ia->p < ib->p)
    return 1;
  return (ia->index > ib->index) - (ia->index < ib->index);
}

void
cs_stats_p_adjust_bh (const double *p,
                      gsize         n,
                      double       *q)
{
  g_autofree PItem *items = NULL;
  gsize m = 0;
  double running = INFINITY;

  items = g_new (PItem, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    {
      if (isnan (p[i]))
        continue;
      items[m].p = p[i];
      items[m].index = i;
      m++;
    }

  /* NAN entries stay NAN (written before q may overwrite p) */
  for (gsize i = 0; i < n; i++)
    if (isnan (p[i]))
      q[i] = NAN;

  qsort (items, m, sizeof *items, p_item_compare_desc);
  for (gsize k = 0; k < m; k++)
    {
      double i = (double) (m - k);
      double v = (double) m / i * items[k].p;

      running = MIN (running, v);
      items[k].p = MIN (1.0, running);
    }
  for (gsize k = 0; k < m; k++)
    q[items[k].index] = items[k].p;
}
