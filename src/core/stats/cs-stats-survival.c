/* cs-stats-survival.c: Kaplan–Meier, log-rank and Harrell's C
 *
 * Reproduces R survival::survfit (Greenwood variance, conf.type = "log"),
 * print.survfit's median (and its rule for a flat segment at 0.5),
 * survival::survdiff (rho = 0) and survival::concordance (also within strata,
 * as survival::concordancefit).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cs-stats-private.h"

#define Z_975 1.959963984540054

typedef struct
{
  double time;
  gint32 group;
  guint8 event;
} SurvItem;

static int
surv_item_compare (const void *a,
                   const void *b)
{
  const SurvItem *ia = a;
  const SurvItem *ib = b;

  if (ia->time < ib->time)
    return -1;
  if (ia->time > ib->time)
    return 1;
  return 0;
}

void
cs_km_curve_free (CsKmCurve *curve)
{
  if (curve == NULL)
    return;
  g_free (curve->points);
  g_free (curve);
}

/* R's minmin(): first time where y < 0.5 (within sqrt(eps)); when y is 0.5
 * there and later drops below, the midpoint of the two times. */
static double
km_minmin (const CsKmPoint *points,
           guint            n_points,
           gsize            field_offset)
{
  const double tolerance = 1.4901161193847656e-08; /* .Machine$double.eps^0.5 */
  gint first = -1;

  for (guint i = 0; i < n_points; i++)
    {
      double y = G_STRUCT_MEMBER (double, &points[i], field_offset);

      if (!isnan (y) && y < 0.5 + tolerance)
        {
          first = (gint) i;
          break;
        }
    }
  if (first < 0)
    return NAN;

  {
    double y1 = G_STRUCT_MEMBER (double, &points[first], field_offset);

    if (fabs (y1 - 0.5) < tolerance)
      {
        for (guint i = (guint) first + 1; i < n_points; i++)
          {
            double y = G_STRUCT_MEMBER (double, &points[i], field_offset);

            if (!isnan (y) && y < y1)
              return (points[first].time + points[i].time) / 2.0;
          }
      }
  }

  return points[first].time;
}

CsKmCurve *
cs_stats_kaplan_meier (const double *time,
                       const guint8 *event,
                       const gint32 *group,
                       gint32        g,
                       gsize         n)
{
  g_autoptr(CsKmCurve) curve = g_new0 (CsKmCurve, 1);
  g_autofree SurvItem *items = NULL;
  gsize m = 0;
  double surv = 1.0, varhaz = 0.0;
  guint at_risk;

  items = g_new (SurvItem, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    {
      if (isnan (time[i]) || (group != NULL && group[i] != g))
        continue;
      items[m].time = time[i];
      items[m].event = event[i] != 0;
      items[m].group = 0;
      m++;
    }
  qsort (items, m, sizeof *items, surv_item_compare);

  curve->n = m;
  curve->points = g_new0 (CsKmPoint, MAX (m, 1));
  at_risk = m;

  for (gsize i = 0; i < m;)
    {
      CsKmPoint *pt = &curve->points[curve->n_points++];
      gsize j = i;
      guint d = 0, c = 0;

      while (j < m && items[j].time == items[i].time)
        {
          if (items[j].event)
            d++;
          else
            c++;
          j++;
        }

      pt->time = items[i].time;
      pt->n_risk = at_risk;
      pt->n_event = d;
      pt->n_censor = c;
      if (d > 0)
        {
          surv *= 1.0 - (double) d / (double) at_risk;
          if (at_risk > d)
            varhaz += (double) d / ((double) at_risk * (double) (at_risk - d));
          else
            varhaz = INFINITY;
        }
      pt->survival = surv;
      pt->std_err = sqrt (varhaz);
      if (surv > 0)
        {
          pt->lower = exp (log (surv) - Z_975 * pt->std_err);
          pt->upper = MIN (1.0, exp (log (surv) + Z_975 * pt->std_err));
        }
      else
        {
          pt->lower = NAN;
          pt->upper = NAN;
        }

      curve->n_events += d;
      at_risk -= d + c;
      i = j;
    }

  curve->median = km_minmin (curve->points, curve->n_points, G_STRUCT_OFFSET (CsKmPoint, survival));
  curve->median_lower = km_minmin (curve->points, curve->n_points, G_STRUCT_OFFSET (CsKmPoint, lower));
  curve->median_upper = km_minmin (curve->points, curve->n_points, G_STRUCT_OFFSET (CsKmPoint, upper));

  return g_steal_pointer (&curve);
}

void
cs_logrank_free (CsLogrank *logrank)
{
  if (logrank == NULL)
    return;
  g_free (logrank->observed);
  g_free (logrank->expected);
  g_free (logrank);
}

gboolean
cs_stats_solve_linear (double *a,
                       double *b,
                       guint   k)
{
  for (guint col = 0; col < k; col++)
    {
      guint piv = col;
      double scale = 0;

      for (guint r = col; r < k; r++)
        if (fabs (a[r * k + col]) > fabs (a[piv * k + col]))
          piv = r;
      for (guint r = 0; r < k; r++)
        scale = MAX (scale, fabs (a[r * k + r]));
      if (fabs (a[piv * k + col]) <= 1e-12 * MAX (scale, 1e-300))
        return FALSE;
      if (piv != col)
        {
          for (guint c = 0; c < k; c++)
            {
              double t = a[col * k + c];

              a[col * k + c] = a[piv * k + c];
              a[piv * k + c] = t;
            }
          {
            double t = b[col];

            b[col] = b[piv];
            b[piv] = t;
          }
        }
      for (guint r = col + 1; r < k; r++)
        {
          double f = a[r * k + col] / a[col * k + col];

          for (guint c = col; c < k; c++)
            a[r * k + c] -= f * a[col * k + c];
          b[r] -= f * b[col];
        }
    }

  for (guint r = k; r-- > 0;)
    {
      double s = b[r];

      for (guint c = r + 1; c < k; c++)
        s -= a[r * k + c] * b[c];
      b[r] = s / a[r * k + r];
    }

  return TRUE;
}

CsLogrank *
cs_stats_logrank (const double *time,
                  const guint8 *event,
                  const gint32 *group,
                  gsize         n)
{
  g_autoptr(CsLogrank) lr = g_new0 (CsLogrank, 1);
  g_autofree SurvItem *items = NULL;
  g_autofree double *risk = NULL;
  g_autofree double *deaths = NULL;
  g_autofree double *var = NULL;
  g_autofree guint *size = NULL;
  g_autofree guint *used = NULL;
  g_autofree double *vsub = NULL;
  g_autofree double *diff = NULL;
  gint32 max_level = -1;
  guint k, n_used = 0;
  gsize m = 0;
  double chi2 = 0;

  for (gsize i = 0; i < n; i++)
    if (!isnan (time[i]) && group[i] > max_level)
      max_level = group[i];

  k = (guint) (max_level + 1);
  lr->n_levels = k;
  lr->observed = g_new0 (double, MAX (k, 1));
  lr->expected = g_new0 (double, MAX (k, 1));
  lr->chi2 = NAN;
  lr->df = NAN;
  lr->p_value = NAN;
  if (k == 0)
    return g_steal_pointer (&lr);

  items = g_new (SurvItem, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    {
      if (isnan (time[i]) || group[i] < 0)
        continue;
      items[m].time = time[i];
      items[m].event = event[i] != 0;
      items[m].group = group[i];
      m++;
    }
  qsort (items, m, sizeof *items, surv_item_compare);
  lr->n = m;

  size = g_new0 (guint, k);
  risk = g_new0 (double, k);
  deaths = g_new0 (double, k);
  var = g_new0 (double, (gsize) k * k);
  for (gsize i = 0; i < m; i++)
    {
      size[items[i].group]++;
      risk[items[i].group] += 1.0;
    }
  for (guint g = 0; g < k; g++)
    lr->n_groups += size[g] > 0;

  for (gsize i = 0; i < m;)
    {
      gsize j = i;
      double d = 0, nr = (double) (m - i);

      for (guint g = 0; g < k; g++)
        deaths[g] = 0;
      while (j < m && items[j].time == items[i].time)
        {
          if (items[j].event)
            {
              deaths[items[j].group] += 1.0;
              d += 1.0;
            }
          j++;
        }

      if (d > 0)
        {
          for (guint g = 0; g < k; g++)
            {
              lr->observed[g] += deaths[g];
              lr->expected[g] += d * risk[g] / nr;
            }
          if (nr > 1)
            {
              double kt = d * (nr - d) / (nr * (nr - 1.0));

              for (guint g = 0; g < k; g++)
                {
                  if (risk[g] == 0)
                    continue;
                  for (guint h = 0; h < k; h++)
                    var[g * k + h] += kt * risk[g] * ((g == h ? nr : 0.0) - risk[h]) / nr;
                }
            }
        }

      for (gsize l = i; l < j; l++)
        risk[items[l].group] -= 1.0;
      i = j;
    }

  used = g_new0 (guint, k);
  for (guint g = 0; g < k; g++)
    if (lr->expected[g] > 0)
      used[n_used++] = g;

  if (n_used < 2)
    return g_steal_pointer (&lr);

  /* as survdiff: drop the first group with expected > 0 and solve */
  {
    guint kk = n_used - 1;

    vsub = g_new (double, (gsize) kk * kk);
    diff = g_new (double, kk);
    for (guint a = 0; a < kk; a++)
      {
        guint ga = used[a + 1];

        diff[a] = lr->observed[ga] - lr->expected[ga];
        for (guint b = 0; b < kk; b++)
          vsub[a * kk + b] = var[ga * k + used[b + 1]];
      }

    {
      g_autofree double *x = g_memdup2 (diff, sizeof (double) * kk);

      if (!cs_stats_solve_linear (vsub, x, kk))
        return g_steal_pointer (&lr);
      for (guint a = 0; a < kk; a++)
        chi2 += x[a] * diff[a];
    }

    lr->chi2 = chi2;
    lr->df = (double) kk;
    lr->p_value = _cs_stats_chi2_sf (chi2, lr->df);
  }

  return g_steal_pointer (&lr);
}

/* Fenwick tree of counts over x ranks 0..k-1 */
typedef struct
{
  double *tree;
  gsize   k;
  double  total;
} Fenwick;

static void
fenwick_add (Fenwick *f,
             gsize    rank)
{
  for (gsize i = rank + 1; i <= f->k; i += i & (~i + 1))
    f->tree[i] += 1.0;
  f->total += 1.0;
}

/* number of entries with rank < r */
static double
fenwick_below (const Fenwick *f,
               gsize          r)
{
  double s = 0;

  for (gsize i = r; i > 0; i -= i & (~i + 1))
    s += f->tree[i];
  return s;
}

/* counts of entries with rank below, equal to and above r */
static void
fenwick_split (const Fenwick *f,
               gsize          r,
               double        *below,
               double        *equal,
               double        *above)
{
  double lt = fenwick_below (f, r);
  double le = fenwick_below (f, r + 1);

  *below = lt;
  *equal = le - lt;
  *above = f->total - le;
}

typedef struct
{
  double  time;
  gsize   rank;       /* of x */
  gsize   index;      /* the row: index into the per-subject sums */
  guint8  event;
} ConcItem;

static int
conc_item_compare (const void *a,
                   const void *b)
{
  const ConcItem *ia = a;
  const ConcItem *ib = b;

  if (ia->time < ib->time)
    return -1;
  if (ia->time > ib->time)
    return 1;
  return (ia->rank > ib->rank) - (ia->rank < ib->rank);
}

/* Collects the ranks of the items in [lo, hi) (sorted by rank) whose event
 * flag equals `event` into ranks[]; returns how many. */
static gsize
group_ranks (const ConcItem *items,
             gsize           lo,
             gsize           hi,
             guint8          event,
             gsize          *ranks)
{
  gsize n = 0;

  for (gsize k = lo; k < hi; k++)
    if (items[k].event == event)
      ranks[n++] = items[k].rank;
  return n;
}

/* first index in sorted ranks[0..n) with ranks[i] >= r (or > r if strict) */
static gsize
bound (const gsize *ranks,
       gsize        n,
       gsize        r,
       gboolean     strict)
{
  gsize lo = 0, hi = n;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (ranks[mid] < r || (strict && ranks[mid] == r))
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static void
group_split (const gsize *ranks,
             gsize        n,
             gsize        r,
             double      *below,
             double      *equal,
             double      *above)
{
  gsize lt = bound (ranks, n, r, FALSE);
  gsize le = bound (ranks, n, r, TRUE);

  *below = (double) lt;
  *equal = (double) (le - lt);
  *above = (double) (n - le);
}

/* Adds the comparable pairs among rows[0..m) (each with a time and an x)
 * to *num and *den, and each row's share to num_i[row] and den_i[row]. */
static void
concordance_add (const double  *time,
                 const guint8  *event,
                 const double  *x,
                 const guint32 *rows,
                 gsize          m,
                 double        *num_i,
                 double        *den_i,
                 double        *num,
                 double        *den)
{
  g_autofree ConcItem *items = NULL;
  g_autofree CsSortItem *by_x = NULL;
  g_autofree gsize *scratch = NULL;
  Fenwick fw = { 0 };
  gsize k = 0;

  if (m == 0)
    return;

  /* x ranks (dense, ties share a rank) */
  by_x = g_new (CsSortItem, m);
  for (gsize a = 0; a < m; a++)
    {
      by_x[a].value = x[rows[a]];
      by_x[a].row = rows[a];
    }
  cs_stats_sort_items (by_x, m);

  items = g_new (ConcItem, m);
  for (gsize a = 0; a < m; a++)
    {
      if (a > 0 && by_x[a].value != by_x[a - 1].value)
        k++;
      items[a].time = time[by_x[a].row];
      items[a].event = event[by_x[a].row] != 0;
      items[a].rank = k;
      items[a].index = by_x[a].row;
    }
  k++;
  qsort (items, m, sizeof *items, conc_item_compare);

  fw.k = k;
  fw.tree = g_new0 (double, k + 1);
  scratch = g_new (gsize, m);

  /* Pass 1, descending time: each event i against the later subjects j
   * (later times, or censored at the same time). Concordant when x_j > x_i. */
  for (gsize hi = m; hi > 0;)
    {
      gsize lo = hi - 1;
      gsize n_censored;

      while (lo > 0 && items[lo - 1].time == items[hi - 1].time)
        lo--;
      n_censored = group_ranks (items, lo, hi, 0, scratch);
      for (gsize a = lo; a < hi; a++)
        {
          double below, equal, above, gb, ge, ga;

          if (!items[a].event)
            continue;
          fenwick_split (&fw, items[a].rank, &below, &equal, &above);
          group_split (scratch, n_censored, items[a].rank, &gb, &ge, &ga);
          below += gb;
          equal += ge;
          above += ga;
          num_i[items[a].index] += above + 0.5 * equal;
          den_i[items[a].index] += below + equal + above;
          *num += above + 0.5 * equal;
          *den += below + equal + above;
        }
      for (gsize a = lo; a < hi; a++)
        fenwick_add (&fw, items[a].rank);
      hi = lo;
    }

  /* Pass 2, ascending time: each subject j against the earlier events i
   * (earlier times, or at the same time when j is censored). */
  memset (fw.tree, 0, sizeof (double) * (k + 1));
  fw.total = 0;
  for (gsize lo = 0; lo < m;)
    {
      gsize hi = lo + 1;
      gsize n_events;

      while (hi < m && items[hi].time == items[lo].time)
        hi++;
      n_events = group_ranks (items, lo, hi, 1, scratch);
      for (gsize a = lo; a < hi; a++)
        {
          double below, equal, above;

          fenwick_split (&fw, items[a].rank, &below, &equal, &above);
          if (!items[a].event)
            {
              double gb, ge, ga;

              group_split (scratch, n_events, items[a].rank, &gb, &ge, &ga);
              below += gb;
              equal += ge;
              above += ga;
            }
          num_i[items[a].index] += below + 0.5 * equal;
          den_i[items[a].index] += below + equal + above;
        }
      for (gsize a = lo; a < hi; a++)
        if (items[a].event)
          fenwick_add (&fw, items[a].rank);
      lo = hi;
    }

  g_free (fw.tree);
}

double
cs_stats_concordance_strata (const double *time,
                             const guint8 *event,
                             const double *x,
                             const gint32 *strata,
                             gsize         n,
                             double       *std_err)
{
  g_autofree guint32 *rows = NULL;
  g_autofree gsize *start = NULL;
  g_autofree double *num_i = NULL;
  g_autofree double *den_i = NULL;
  gint32 n_strata = 1;
  gsize m = 0;
  double num = 0, den = 0, c, var = 0;

  if (std_err != NULL)
    *std_err = NAN;

  /* the complete rows, grouped by stratum (a counting sort keeps row order) */
  if (strata != NULL)
    for (gsize i = 0; i < n; i++)
      n_strata = MAX (n_strata, strata[i] + 1);
  start = g_new0 (gsize, (gsize) n_strata + 1);
  for (gsize i = 0; i < n; i++)
    if (!isnan (time[i]) && !isnan (x[i]) && (strata == NULL || strata[i] >= 0))
      start[(strata != NULL ? strata[i] : 0) + 1]++;
  for (gint32 s = 0; s < n_strata; s++)
    start[s + 1] += start[s];
  m = start[n_strata];
  rows = g_new (guint32, MAX (m, 1));
  {
    g_autofree gsize *fill = g_memdup2 (start, sizeof (gsize) * (gsize) n_strata);

    for (gsize i = 0; i < n; i++)
      if (!isnan (time[i]) && !isnan (x[i]) && (strata == NULL || strata[i] >= 0))
        rows[fill[strata != NULL ? strata[i] : 0]++] = (guint32) i;
  }

  num_i = g_new0 (double, MAX (n, 1));
  den_i = g_new0 (double, MAX (n, 1));
  for (gint32 s = 0; s < n_strata; s++)
    concordance_add (time, event, x, rows + start[s], start[s + 1] - start[s], num_i, den_i, &num, &den);

  if (den <= 0)
    return NAN;

  c = num / den;
  for (gsize a = 0; a < m; a++)
    {
      double d = (num_i[rows[a]] - c * den_i[rows[a]]) / den;

      var += d * d;
    }
  if (std_err != NULL)
    *std_err = sqrt (var);

  return c;
}

double
cs_stats_concordance (const double *time,
                      const guint8 *event,
                      const double *x,
                      gsize         n,
                      double       *std_err)
{
  return cs_stats_concordance_strata (time, event, x, NULL, n, std_err);
}
