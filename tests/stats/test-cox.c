/* test-cox.c: Cox proportional hazards against R survival::coxph
 *
 * The cases in goldens-r.json ("cox") are written by
 * tests/reference/make-goldens.R: deterministic data sets (ties, a
 * categorical covariate, strata, complete separation, four patients,
 * missing values, an aliased column, five covariates on different scales,
 * non-proportional hazards) with what coxph, summary.coxph and cox.zph
 * report. Coefficients must agree to 1e-6 relative, standard errors,
 * z, p-values and the rest to 1e-5 (the tolerances; the fit
 * follows R's iterations, so the agreement is much closer in practice).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "cs-stats.h"
#include "goldens-util.h"

#define COEF_TOL 1e-6
#define REST_TOL 1e-5
#define ABS_TOL  1e-12

static JsonNode *r_root;

static double max_deviation;   /* the largest relative deviation seen, reported */

static double
node_double (JsonNode *node)
{
  return JSON_NODE_HOLDS_NULL (node) ? NAN : json_node_get_double (node);
}

/* actual against the reference (NAN = null = undefined) */
static void
check_value (const char *what,
             double      expected,
             double      actual,
             double      tolerance)
{
  double dev;

  if (isnan (expected))
    {
      if (!isnan (actual))
        g_error ("%s should be undefined, got %.17g", what, actual);
      return;
    }
  if (isnan (actual))
    g_error ("%s is undefined, reference %.17g", what, expected);
  dev = fabs (expected - actual);
  if (dev > MAX (tolerance * fabs (expected), ABS_TOL))
    g_error ("%s = %.17g, reference %.17g (relative deviation %.3g)", what, actual, expected,
             dev / fabs (expected));
  if (fabs (expected) > ABS_TOL)
    max_deviation = MAX (max_deviation, dev / fabs (expected));
}

static void
check_member (JsonObject *obj,
              const char *name,
              const char *key,
              double      actual,
              double      tolerance)
{
  g_autofree char *what = g_strdup_printf ("%s: %s", name, key);

  check_value (what, node_double (json_object_get_member (obj, key)), actual, tolerance);
}

static double *
get_doubles (JsonArray *array,
             gsize     *n)
{
  guint len = json_array_get_length (array);
  double *v = g_new (double, MAX (len, 1));

  for (guint i = 0; i < len; i++)
    v[i] = node_double (json_array_get_element (array, i));
  if (n != NULL)
    *n = len;
  return v;
}

/* The data of a case: time, event, the model matrix, strata, assign. */
typedef struct
{
  gsize      n;
  guint      p;
  double    *time;
  guint8    *event;
  double   **x;
  gint32    *strata;
  guint     *assign;
  guint      n_terms;
  CsCoxData  data;
} Case;

static void
case_clear (Case *c)
{
  for (guint j = 0; j < c->p; j++)
    g_free (c->x[j]);
  g_free (c->x);
  g_free (c->time);
  g_free (c->event);
  g_free (c->strata);
  g_free (c->assign);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Case, case_clear)

static void
case_load (Case       *c,
           JsonObject *obj)
{
  JsonArray *cols = json_object_get_array_member (obj, "x");
  g_autofree double *ev = NULL;
  g_autofree double *asg = NULL;
  JsonNode *strata = json_object_get_member (obj, "strata");

  c->time = get_doubles (json_object_get_array_member (obj, "time"), &c->n);
  ev = get_doubles (json_object_get_array_member (obj, "event"), NULL);
  c->event = g_new (guint8, MAX (c->n, 1));
  for (gsize i = 0; i < c->n; i++)
    c->event[i] = ev[i] != 0;
  c->p = json_array_get_length (cols);
  c->x = g_new0 (double *, MAX (c->p, 1));
  for (guint j = 0; j < c->p; j++)
    c->x[j] = get_doubles (json_array_get_array_element (cols, j), NULL);
  asg = get_doubles (json_object_get_array_member (obj, "assign"), NULL);
  c->assign = g_new (guint, MAX (c->p, 1));
  for (guint j = 0; j < c->p; j++)
    c->assign[j] = (guint) asg[j];
  c->n_terms = json_array_get_length (json_object_get_array_member (obj, "terms"));
  if (!JSON_NODE_HOLDS_NULL (strata))
    {
      g_autofree double *s = get_doubles (json_node_get_array (strata), NULL);

      c->strata = g_new (gint32, MAX (c->n, 1));
      for (gsize i = 0; i < c->n; i++)
        c->strata[i] = (gint32) s[i];
    }

  c->data.n = c->n;
  c->data.time = c->time;
  c->data.event = c->event;
  c->data.p = c->p;
  c->data.x = (const double *const *) c->x;
  c->data.strata = c->strata;
}

static void
check_case (JsonObject *obj)
{
  const char *name = json_object_get_string_member (obj, "name");
  g_auto(Case) c = { 0 };
  g_autoptr(CsCoxFit) fit = NULL;
  g_autoptr(CsCoxZph) zph = NULL;
  g_autofree double *loglik = NULL;
  JsonArray *infinite = json_object_get_array_member (obj, "infinite");
  JsonNode *zph_node = json_object_get_member (obj, "zph");
  gboolean any_infinite = FALSE;

  case_load (&c, obj);
  fit = cs_stats_cox_fit (&c.data, NULL);

  g_assert_cmpuint (fit->n, ==, (guint) json_object_get_double_member (obj, "n"));
  g_assert_cmpuint (fit->n_events, ==, (guint) json_object_get_double_member (obj, "n_events"));
  g_assert_cmpuint (fit->iterations, ==, (guint) json_object_get_double_member (obj, "iter"));
  g_assert_true (fit->converged);

  for (guint j = 0; j < c.p; j++)
    {
      g_autofree char *what = g_strdup_printf ("%s: column %u", name, j);
      JsonNode *coef = json_array_get_element (json_object_get_array_member (obj, "coef"), j);

      if (json_array_get_boolean_element (infinite, j))
        {
          /* R prints where it stopped and warns; here it is infinite */
          g_assert_cmpint (fit->state[j], ==, CS_COX_COEF_INFINITE);
          g_assert_cmpint (fit->direction[j], ==, json_node_get_double (coef) > 0 ? 1 : -1);
          g_assert_true (isnan (fit->coef[j]) && isnan (fit->se[j]) && isnan (fit->p_value[j]));
          g_assert_true (isnan (fit->hr[j]) && isnan (fit->hr_lower[j]) && isnan (fit->hr_upper[j]));
          any_infinite = TRUE;
          continue;
        }
      if (JSON_NODE_HOLDS_NULL (coef))
        {
          /* R: coef NA, se(coef) 0; undefined here */
          g_assert_cmpint (fit->state[j], ==, CS_COX_COEF_ALIASED);
          g_assert_true (isnan (fit->coef[j]) && isnan (fit->se[j]) && isnan (fit->z[j]));
          g_assert_true (isnan (fit->p_value[j]) && isnan (fit->hr[j]) && isnan (fit->hr_lower[j]));
          continue;
        }
      g_assert_cmpint (fit->state[j], ==, CS_COX_COEF_ESTIMATED);

      {
        struct { const char *key; const double *values; double tol; } fields[] = {
          { "coef", fit->coef, COEF_TOL }, { "se", fit->se, REST_TOL }, { "z", fit->z, REST_TOL },
          { "p", fit->p_value, REST_TOL }, { "hr", fit->hr, REST_TOL },
          { "lower", fit->hr_lower, REST_TOL }, { "upper", fit->hr_upper, REST_TOL },
          { "means", fit->means, COEF_TOL },
        };

        for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
          {
            g_autofree char *key = g_strdup_printf ("%s %s", what, fields[f].key);
            JsonArray *ref = json_object_get_array_member (obj, fields[f].key);

            check_value (key, node_double (json_array_get_element (ref, j)), fields[f].values[j], fields[f].tol);
          }
      }
    }

  loglik = get_doubles (json_object_get_array_member (obj, "loglik"), NULL);
  check_value ("loglik null", loglik[0], fit->loglik_null, COEF_TOL);
  check_value ("loglik", loglik[1], fit->loglik, COEF_TOL);
  check_member (obj, name, "lr_chisq", fit->lr_chi2, REST_TOL);
  check_member (obj, name, "lr_df", fit->lr_df, REST_TOL);
  check_member (obj, name, "lr_p", fit->lr_p_value, REST_TOL);
  check_member (obj, name, "concordance", fit->concordance, COEF_TOL);
  check_member (obj, name, "concordance_se", fit->concordance_se, REST_TOL);

  zph = cs_stats_cox_zph (&c.data, fit, c.assign, c.n_terms);
  g_assert_cmpuint (zph->n_terms, ==, c.n_terms);
  if (any_infinite)
    {
      /* cox.zph would test at the coefficient where the iterations stopped */
      for (guint t = 0; t < c.n_terms; t++)
        g_assert_true (isnan (zph->chi2[t]) && isnan (zph->p_value[t]));
      g_assert_true (isnan (zph->global_chi2) && isnan (zph->global_p_value));
    }
  else
    {
      JsonObject *z = json_node_get_object (zph_node);
      JsonArray *terms = json_object_get_array_member (z, "terms");
      JsonArray *all_terms = json_object_get_array_member (obj, "terms");
      guint k = 0;

      for (guint t = 0; t < c.n_terms; t++)
        {
          const char *term = json_array_get_string_element (all_terms, t);
          g_autofree char *what = g_strdup_printf ("%s: zph %s", name, term);

          if (k >= json_array_get_length (terms) || !g_str_equal (json_array_get_string_element (terms, k), term))
            {
              /* R leaves out a term whose columns are all aliased */
              g_assert_true (isnan (zph->chi2[t]));
              continue;
            }
          check_value (what, node_double (json_array_get_element (json_object_get_array_member (z, "chisq"), k)),
                       zph->chi2[t], REST_TOL);
          check_value (what, node_double (json_array_get_element (json_object_get_array_member (z, "df"), k)),
                       zph->df[t], REST_TOL);
          check_value (what, node_double (json_array_get_element (json_object_get_array_member (z, "p"), k)),
                       zph->p_value[t], REST_TOL);
          k++;
        }
      check_member (z, name, "global_chisq", zph->global_chi2, REST_TOL);
      check_member (z, name, "global_df", zph->global_df, REST_TOL);
      check_member (z, name, "global_p", zph->global_p_value, REST_TOL);
    }

  /* the linear predictor is R's: X β − Σ β·means; its concordance is C */
  {
    g_autofree double *lp = g_new (double, c.n);
    g_autofree double *neg = g_new (double, c.n);
    double se;

    cs_cox_fit_linear_predictor (fit, &c.data, lp);
    for (gsize i = 0; i < c.n; i++)
      {
        gboolean has_x = TRUE;

        for (guint j = 0; j < c.p; j++)
          has_x = has_x && !isnan (c.x[j][i]);
        g_assert_true (has_x ? isfinite (lp[i]) : isnan (lp[i]));
        neg[i] = -lp[i];
      }
    g_assert_cmpfloat (cs_stats_concordance_strata (c.time, c.event, neg, c.strata, c.n, &se), ==, fit->concordance);
  }
}

static void
test_goldens (void)
{
  JsonArray *cases = json_object_get_array_member (json_node_get_object (r_root), "cox");

  g_assert_cmpuint (json_array_get_length (cases), >=, 9);
  for (guint i = 0; i < json_array_get_length (cases); i++)
    check_case (json_array_get_object_element (cases, i));
  g_test_message ("largest relative deviation from R: %.3g", max_deviation);
}

/* Without an event there is nothing to estimate: every result is
 * undefined (R says coef NA and "Likelihood ratio test=0 on 0 df, p=1"). */
static void
test_no_events (void)
{
  const double time[] = { 1, 2, 3, 4, 5 };
  const guint8 event[] = { 0, 0, 0, 0, 0 };
  const double x0[] = { 0.3, -1, 2, 0.5, 1 };
  const double *x[] = { x0 };
  CsCoxData data = { 5, time, event, 1, x, NULL };
  g_autoptr(CsCoxFit) fit = cs_stats_cox_fit (&data, NULL);
  g_autoptr(CsCoxZph) zph = cs_stats_cox_zph (&data, fit, NULL, 1);

  g_assert_cmpuint (fit->n, ==, 5);
  g_assert_cmpuint (fit->n_events, ==, 0);
  g_assert_cmpint (fit->state[0], ==, CS_COX_COEF_ALIASED);
  g_assert_true (isnan (fit->coef[0]) && isnan (fit->se[0]));
  g_assert_true (isnan (fit->lr_chi2) && isnan (fit->lr_p_value));
  g_assert_true (isnan (fit->concordance));
  g_assert_true (isnan (zph->chi2[0]) && isnan (zph->global_chi2));
}

/* Rows are left out when time, a covariate or the stratum is missing, and
 * the fit equals the fit of the complete rows alone. */
static void
test_complete_cases (void)
{
  const double time[] = { 5, 8, NAN, 3, 9, 12, 4, 7, 11, 6 };
  const guint8 event[] = { 1, 0, 1, 1, 1, 0, 1, 1, 0, 1 };
  const double x0[] = { 1.2, 2.5, 0.3, NAN, 0.8, -1.1, 2.0, 0.1, -0.6, INFINITY };
  const gint32 strata[] = { 0, 0, 0, 1, 1, 1, -1, 0, 1, 0 };
  const double *x[] = { x0 };
  const double ctime[] = { 5, 8, 9, 12, 7, 11 };
  const guint8 cevent[] = { 1, 0, 1, 0, 1, 0 };
  const double cx0[] = { 1.2, 2.5, 0.8, -1.1, 0.1, -0.6 };
  const gint32 cstrata[] = { 0, 0, 1, 1, 0, 1 };
  const double *cx[] = { cx0 };
  CsCoxData data = { 10, time, event, 1, x, strata };
  CsCoxData complete = { 6, ctime, cevent, 1, cx, cstrata };
  g_autoptr(CsCoxFit) a = cs_stats_cox_fit (&data, NULL);
  g_autoptr(CsCoxFit) b = cs_stats_cox_fit (&complete, NULL);

  g_assert_cmpuint (a->n, ==, 6);
  g_assert_cmpuint (a->n_strata, ==, 2);
  g_assert_cmpuint (a->n_events, ==, 3);
  g_assert_cmpint (a->state[0], ==, CS_COX_COEF_ESTIMATED);
  g_assert_cmpfloat_with_epsilon (a->coef[0], b->coef[0], 1e-12);
  g_assert_cmpfloat_with_epsilon (a->se[0], b->se[0], 1e-12);
  g_assert_cmpfloat_with_epsilon (a->loglik, b->loglik, 1e-12);
  g_assert_cmpfloat_with_epsilon (a->concordance, b->concordance, 1e-12);
}

/* Without tied event times Breslow's and Efron's likelihoods are the same. */
static void
test_breslow_without_ties (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  enum { N = 200 };
  double time[N], x0[N], x1[N];
  guint8 event[N];
  const double *x[] = { x0, x1 };
  CsCoxData data = { N, time, event, 2, x, NULL };
  CsCoxOptions options;
  g_autoptr(CsCoxFit) efron = NULL;
  g_autoptr(CsCoxFit) breslow = NULL;

  for (guint i = 0; i < N; i++)
    {
      x0[i] = g_rand_double_range (rand, -1, 1);
      x1[i] = g_rand_double_range (rand, 0, 10);
      time[i] = -log (g_rand_double (rand)) / exp (0.8 * x0[i] - 0.1 * x1[i]);
      event[i] = g_rand_double (rand) < 0.8;
    }
  cs_cox_options_init (&options);
  options.breslow = TRUE;
  efron = cs_stats_cox_fit (&data, NULL);
  breslow = cs_stats_cox_fit (&data, &options);
  for (guint j = 0; j < 2; j++)
    {
      g_assert_cmpfloat_with_epsilon (efron->coef[j], breslow->coef[j], 1e-12);
      g_assert_cmpfloat_with_epsilon (efron->se[j], breslow->se[j], 1e-12);
    }
  g_assert_true (efron->coef[0] > 0.3 && efron->coef[1] < 0);
}


/* Out of iterations: the estimates so far, said to be unconverged, and
 * not called infinite when they are ordinary numbers. */
static void
test_not_converged (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (17);
  enum { N = 300 };
  double time[N], x0[N], x1[N];
  guint8 event[N];
  const double *x[] = { x0, x1 };
  CsCoxData data = { N, time, event, 2, x, NULL };
  CsCoxOptions options;
  g_autoptr(CsCoxFit) fit = NULL;
  g_autoptr(CsCoxFit) full = NULL;

  for (guint i = 0; i < N; i++)
    {
      x0[i] = g_rand_double_range (rand, -2, 2);
      x1[i] = g_rand_int_range (rand, 0, 2);
      time[i] = -log (g_rand_double (rand)) / exp (1.5 * x0[i] + 0.7 * x1[i]);
      event[i] = g_rand_double (rand) < 0.7;
    }
  cs_cox_options_init (&options);
  options.max_iter = 1;
  fit = cs_stats_cox_fit (&data, &options);
  full = cs_stats_cox_fit (&data, NULL);
  g_assert_true (full->converged);
  g_assert_false (fit->converged);
  g_assert_cmpuint (fit->iterations, ==, 1);
  for (guint j = 0; j < 2; j++)
    {
      g_assert_cmpint (fit->state[j], ==, CS_COX_COEF_ESTIMATED);
      g_assert_true (isfinite (fit->coef[j]) && isfinite (fit->se[j]));
      g_assert_cmpfloat (fabs (fit->coef[j] - full->coef[j]), >, 1e-6);
    }
  /* the one step taken improved the likelihood */
  g_assert_cmpfloat (fit->loglik, >, fit->loglik_null);
  g_assert_cmpfloat (fit->loglik, <=, full->loglik);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  r_root = goldens_load ("goldens-r.json");

  g_test_add_func ("/cox/goldens", test_goldens);
  g_test_add_func ("/cox/no-events", test_no_events);
  g_test_add_func ("/cox/complete-cases", test_complete_cases);
  g_test_add_func ("/cox/breslow-without-ties", test_breslow_without_ties);
  g_test_add_func ("/cox/not-converged", test_not_converged);

  ret = g_test_run ();
  json_node_unref (r_root);
  return ret;
}
