/* cs-stats-cox.c: Cox proportional hazards and the cox.zph test
 *
 * Reproduces R survival::coxph (coxph.fit and its C routine coxfit6) and
 * survival::cox.zph (its C routine zph1); docs/STATISTICS.md has the
 * formulas. In short:
 *
 * - rows are sorted by stratum and time; each covariate is centred on its
 *   mean and scaled by 1 / mean |x − mean| unless all its values are −1, 0
 *   or 1 (R's nocenter = c(-1, 0, 1)); Newton steps are invariant to this,
 *   it only keeps the arithmetic and the singularity test well-conditioned;
 * - one pass backwards in time per stratum accumulates the log partial
 *   likelihood, the score and the information (Efron's approximation for
 *   tied events: d tied deaths give d terms in which the deaths' risk
 *   counts 1/d, 2/d, …, 1);
 * - Newton–Raphson from β = 0 stops when |1 − ℓ_best/ℓ_new| ≤ eps; a step
 *   that lowers the likelihood (or overflows) is pulled back towards the
 *   best β by (new + h·best)/(h + 1) with h = 1, 2, … (R's step halving);
 * - the information is factored as LDLᵀ; a pivot below toler_chol × the
 *   largest diagonal marks its column as aliased (R reports NA);
 * - a coefficient whose next Newton step |u·V| is still larger than eps
 *   and than toler_inf·|β| when the likelihood has converged is infinite
 *   (R's "Loglik converged before variable …; coefficient may be
 *   infinite").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "cs-stats-private.h"

/* qnorm(0.975) */
#define Z_975 1.959963984540054

#define TRI(i, j) ((gsize) (i) * ((i) + 1) / 2 + (j))   /* packed lower triangle, j ≤ i */

void
cs_cox_options_init (CsCoxOptions *options)
{
  g_return_if_fail (options != NULL);

  options->max_iter = 20;
  options->eps = 1e-9;
  options->toler_chol = pow (DBL_EPSILON, 0.75);
  options->toler_inf = sqrt (options->eps);
  options->breslow = FALSE;
}

/* ------------------------------------------------------------------ rows */

/* The complete rows of a CsCoxData, sorted by stratum and ascending time
 * (ties keep row order), with the covariates copied row-major. */
typedef struct
{
  guint     m;          /* rows used */
  guint     p;
  guint     n_strata;   /* strata with a row */
  guint     n_events;
  guint32  *row;        /* m: the data row of each sorted row */
  gsize    *start;      /* n_strata + 1: first sorted row of each stratum */
  double   *time;       /* m */
  guint8   *event;      /* m */
  double   *x;          /* m × p */
} CoxRows;

static void
cox_rows_clear (CoxRows *r)
{
  g_clear_pointer (&r->row, g_free);
  g_clear_pointer (&r->start, g_free);
  g_clear_pointer (&r->time, g_free);
  g_clear_pointer (&r->event, g_free);
  g_clear_pointer (&r->x, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CoxRows, cox_rows_clear)

static gboolean
row_complete (const CsCoxData *data,
              gsize            i)
{
  if (isnan (data->time[i]))
    return FALSE;
  if (data->strata != NULL && data->strata[i] < 0)
    return FALSE;
  for (guint j = 0; j < data->p; j++)
    if (!isfinite (data->x[j][i]))
      return FALSE;
  return TRUE;
}

static void
cox_rows_init (CoxRows         *r,
               const CsCoxData *data)
{
  g_autofree gsize *count = NULL;
  g_autofree CsSortItem *items = NULL;
  g_autofree guint8 *complete = g_new (guint8, MAX (data->n, 1));
  gint32 n_levels = 1;
  guint m = 0;

  memset (r, 0, sizeof *r);
  r->p = data->p;

  if (data->strata != NULL)
    for (gsize i = 0; i < data->n; i++)
      n_levels = MAX (n_levels, data->strata[i] + 1);

  /* rows per stratum level, then each level's rows sorted by time */
  count = g_new0 (gsize, (gsize) n_levels + 1);
  for (gsize i = 0; i < data->n; i++)
    if ((complete[i] = row_complete (data, i)))
      {
        count[(data->strata != NULL ? data->strata[i] : 0) + 1]++;
        m++;
      }
  for (gint32 s = 0; s < n_levels; s++)
    count[s + 1] += count[s];

  items = g_new (CsSortItem, MAX (m, 1));
  {
    g_autofree gsize *fill = g_memdup2 (count, sizeof (gsize) * (gsize) n_levels);

    for (gsize i = 0; i < data->n; i++)
      if (complete[i])
        {
          gsize at = fill[data->strata != NULL ? data->strata[i] : 0]++;

          items[at].value = data->time[i];
          items[at].row = (guint32) i;
        }
  }

  r->m = m;
  r->row = g_new (guint32, MAX (m, 1));
  r->time = g_new (double, MAX (m, 1));
  r->event = g_new (guint8, MAX (m, 1));
  r->x = g_new (double, MAX ((gsize) m * r->p, 1));
  r->start = g_new0 (gsize, (gsize) n_levels + 1);

  for (gint32 s = 0; s < n_levels; s++)
    {
      gsize lo = count[s], hi = count[s + 1];

      if (hi == lo)
        continue;
      cs_stats_sort_items (items + lo, hi - lo);
      r->start[r->n_strata + 1] = hi;
      r->n_strata++;
    }

  for (guint k = 0; k < m; k++)
    {
      guint32 i = items[k].row;

      r->row[k] = i;
      r->time[k] = data->time[i];
      r->event[k] = data->event[i] != 0;
      r->n_events += r->event[k];
      for (guint j = 0; j < r->p; j++)
        r->x[(gsize) k * r->p + j] = data->x[j][i];
    }
}

/* ------------------------------------------------- likelihood and score */

typedef struct
{
  const CoxRows *rows;
  gboolean       efron;
  double        *a;        /* p: Σ risk·x over the risk set (without this time's deaths) */
  double        *a2;       /* p: the same over this time's deaths */
  double        *cmat;     /* packed: Σ risk·x·xᵀ */
  double        *cmat2;
  double        *u;        /* p: score */
  double        *imat;     /* packed: information */
} CoxSums;

static void
cox_sums_init (CoxSums       *s,
               const CoxRows *rows,
               gboolean       efron)
{
  gsize p = rows->p, np = TRI (p, 0);

  s->rows = rows;
  s->efron = efron;
  s->a = g_new0 (double, MAX (p, 1));
  s->a2 = g_new0 (double, MAX (p, 1));
  s->u = g_new0 (double, MAX (p, 1));
  s->cmat = g_new0 (double, MAX (np, 1));
  s->cmat2 = g_new0 (double, MAX (np, 1));
  s->imat = g_new0 (double, MAX (np, 1));
}

static void
cox_sums_clear (CoxSums *s)
{
  g_clear_pointer (&s->a, g_free);
  g_clear_pointer (&s->a2, g_free);
  g_clear_pointer (&s->u, g_free);
  g_clear_pointer (&s->cmat, g_free);
  g_clear_pointer (&s->cmat2, g_free);
  g_clear_pointer (&s->imat, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CoxSums, cox_sums_clear)

/* a += w·x, c += w·x·xᵀ (packed) */
static inline void
add_weighted (double       *a,
              double       *c,
              const double *x,
              double        w,
              guint         p)
{
  double *ci = c;

  for (guint i = 0; i < p; i++)
    {
      double wx = w * x[i];

      a[i] += wx;
      for (guint j = 0; j <= i; j++)
        ci[j] += wx * x[j];
      ci += i + 1;
    }
}

/* One risk-set term: u −= wt·ā, I += wt·(C/D − ā·āᵀ) with ā = a/D. */
static inline void
add_term (double       *u,
          double       *imat,
          const double *a,
          const double *cmat,
          double        denom,
          double        wt,
          guint         p)
{
  for (guint i = 0; i < p; i++)
    {
      double mean = a[i] / denom;

      u[i] -= wt * mean;
      for (guint j = 0; j <= i; j++)
        imat[TRI (i, j)] += wt * (cmat[TRI (i, j)] - mean * a[j]) / denom;
    }
}

/* The log partial likelihood at beta; s->u and s->imat get the score and
 * the information there. */
static double
cox_sums_compute (CoxSums      *s,
                  const double *beta)
{
  const CoxRows *r = s->rows;
  guint p = r->p;
  gsize np = TRI (p, 0);
  double loglik = 0;

  memset (s->u, 0, sizeof (double) * p);
  memset (s->imat, 0, sizeof (double) * np);
  memset (s->a2, 0, sizeof (double) * p);
  memset (s->cmat2, 0, sizeof (double) * np);

  for (guint st = 0; st < r->n_strata; st++)
    {
      gsize lo = r->start[st], i = r->start[st + 1];
      double denom = 0;

      memset (s->a, 0, sizeof (double) * p);
      memset (s->cmat, 0, sizeof (double) * np);

      while (i > lo)
        {
          double t = r->time[i - 1], denom2 = 0;
          guint n_dead = 0;

          while (i > lo && r->time[i - 1] == t)
            {
              const double *xi;
              double zb = 0, risk;

              i--;
              xi = r->x + i * p;
              for (guint j = 0; j < p; j++)
                zb += beta[j] * xi[j];
              risk = exp (zb);
              if (r->event[i])
                {
                  n_dead++;
                  denom2 += risk;
                  loglik += zb;
                  for (guint j = 0; j < p; j++)
                    s->u[j] += xi[j];
                  add_weighted (s->a2, s->cmat2, xi, risk, p);
                }
              else
                {
                  denom += risk;
                  add_weighted (s->a, s->cmat, xi, risk, p);
                }
            }
          if (n_dead == 0)
            continue;

          {
            /* Efron: the k-th of d terms counts the deaths' risk (k + 1)/d;
             * Breslow: one term, all of it, weighted d */
            guint n_parts = s->efron ? n_dead : 1;
            double wt = (double) n_dead / n_parts;

            for (guint k = 0; k < n_parts; k++)
              {
                denom += denom2 / n_parts;
                for (guint j = 0; j < p; j++)
                  s->a[j] += s->a2[j] / n_parts;
                for (gsize l = 0; l < np; l++)
                  s->cmat[l] += s->cmat2[l] / n_parts;
                loglik -= wt * log (denom);
                add_term (s->u, s->imat, s->a, s->cmat, denom, wt, p);
              }
          }
          memset (s->a2, 0, sizeof (double) * p);
          memset (s->cmat2, 0, sizeof (double) * np);
        }
    }

  return loglik;
}

/* ---------------------------------------------------------- linear algebra */

/* LDLᵀ of the packed symmetric matrix c into the full p × p matrix m: D on
 * the diagonal, the unit lower L below it. A pivot that is not finite or
 * below toler × the largest diagonal makes its column aliased: D = 0 and
 * its column of L is 0. Returns the rank. */
static guint
ldl_decompose (const double *c,
               double       *m,
               guint         p,
               double        toler)
{
  double eps = 0;
  guint rank = 0;

  memset (m, 0, sizeof (double) * p * p);
  for (guint i = 0; i < p; i++)
    for (guint j = 0; j <= i; j++)
      m[i * p + j] = c[TRI (i, j)];
  for (guint i = 0; i < p; i++)
    if (m[i * p + i] > eps)
      eps = m[i * p + i];
  eps *= toler;

  for (guint i = 0; i < p; i++)
    {
      double pivot = m[i * p + i];

      if (eps == 0 || !isfinite (pivot) || pivot < eps)
        {
          for (guint j = i; j < p; j++)
            m[j * p + i] = 0;
          continue;
        }
      rank++;
      for (guint j = i + 1; j < p; j++)
        {
          double f = m[j * p + i] / pivot;

          m[j * p + i] = f;
          m[j * p + j] -= f * f * pivot;
          for (guint k = j + 1; k < p; k++)
            m[k * p + j] -= f * m[k * p + i];
        }
    }
  return rank;
}

/* Solves (LDLᵀ) x = b in place; aliased components are 0. */
static void
ldl_solve (const double *m,
           double       *b,
           guint         p)
{
  for (guint i = 0; i < p; i++)
    for (guint j = 0; j < i; j++)
      b[i] -= b[j] * m[i * p + j];
  for (guint i = p; i-- > 0;)
    {
      if (m[i * p + i] == 0)
        {
          b[i] = 0;
          continue;
        }
      b[i] /= m[i * p + i];
      for (guint j = i + 1; j < p; j++)
        b[i] -= b[j] * m[j * p + i];
    }
}

/* The inverse of LDLᵀ (generalised: rows and columns of aliased
 * components are 0) into v (full, symmetric). */
static void
ldl_invert (const double *m,
            double       *v,
            guint         p)
{
  g_autofree double *linv = g_new0 (double, MAX ((gsize) p * p, 1));

  /* L⁻¹, unit lower triangular: row by row, L⁻¹[i][k] = −Σ_{k≤j<i} L[i][j]·L⁻¹[j][k] */
  for (guint i = 0; i < p; i++)
    {
      linv[i * p + i] = 1;
      for (guint k = 0; k < i; k++)
        {
          double sum = 0;

          for (guint j = k; j < i; j++)
            sum += m[i * p + j] * linv[j * p + k];
          linv[i * p + k] = -sum;
        }
    }

  /* V = L⁻ᵀ D⁻¹ L⁻¹ */
  for (guint i = 0; i < p; i++)
    for (guint j = 0; j <= i; j++)
      {
        double sum = 0;

        if (m[i * p + i] != 0 && m[j * p + j] != 0)
          for (guint k = i; k < p; k++)
            if (m[k * p + k] != 0)
              sum += linv[k * p + i] * linv[k * p + j] / m[k * p + k];
        v[i * p + j] = sum;
        v[j * p + i] = sum;
      }
}

static gboolean
all_finite (const double *v,
            gsize         n)
{
  for (gsize i = 0; i < n; i++)
    if (!isfinite (v[i]))
      return FALSE;
  return TRUE;
}

/* -------------------------------------------------------------------- fit */

void
cs_cox_fit_free (CsCoxFit *fit)
{
  if (fit == NULL)
    return;
  g_free (fit->state);
  g_free (fit->direction);
  g_free (fit->coef);
  g_free (fit->se);
  g_free (fit->z);
  g_free (fit->p_value);
  g_free (fit->hr);
  g_free (fit->hr_lower);
  g_free (fit->hr_upper);
  g_free (fit->means);
  g_free (fit->beta);
  g_free (fit->var);
  g_free (fit);
}

static CsCoxFit *
cox_fit_new (guint p)
{
  CsCoxFit *fit = g_new0 (CsCoxFit, 1);
  gsize n = MAX (p, 1);

  fit->p = p;
  fit->state = g_new0 (CsCoxCoefState, n);
  fit->direction = g_new0 (int, n);
  fit->coef = g_new (double, n);
  fit->se = g_new (double, n);
  fit->z = g_new (double, n);
  fit->p_value = g_new (double, n);
  fit->hr = g_new (double, n);
  fit->hr_lower = g_new (double, n);
  fit->hr_upper = g_new (double, n);
  fit->means = g_new0 (double, n);
  fit->beta = g_new0 (double, n);
  fit->var = g_new0 (double, n * n);
  for (guint j = 0; j < p; j++)
    {
      fit->state[j] = CS_COX_COEF_ALIASED;
      fit->coef[j] = fit->se[j] = fit->z[j] = fit->p_value[j] = NAN;
      fit->hr[j] = fit->hr_lower[j] = fit->hr_upper[j] = NAN;
    }
  fit->loglik_null = fit->loglik = NAN;
  fit->lr_chi2 = fit->lr_df = fit->lr_p_value = NAN;
  fit->concordance = fit->concordance_se = NAN;
  return fit;
}

/* Centres each column on its mean and scales it by 1 / mean |x − mean|,
 * except columns of −1/0/1 values (R's nocenter); means and scale get p
 * values. */
static void
centre_and_scale (CoxRows *r,
                  double  *means,
                  double  *scale)
{
  guint p = r->p;

  for (guint j = 0; j < p; j++)
    {
      gboolean zero_one = TRUE;
      double sum = 0, abs_sum = 0;

      for (guint k = 0; k < r->m && zero_one; k++)
        {
          double v = r->x[(gsize) k * p + j];

          zero_one = v == 0 || v == 1 || v == -1;
        }
      means[j] = 0;
      scale[j] = 1;
      if (zero_one)
        continue;

      for (guint k = 0; k < r->m; k++)
        sum += r->x[(gsize) k * p + j];
      means[j] = sum / r->m;
      for (guint k = 0; k < r->m; k++)
        {
          r->x[(gsize) k * p + j] -= means[j];
          abs_sum += fabs (r->x[(gsize) k * p + j]);
        }
      if (abs_sum > 0)
        scale[j] = r->m / abs_sum;
      for (guint k = 0; k < r->m; k++)
        r->x[(gsize) k * p + j] *= scale[j];
    }
}

CsCoxFit *
cs_stats_cox_fit (const CsCoxData    *data,
                  const CsCoxOptions *options)
{
  g_auto(CoxRows) rows = { 0 };
  g_auto(CoxSums) sums = { 0 };
  g_autoptr(CsCoxFit) fit = NULL;
  g_autofree double *scale = NULL;
  g_autofree double *beta = NULL;
  g_autofree double *newbeta = NULL;
  g_autofree double *step = NULL;
  g_autofree double *ldl = NULL;
  g_autofree double *inv = NULL;
  g_autofree double *lp = NULL;
  CsCoxOptions defaults;
  double best, newlk = NAN;
  guint p, rank = 0, halving = 0, n_estimated = 0;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (data->time != NULL && data->event != NULL, NULL);
  g_return_val_if_fail (data->p == 0 || data->x != NULL, NULL);

  if (options == NULL)
    {
      cs_cox_options_init (&defaults);
      options = &defaults;
    }

  p = data->p;
  fit = cox_fit_new (p);
  cox_rows_init (&rows, data);
  fit->n = rows.m;
  fit->n_events = rows.n_events;
  fit->n_strata = rows.n_strata;
  fit->breslow = options->breslow;
  if (rows.n_events == 0 || p == 0)
    return g_steal_pointer (&fit);

  scale = g_new (double, p);
  beta = g_new0 (double, p);
  newbeta = g_new0 (double, p);
  step = g_new0 (double, p);
  ldl = g_new0 (double, (gsize) p * p);
  inv = g_new0 (double, (gsize) p * p);
  centre_and_scale (&rows, fit->means, scale);
  cox_sums_init (&sums, &rows, !options->breslow);

  /* β = 0: the null log-likelihood and the first Newton step */
  fit->loglik_null = cox_sums_compute (&sums, beta);
  rank = ldl_decompose (sums.imat, ldl, p, options->toler_chol);
  memcpy (step, sums.u, sizeof (double) * p);
  ldl_solve (ldl, step, p);
  best = fit->loglik_null;
  for (guint j = 0; j < p; j++)
    newbeta[j] = beta[j] + step[j];

  for (fit->iterations = 1; fit->iterations <= options->max_iter; fit->iterations++)
    {
      gboolean finite;

      newlk = cox_sums_compute (&sums, newbeta);
      rank = ldl_decompose (sums.imat, ldl, p, options->toler_chol);
      finite = isfinite (newlk) && all_finite (sums.u, p) && all_finite (sums.imat, TRI (p, 0));

      if (finite && fabs (1.0 - best / newlk) <= options->eps)
        {
          best = newlk;
          memcpy (beta, newbeta, sizeof (double) * p);
          fit->converged = TRUE;
          break;
        }
      if (!finite || newlk < best)
        {
          /* not converging: back towards the best β, harder each time */
          halving++;
          for (guint j = 0; j < p; j++)
            newbeta[j] = (newbeta[j] + halving * beta[j]) / (halving + 1.0);
        }
      else
        {
          halving = 0;
          best = newlk;
          memcpy (step, sums.u, sizeof (double) * p);
          ldl_solve (ldl, step, p);
          for (guint j = 0; j < p; j++)
            {
              beta[j] = newbeta[j];
              newbeta[j] += step[j];
            }
        }
    }

  if (!fit->converged)
    {
      /* ran out of iterations: report the best β with its score and information */
      fit->iterations = options->max_iter;
      best = cox_sums_compute (&sums, beta);
      rank = ldl_decompose (sums.imat, ldl, p, options->toler_chol);
    }
  fit->loglik = best;
  ldl_invert (ldl, inv, p);

  /* back to the original scale */
  for (guint i = 0; i < p; i++)
    {
      fit->beta[i] = beta[i] * scale[i];
      for (guint j = 0; j < p; j++)
        fit->var[(gsize) i * p + j] = inv[(gsize) i * p + j] * scale[i] * scale[j];
    }

  for (guint j = 0; j < p; j++)
    {
      double v = fit->var[(gsize) j * p + j];
      double infs = 0;

      if (rank < p && v == 0)
        continue;   /* aliased */

      /* the Newton step still to go: u·V (u on the original scale) */
      for (guint i = 0; i < p; i++)
        infs += sums.u[i] / scale[i] * fit->var[(gsize) i * p + j];
      infs = fabs (infs);
      n_estimated++;
      /* R's test after convergence; when the iterations ran out, only for
       * a coefficient beyond 10 per mean absolute deviation of its column
       * (a finite effect that large is not plausible) */
      if (options->max_iter > 1 &&
          (fit->converged || fabs (beta[j]) > 10) &&
          (!isfinite (sums.u[j]) || (infs > options->eps && infs > options->toler_inf * fabs (fit->beta[j]))))
        {
          fit->state[j] = CS_COX_COEF_INFINITE;
          fit->direction[j] = fit->beta[j] >= 0 ? 1 : -1;
          continue;
        }

      fit->state[j] = CS_COX_COEF_ESTIMATED;
      fit->coef[j] = fit->beta[j];
      fit->se[j] = sqrt (v);
      fit->z[j] = fit->coef[j] / fit->se[j];
      fit->p_value[j] = 2.0 * _cs_stats_normal_sf (fabs (fit->z[j]));
      fit->hr[j] = exp (fit->coef[j]);
      fit->hr_lower[j] = exp (fit->coef[j] - Z_975 * fit->se[j]);
      fit->hr_upper[j] = exp (fit->coef[j] + Z_975 * fit->se[j]);
    }

  if (n_estimated > 0)
    {
      fit->lr_chi2 = 2.0 * (fit->loglik - fit->loglik_null);
      fit->lr_df = n_estimated;
      fit->lr_p_value = _cs_stats_chi2_sf (fit->lr_chi2, fit->lr_df);
    }

  /* concordance of the linear predictor: a higher risk should die sooner */
  lp = g_new (double, MAX (data->n, 1));
  cs_cox_fit_linear_predictor (fit, data, lp);
  for (gsize i = 0; i < data->n; i++)
    lp[i] = -lp[i];
  fit->concordance = cs_stats_concordance_strata (data->time, data->event, lp, data->strata, data->n,
                                                  &fit->concordance_se);

  return g_steal_pointer (&fit);
}

void
cs_cox_fit_linear_predictor (const CsCoxFit  *fit,
                             const CsCoxData *data,
                             double          *lp)
{
  double offset = 0;

  g_return_if_fail (fit != NULL && data != NULL && lp != NULL);
  g_return_if_fail (fit->p == data->p);

  for (guint j = 0; j < fit->p; j++)
    offset += fit->beta[j] * fit->means[j];
  for (gsize i = 0; i < data->n; i++)
    {
      double sum = 0;

      for (guint j = 0; j < fit->p && !isnan (sum); j++)
        sum = isfinite (data->x[j][i]) ? sum + fit->beta[j] * data->x[j][i] : NAN;
      lp[i] = sum - offset;
    }
}

/* -------------------------------------------------------------------- zph */

void
cs_cox_zph_free (CsCoxZph *zph)
{
  if (zph == NULL)
    return;
  g_free (zph->chi2);
  g_free (zph->df);
  g_free (zph->p_value);
  g_free (zph);
}

/* 1 − S(t−) for each sorted row: the left-continuous Kaplan–Meier of all
 * rows (strata ignored, as survfitKM in cox.zph), centred on its mean over
 * the events. */
static double *
km_time_transform (const CoxRows *r)
{
  g_autofree CsSortItem *items = g_new (CsSortItem, MAX (r->m, 1));
  double *g = g_new (double, MAX (r->m, 1));
  double surv = 1.0, sum = 0;

  for (guint k = 0; k < r->m; k++)
    {
      items[k].value = r->time[k];
      items[k].row = k;
    }
  cs_stats_sort_items (items, r->m);

  for (guint k = 0; k < r->m;)
    {
      guint l = k, deaths = 0, at_risk = r->m - k;

      while (l < r->m && items[l].value == items[k].value)
        {
          g[items[l].row] = 1.0 - surv;
          deaths += r->event[items[l].row];
          l++;
        }
      surv *= 1.0 - (double) deaths / at_risk;
      k = l;
    }

  for (guint k = 0; k < r->m; k++)
    if (r->event[k])
      sum += g[k];
  for (guint k = 0; k < r->m; k++)
    g[k] -= sum / r->n_events;
  return g;
}

/* x·V⁻¹·x of the k × k system (copied), NAN when it is singular */
static double
quadratic_form (const double *matrix,
                const double *x,
                guint         k)
{
  g_autofree double *a = g_memdup2 (matrix, sizeof (double) * k * k);
  g_autofree double *b = g_memdup2 (x, sizeof (double) * k);
  double q = 0;

  if (!cs_stats_solve_linear (a, b, k))
    return NAN;
  for (guint i = 0; i < k; i++)
    q += b[i] * x[i];
  return q;
}

CsCoxZph *
cs_stats_cox_zph (const CsCoxData *data,
                  const CsCoxFit  *fit,
                  const guint     *term_of_column,
                  guint            n_terms)
{
  g_autoptr(CsCoxZph) zph = g_new0 (CsCoxZph, 1);
  g_auto(CoxRows) rows = { 0 };
  g_autofree guint *keep = NULL;
  g_autofree double *gt = NULL;
  g_autofree double *eta = NULL;
  g_autofree double *mean = NULL;
  g_autofree double *a = NULL;
  g_autofree double *a2 = NULL;
  g_autofree double *cmat = NULL;
  g_autofree double *cmat2 = NULL;
  g_autofree double *u = NULL;
  g_autofree double *imat = NULL;
  guint p, q = 0, q2;
  gsize np;

  g_return_val_if_fail (data != NULL && fit != NULL, NULL);
  g_return_val_if_fail (fit->p == data->p, NULL);
  g_return_val_if_fail (term_of_column != NULL || n_terms == data->p, NULL);

  p = data->p;
  zph->n_terms = n_terms;
  zph->chi2 = g_new (double, MAX (n_terms, 1));
  zph->df = g_new (double, MAX (n_terms, 1));
  zph->p_value = g_new (double, MAX (n_terms, 1));
  for (guint t = 0; t < n_terms; t++)
    zph->chi2[t] = zph->df[t] = zph->p_value[t] = NAN;
  zph->global_chi2 = zph->global_df = zph->global_p_value = NAN;

  keep = g_new (guint, MAX (p, 1));
  for (guint j = 0; j < p; j++)
    {
      if (fit->state[j] == CS_COX_COEF_INFINITE)
        return g_steal_pointer (&zph);
      if (fit->state[j] == CS_COX_COEF_ESTIMATED)
        keep[q++] = j;
    }
  if (q == 0 || fit->n_events == 0)
    return g_steal_pointer (&zph);

  cox_rows_init (&rows, data);
  q2 = 2 * q;
  np = TRI (q, 0);
  gt = km_time_transform (&rows);

  /* the linear predictor, and the kept columns centred (for accuracy) */
  eta = g_new0 (double, rows.m);
  mean = g_new0 (double, q);
  for (guint k = 0; k < rows.m; k++)
    for (guint j = 0; j < p; j++)
      eta[k] += fit->beta[j] * (rows.x[(gsize) k * p + j] - fit->means[j]);
  for (guint c = 0; c < q; c++)
    {
      for (guint k = 0; k < rows.m; k++)
        mean[c] += rows.x[(gsize) k * p + keep[c]];
      mean[c] /= rows.m;
    }
  for (guint k = 0; k < rows.m; k++)
    {
      double *row = rows.x + (gsize) k * p;

      for (guint c = 0; c < q; c++)
        row[c] = row[keep[c]] - mean[c];
    }

  a = g_new0 (double, q);
  a2 = g_new0 (double, q);
  cmat = g_new0 (double, np);
  cmat2 = g_new0 (double, np);
  u = g_new0 (double, q2);
  imat = g_new0 (double, (gsize) q2 * q2);

  /* The score of x·g(t) at (β, 0) and the information of (x, x·g(t)):
   * per event time the Efron-weighted covariance V of the risk set adds
   * V, g·V and g²·V to the blocks. */
  for (guint st = 0; st < rows.n_strata; st++)
    {
      gsize lo = rows.start[st], i = rows.start[st + 1];
      double denom = 0;

      memset (a, 0, sizeof (double) * q);
      memset (cmat, 0, sizeof (double) * np);
      while (i > lo)
        {
          double t = rows.time[i - 1], g = gt[i - 1], denom2 = 0;
          guint n_dead = 0;

          while (i > lo && rows.time[i - 1] == t)
            {
              const double *xi;
              double risk;

              i--;
              xi = rows.x + i * p;
              risk = exp (eta[i]);
              if (rows.event[i])
                {
                  n_dead++;
                  denom2 += risk;
                  for (guint c = 0; c < q; c++)
                    u[q + c] += g * xi[c];
                  add_weighted (a2, cmat2, xi, risk, q);
                }
              else
                {
                  denom += risk;
                  add_weighted (a, cmat, xi, risk, q);
                }
            }
          if (n_dead == 0)
            continue;

          {
            guint n_parts = fit->breslow ? 1 : n_dead;
            double wt = (double) n_dead / n_parts;

            for (guint k = 0; k < n_parts; k++)
              {
                denom += denom2 / n_parts;
                for (guint c = 0; c < q; c++)
                  a[c] += a2[c] / n_parts;
                for (gsize l = 0; l < np; l++)
                  cmat[l] += cmat2[l] / n_parts;
                for (guint c = 0; c < q; c++)
                  {
                    double mc = a[c] / denom;

                    u[q + c] -= wt * g * mc;
                    for (guint d = 0; d <= c; d++)
                      {
                        double v = wt * (cmat[TRI (c, d)] - mc * a[d]) / denom;

                        imat[(gsize) c * q2 + d] += v;
                        imat[(gsize) (q + c) * q2 + d] += g * v;
                        imat[(gsize) (q + c) * q2 + q + d] += g * g * v;
                      }
                  }
              }
          }
          memset (a2, 0, sizeof (double) * q);
          memset (cmat2, 0, sizeof (double) * np);
        }
    }

  /* the blocks are symmetric: fill the rest of the 2q × 2q matrix */
  for (guint c = 0; c < q; c++)
    for (guint d = 0; d < c; d++)
      {
        imat[(gsize) d * q2 + c] = imat[(gsize) c * q2 + d];
        imat[(gsize) (q + d) * q2 + q + c] = imat[(gsize) (q + c) * q2 + q + d];
        imat[(gsize) (q + d) * q2 + c] = imat[(gsize) (q + c) * q2 + d];
      }
  for (guint r = 0; r < q2; r++)
    for (guint c = r + 1; c < q2; c++)
      if (r < q || c >= q)
        imat[(gsize) r * q2 + c] = imat[(gsize) c * q2 + r];

  /* per term: the score test of its x·g(t) columns given all β */
  for (guint t = 0; t < n_terms; t++)
    {
      g_autofree guint *idx = g_new (guint, q2);
      g_autofree double *sub = NULL;
      g_autofree double *us = NULL;
      guint k = 0, n_cols = 0;

      for (guint c = 0; c < q; c++)
        idx[k++] = c;
      for (guint c = 0; c < q; c++)
        if ((term_of_column != NULL ? term_of_column[keep[c]] : keep[c]) == t)
          {
            idx[k++] = q + c;
            n_cols++;
          }
      if (n_cols == 0)
        continue;
      sub = g_new (double, (gsize) k * k);
      us = g_new0 (double, k);
      for (guint r = 0; r < k; r++)
        {
          us[r] = idx[r] >= q ? u[idx[r]] : 0;
          for (guint c = 0; c < k; c++)
            sub[(gsize) r * k + c] = imat[(gsize) idx[r] * q2 + idx[c]];
        }
      zph->chi2[t] = quadratic_form (sub, us, k);
      zph->df[t] = n_cols;
      zph->p_value[t] = isnan (zph->chi2[t]) ? NAN : _cs_stats_chi2_sf (zph->chi2[t], n_cols);
    }

  memset (u, 0, sizeof (double) * q);
  zph->global_chi2 = quadratic_form (imat, u, q2);
  zph->global_df = q;
  zph->global_p_value = isnan (zph->global_chi2) ? NAN : _cs_stats_chi2_sf (zph->global_chi2, q);

  return g_steal_pointer (&zph);
}
